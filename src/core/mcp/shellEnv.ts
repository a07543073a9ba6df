/**
 * The user's login-shell PATH, so servers launched with `npx`, `uvx`, nvm's node or Homebrew tools
 * are found even when the editor was started from a desktop launcher with a bare PATH.
 * (Same idea as VS Code's own shell-environment resolution; a few lines do not earn a dependency.)
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

const START = '__SWITCHYARD_PATH_START__';
const END = '__SWITCHYARD_PATH_END__';

/**
 * Asks `$SHELL -ilc` for PATH. Resolves undefined on Windows, without a SHELL, on timeout or on
 * any failure: the caller then keeps the current PATH.
 */
export function readLoginShellPath(opts: { shell?: string; timeoutMs?: number } = {}): Promise<string | undefined> {
  const shell = opts.shell ?? process.env.SHELL;
  if (process.platform === 'win32' || !shell) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(
      shell,
      ['-ilc', `printf '%s' "${START}$PATH${END}"`],
      { timeout: opts.timeoutMs ?? 5000, env: { ...process.env, SWITCHYARD_RESOLVING_ENVIRONMENT: '1' }, windowsHide: true },
      (err, stdout) => {
        const m = new RegExp(`${START}(.*)${END}`, 's').exec(String(stdout));
        resolve(err && !m ? undefined : m?.[1] || undefined);
      },
    );
  });
}

/** Login-shell entries first, then the current PATH's entries it lacks, without duplicates. */
export function mergePath(loginPath: string | undefined, currentPath: string | undefined): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of [...(loginPath ?? '').split(path.delimiter), ...(currentPath ?? '').split(path.delimiter)]) {
    if (part && !seen.has(part)) {
      seen.add(part);
      out.push(part);
    }
  }
  return out.join(path.delimiter);
}

/** Environment variables a stdio server inherits; API keys and other secrets of ours are not passed on. */
const INHERITED = [
  'HOME', 'LOGNAME', 'USER', 'SHELL', 'TERM', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TZ',
  'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
  'NVM_DIR', 'NVM_BIN', 'VOLTA_HOME', 'PNPM_HOME', 'NODE_EXTRA_CA_CERTS',
  'APPDATA', 'LOCALAPPDATA', 'USERPROFILE', 'SYSTEMROOT', 'SystemRoot', 'TEMP', 'TMP', 'PROGRAMFILES', 'COMSPEC', 'PATHEXT',
];

/** The base environment of a stdio server: a safe subset of ours with PATH replaced by `pathValue`. */
export function baseServerEnv(pathValue: string, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of INHERITED) {
    const v = from[k];
    if (v !== undefined && !v.startsWith('()')) env[k] = v;
  }
  env.PATH = pathValue;
  return env;
}

/** Whether `command` (a name, or a path) resolves to an executable with this PATH. */
export async function isExecutableOnPath(command: string, pathValue: string | undefined, cwd?: string): Promise<boolean> {
  const exts = process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  const candidates = command.includes('/') || command.includes(path.sep)
    ? [path.resolve(cwd ?? process.cwd(), command)]
    : (pathValue ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const c of candidates) {
    for (const ext of exts) {
      try {
        await access(c + ext, constants.X_OK);
        return true;
      } catch {
        // next candidate
      }
    }
  }
  return false;
}
