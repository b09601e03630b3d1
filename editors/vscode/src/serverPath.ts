// Where the pyexplain binary is, in the documented order: the PYEXPLAIN_PATH
// environment variable, the `pyexplain.path` setting (with `~` expanded), a
// binary bundled in the extension, then PATH. Pure apart from `exists`, so it
// is tested without VS Code (test/serverPath.test.mjs).
import * as os from 'os';
import * as path from 'path';

export interface Lookup {
  env: NodeJS.ProcessEnv;
  setting: string | undefined;
  bundled: string;
  platform: NodeJS.Platform;
  home: string;
  exists: (file: string) => boolean;
}

export type Found =
  | { ok: true; path: string; source: 'PYEXPLAIN_PATH' | 'pyexplain.path' | 'bundled' | 'PATH' }
  | { ok: false; message: string };

export const INSTALL_HINT =
  'Install it with `cargo install --git https://github.com/pyexplain/pyexplain` ' +
  '(or build it with `cargo build --release` and set `pyexplain.path` to target/release/pyexplain), ' +
  'or set the PYEXPLAIN_PATH environment variable.';

export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

export function findServer(l: Lookup): Found {
  const envPath = l.env.PYEXPLAIN_PATH?.trim();
  if (envPath) {
    const p = expandHome(envPath, l.home);
    return l.exists(p)
      ? { ok: true, path: p, source: 'PYEXPLAIN_PATH' }
      : { ok: false, message: `pyexplain: PYEXPLAIN_PATH is ${envPath}, but there is no file there. ${INSTALL_HINT}` };
  }
  const setting = l.setting?.trim();
  if (setting) {
    const p = expandHome(setting, l.home);
    return l.exists(p)
      ? { ok: true, path: p, source: 'pyexplain.path' }
      : { ok: false, message: `pyexplain: the setting pyexplain.path is ${setting}, but there is no file there. ${INSTALL_HINT}` };
  }
  if (l.exists(l.bundled)) return { ok: true, path: l.bundled, source: 'bundled' };
  const exe = l.platform === 'win32' ? 'pyexplain.exe' : 'pyexplain';
  const sep = l.platform === 'win32' ? ';' : ':';
  const dirs = (l.env.PATH ?? l.env.Path ?? '').split(sep).filter((d) => d.length > 0);
  for (const dir of dirs) {
    const p = path.join(dir, exe);
    if (l.exists(p)) return { ok: true, path: p, source: 'PATH' };
  }
  return { ok: false, message: `pyexplain: the server binary was not found. ${INSTALL_HINT}` };
}
