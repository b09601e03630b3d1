// Builds the .vsix. Two forms:
//
//   npm run package                                          # pyexplain.vsix, any platform, no server inside
//   npm run package -- --target linux-x64 --binary PATH      # pyexplain-linux-x64.vsix with PATH as bundled/pyexplain
//
// The second is one platform's extension, as ruff-vscode ships them: a release
// workflow runs it once per target (win32-x64 takes a pyexplain.exe, darwin-arm64
// a macOS binary, …). `--out FILE` names the result. The binary is copied into
// bundled/ only for the packaging and removed afterwards.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGETS = ['win32-x64', 'win32-arm64', 'linux-x64', 'linux-arm64', 'linux-armhf', 'alpine-x64', 'alpine-arm64', 'darwin-x64', 'darwin-arm64'];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const die = (msg) => {
  console.error(`package: ${msg}`);
  process.exit(2);
};

const opts = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const m = /^--(target|binary|out)(?:=(.*))?$/.exec(a);
  if (!m) die(`unknown argument ${a}; usage: npm run package [-- --target TARGET --binary PATH [--out FILE]]`);
  opts[m[1]] = m[2] ?? argv[++i];
  if (opts[m[1]] === undefined) die(`${a} needs a value`);
}
if (!!opts.target !== !!opts.binary) die('--target and --binary go together (a platform .vsix carries that platform\'s binary)');
if (opts.target && !TARGETS.includes(opts.target)) die(`unknown target ${opts.target}; one of ${TARGETS.join(', ')}`);

const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) die(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
sh(npm, ['run', '--silent', 'check']);
sh(npm, ['run', '--silent', 'build']);
fs.copyFileSync(path.join(root, '..', '..', 'LICENSE'), path.join(root, 'LICENSE'));

const bundled = path.join(root, 'bundled');
fs.rmSync(bundled, { recursive: true, force: true });
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const args = [vsce, 'package', '--no-dependencies'];
let out = opts.out ?? 'pyexplain.vsix';
if (opts.target) {
  const src = path.resolve(process.env.INIT_CWD ?? process.cwd(), opts.binary);
  if (!fs.statSync(src, { throwIfNoEntry: false })?.isFile()) die(`--binary ${opts.binary}: no such file`);
  const exe = opts.target.startsWith('win32') ? 'pyexplain.exe' : 'pyexplain';
  fs.mkdirSync(bundled);
  fs.copyFileSync(src, path.join(bundled, exe));
  fs.chmodSync(path.join(bundled, exe), 0o755);
  out = opts.out ?? `pyexplain-${opts.target}.vsix`;
  args.push('--target', opts.target);
}
args.push('--out', path.resolve(root, out));
try {
  sh(process.execPath, args);
} finally {
  fs.rmSync(bundled, { recursive: true, force: true });
}
const size = fs.statSync(path.resolve(root, out)).size;
console.log(`package: ${path.resolve(root, out)} (${(size / 1e6).toFixed(2)} MB${opts.target ? `, ${opts.target}, server bundled` : ', no server'})`);
