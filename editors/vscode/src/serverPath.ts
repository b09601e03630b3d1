// Where the pyexplain binary is, in the documented order: the `pyexplain.path`
// setting (with `~` expanded), the PYEXPLAIN_PATH environment variable, the
// binary bundled in a platform .vsix (`bundled/pyexplain`), then PATH. Pure
// apart from `exists`, so it is tested without VS Code (test/serverPath.test.mjs).
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

export type Source = 'pyexplain.path' | 'PYEXPLAIN_PATH' | 'bundled' | 'PATH';

export type Found = { ok: true; path: string; source: Source } | { ok: false; message: string };

/** Where a binary came from, in words, for the output channel. */
export const SOURCE_WORDS: Record<Source, string> = {
  'pyexplain.path': 'the pyexplain.path setting',
  PYEXPLAIN_PATH: 'the PYEXPLAIN_PATH environment variable',
  bundled: 'bundled with the extension',
  PATH: 'found on PATH',
};

export const INSTALL_HINT =
  'Install the platform build of this extension (it carries the server), or the server with ' +
  '`pipx install pyexplain-lsp` (or `pip install` of a built pyexplain_lsp wheel), ' +
  'or set `pyexplain.path` or the PYEXPLAIN_PATH environment variable to a pyexplain binary.';

/** The bundled binary's path inside the extension folder. */
export function bundledPath(extensionDir: string, platform: NodeJS.Platform): string {
  return path.join(extensionDir, 'bundled', platform === 'win32' ? 'pyexplain.exe' : 'pyexplain');
}

export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

export function findServer(l: Lookup): Found {
  const setting = l.setting?.trim();
  if (setting) {
    const p = expandHome(setting, l.home);
    return l.exists(p)
      ? { ok: true, path: p, source: 'pyexplain.path' }
      : { ok: false, message: `pyexplain: the setting pyexplain.path is ${setting}, but there is no file there. ${INSTALL_HINT}` };
  }
  const envPath = l.env.PYEXPLAIN_PATH?.trim();
  if (envPath) {
    const p = expandHome(envPath, l.home);
    return l.exists(p)
      ? { ok: true, path: p, source: 'PYEXPLAIN_PATH' }
      : { ok: false, message: `pyexplain: PYEXPLAIN_PATH is ${envPath}, but there is no file there. ${INSTALL_HINT}` };
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

/** The rule id a diagnostic of ours carries in `code`, or undefined for others' diagnostics. */
export function ruleOf(d: { source?: string; code?: unknown }): string | undefined {
  if (d.source !== 'pyexplain') return undefined;
  const c = d.code;
  const v = typeof c === 'object' && c !== null && 'value' in c ? (c as { value: unknown }).value : c;
  return typeof v === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(v) ? v : undefined;
}
