/** Lists the files of a workspace worth indexing: honours nested .gitignore files, exclude globs, a size cap and skips binaries. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { WalkedFile } from '../types';

/** Always skipped, whatever .gitignore says (VCS data, dependency trees, our own data). */
export const DEFAULT_EXCLUDES = [
  '.git/', '.hg/', '.svn/', 'node_modules/', '.switchyard/', '.venv/', '__pycache__/',
  '*.min.js', '*.map', 'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'Cargo.lock', 'go.sum',
];

export interface WalkOptions {
  root: string;
  /** gitignore-style globs (VS Code `files.exclude` keys work: `**∕dist`, `*.log`). */
  exclude?: string[];
  maxFileBytes?: number;
  /** Use DEFAULT_EXCLUDES (default true). */
  defaultExcludes?: boolean;
  signal?: AbortSignal;
}

interface Scope {
  /** Directory the patterns are relative to ('' = root). */
  base: string;
  matcher: Ignore;
  /** Exclude globs and defaults: no .gitignore negation can bring these back. */
  hard?: boolean;
}

const BINARY_SNIFF_BYTES = 8000;

/** True when the first bytes hold a NUL or too many control characters (git's heuristic, loosened). */
export function looksBinary(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 7 || (b > 13 && b < 32)) control++;
  }
  return control / head.length > 0.1;
}

async function readHead(absPath: string, bytes: number): Promise<Uint8Array> {
  const handle = await fs.open(absPath, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Like git: scopes are checked from the root down and the deepest one with a matching rule (including `!negation`) decides. */
function ignoredBy(scopes: Scope[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const scope of scopes) {
    const local = scope.base ? (rel.startsWith(scope.base + '/') ? rel.slice(scope.base.length + 1) : null) : rel;
    if (local === null || local === '') continue;
    const r = scope.matcher.test(isDir ? local + '/' : local);
    if (r.ignored && scope.hard) return true;
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

/** Whether a single workspace-relative path would be skipped by the walker's rules (used by the file watcher). */
export async function isIndexable(opts: WalkOptions, rel: string): Promise<boolean> {
  const scopes = await scopesFor(opts, rel);
  if (ignoredBy(scopes, rel, false)) return false;
  const abs = path.join(opts.root, rel);
  try {
    const st = await fs.stat(abs);
    if (!st.isFile() || st.size > (opts.maxFileBytes ?? Infinity)) return false;
    return !looksBinary(await readHead(abs, BINARY_SNIFF_BYTES));
  } catch {
    return false;
  }
}

async function rootScope(opts: WalkOptions): Promise<Scope> {
  const matcher = ignore();
  if (opts.defaultExcludes !== false) matcher.add(DEFAULT_EXCLUDES);
  matcher.add(opts.exclude ?? []);
  return { base: '', matcher, hard: true };
}

async function gitignoreScope(root: string, dirRel: string): Promise<Scope | undefined> {
  try {
    const text = await fs.readFile(path.join(root, dirRel, '.gitignore'), 'utf8');
    return { base: dirRel, matcher: ignore().add(text) };
  } catch {
    return undefined;
  }
}

async function scopesFor(opts: WalkOptions, rel: string): Promise<Scope[]> {
  const scopes = [await rootScope(opts)];
  const parts = rel.split('/').slice(0, -1);
  for (let i = 0; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const scope = await gitignoreScope(opts.root, dir);
    if (scope) scopes.push(scope);
  }
  return scopes;
}

/** Walks `root` depth-first in a stable (sorted) order. Throws the signal's reason when aborted. */
export async function walkWorkspace(opts: WalkOptions): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  const maxBytes = opts.maxFileBytes ?? Infinity;
  const visit = async (dirRel: string, inherited: Scope[]): Promise<void> => {
    opts.signal?.throwIfAborted();
    const own = await gitignoreScope(opts.root, dirRel);
    const scopes = own ? [...inherited, own] : inherited;
    let entries;
    try {
      entries = await fs.readdir(path.join(opts.root, dirRel), { withFileTypes: true });
    } catch {
      return; // unreadable directory: skip it rather than fail the whole walk
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!ignoredBy(scopes, rel, true)) await visit(rel, scopes);
        continue;
      }
      if (!entry.isFile() || ignoredBy(scopes, rel, false)) continue;
      const absPath = path.join(opts.root, rel);
      try {
        const st = await fs.stat(absPath);
        if (st.size > maxBytes) continue;
        if (looksBinary(await readHead(absPath, BINARY_SNIFF_BYTES))) continue;
        out.push({ path: rel, absPath, size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        // vanished between readdir and stat: not an error
      }
    }
  };
  await visit('', [await rootScope(opts)]);
  return out;
}
