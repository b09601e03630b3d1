// The server lookup order, without VS Code: node --test (npm test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { findServer, expandHome, bundledPath, ruleOf } = require('../out/test/serverPath.js');

const base = (files, over = {}) => ({
  env: { PATH: '/usr/local/bin:/usr/bin' },
  setting: '',
  bundled: '/ext/bundled/pyexplain',
  platform: 'linux',
  home: '/home/u',
  exists: (p) => files.includes(p),
  ...over,
});

test('the setting wins over everything, with ~ expanded', () => {
  const r = findServer(base(['/opt/px', '/home/u/px', '/ext/bundled/pyexplain', '/usr/bin/pyexplain'], { env: { PYEXPLAIN_PATH: '/opt/px', PATH: '/usr/bin' }, setting: '~/px' }));
  assert.deepEqual(r, { ok: true, path: '/home/u/px', source: 'pyexplain.path' });
});

test('a setting that names no file is an error, not a silent fallback', () => {
  const r = findServer(base(['/opt/px', '/ext/bundled/pyexplain'], { env: { PYEXPLAIN_PATH: '/opt/px' }, setting: '/nope' }));
  assert.equal(r.ok, false);
  assert.match(r.message, /pyexplain\.path is \/nope/);
});

test('PYEXPLAIN_PATH comes next, before the bundled binary', () => {
  const r = findServer(base(['/opt/px', '/ext/bundled/pyexplain', '/usr/bin/pyexplain'], { env: { PYEXPLAIN_PATH: '/opt/px', PATH: '/usr/bin' } }));
  assert.deepEqual(r, { ok: true, path: '/opt/px', source: 'PYEXPLAIN_PATH' });
});

test('a PYEXPLAIN_PATH that names no file is an error, not a silent fallback', () => {
  const r = findServer(base(['/usr/bin/pyexplain', '/ext/bundled/pyexplain'], { env: { PYEXPLAIN_PATH: '/nope', PATH: '/usr/bin' } }));
  assert.equal(r.ok, false);
  assert.match(r.message, /PYEXPLAIN_PATH is \/nope/);
  assert.match(r.message, /pipx install pyexplain-lsp/);
});

test('then the bundled binary, then PATH', () => {
  assert.deepEqual(findServer(base(['/ext/bundled/pyexplain', '/usr/bin/pyexplain'])), { ok: true, path: '/ext/bundled/pyexplain', source: 'bundled' });
  assert.deepEqual(findServer(base(['/usr/bin/pyexplain'])), { ok: true, path: '/usr/bin/pyexplain', source: 'PATH' });
});

test('on Windows: pyexplain.exe, PATH split on ;', () => {
  assert.equal(bundledPath('C:/ext', 'win32').replace(/\\/g, '/'), 'C:/ext/bundled/pyexplain.exe');
  assert.equal(bundledPath('/ext', 'linux'), '/ext/bundled/pyexplain');
  const r = findServer(base(['C:\\py\\Scripts/pyexplain.exe'], { platform: 'win32', bundled: 'C:/ext/bundled/pyexplain.exe', env: { Path: 'C:\\py\\Scripts;C:\\bin' } }));
  assert.equal(r.ok, true);
  assert.equal(r.source, 'PATH');
});

test('nothing found: a message that says how to install', () => {
  const r = findServer(base([]));
  assert.equal(r.ok, false);
  assert.match(r.message, /not found/);
  assert.match(r.message, /pipx install pyexplain-lsp/);
  assert.match(r.message, /pyexplain\.path/);
});

test('expandHome only touches a leading ~', () => {
  assert.equal(expandHome('~', '/h'), '/h');
  assert.equal(expandHome('~/x', '/h'), '/h/x');
  assert.equal(expandHome('/a/~/x', '/h'), '/a/~/x');
  assert.equal(expandHome('~user/x', '/h'), '~user/x');
});

test('ruleOf: only our diagnostics, only rule-id shaped codes', () => {
  assert.equal(ruleOf({ source: 'pyexplain', code: 'range-len-loop' }), 'range-len-loop');
  assert.equal(ruleOf({ source: 'pyexplain', code: { value: 'mutable-default-argument', target: {} } }), 'mutable-default-argument');
  assert.equal(ruleOf({ source: 'Ruff', code: 'E711' }), undefined);
  assert.equal(ruleOf({ source: 'pyexplain', code: '--help' }), undefined);
  assert.equal(ruleOf({ source: 'pyexplain', code: 3 }), undefined);
  assert.equal(ruleOf({ source: 'pyexplain' }), undefined);
});
