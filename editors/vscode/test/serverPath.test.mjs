// The server lookup order, without VS Code: node --test (npm test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { findServer, expandHome } = require('../out/test/serverPath.js');

const base = (files, over = {}) => ({
  env: { PATH: '/usr/local/bin:/usr/bin' },
  setting: '',
  bundled: '/ext/bin/pyexplain',
  platform: 'linux',
  home: '/home/u',
  exists: (p) => files.includes(p),
  ...over,
});

test('PYEXPLAIN_PATH wins over everything', () => {
  const r = findServer(base(['/opt/px', '/home/u/px', '/ext/bin/pyexplain', '/usr/bin/pyexplain'], { env: { PYEXPLAIN_PATH: '/opt/px', PATH: '/usr/bin' }, setting: '~/px' }));
  assert.deepEqual(r, { ok: true, path: '/opt/px', source: 'PYEXPLAIN_PATH' });
});

test('a PYEXPLAIN_PATH that names no file is an error, not a silent fallback', () => {
  const r = findServer(base(['/usr/bin/pyexplain'], { env: { PYEXPLAIN_PATH: '/nope', PATH: '/usr/bin' } }));
  assert.equal(r.ok, false);
  assert.match(r.message, /PYEXPLAIN_PATH is \/nope/);
  assert.match(r.message, /cargo install/);
});

test('the setting comes next, with ~ expanded', () => {
  const r = findServer(base(['/home/u/bin/pyexplain', '/ext/bin/pyexplain'], { setting: '~/bin/pyexplain' }));
  assert.deepEqual(r, { ok: true, path: '/home/u/bin/pyexplain', source: 'pyexplain.path' });
});

test('then the bundled binary, then PATH', () => {
  assert.deepEqual(findServer(base(['/ext/bin/pyexplain', '/usr/bin/pyexplain'])), { ok: true, path: '/ext/bin/pyexplain', source: 'bundled' });
  assert.deepEqual(findServer(base(['/usr/bin/pyexplain'])), { ok: true, path: '/usr/bin/pyexplain', source: 'PATH' });
});

test('nothing found: a message that says how to install', () => {
  const r = findServer(base([]));
  assert.equal(r.ok, false);
  assert.match(r.message, /not found/);
  assert.match(r.message, /cargo install/);
  assert.match(r.message, /pyexplain\.path/);
});

test('expandHome only touches a leading ~', () => {
  assert.equal(expandHome('~', '/h'), '/h');
  assert.equal(expandHome('~/x', '/h'), '/h/x');
  assert.equal(expandHome('/a/~/x', '/h'), '/a/~/x');
  assert.equal(expandHome('~user/x', '/h'), '~user/x');
});
