/** Lists the files of a workspace worth indexing: honours nested .gitignore files, exclude globs, a size cap and skips binaries. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { WalkedFile, WalkReport } from '../types';

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
  /** The size and mtime a file had when it was last indexed: an unchanged file is not read again (no binary sniff). */
  known?: (rel: string) => { size: number; mtimeMs: number } | undefined;
  /** Read each file's first 8 KB to leave binaries out (default true; the indexer checks the bytes it reads anyway). */
  sniffBinary?: boolean;
  /** Filled with what was skipped and why (the indexer's summary reports it). */
  report?: WalkReport;
}

export type { WalkReport } from '../types';

export function emptyWalkReport(): WalkReport {
  return { symlinks: 0, unreadableDirs: 0, nonUtf8Names: 0, tooLarge: 0, binary: 0, generated: 0 };
}

interface Scope {
  /** Directory the patterns are relative to ('' = root). */
  base: string;
  matcher: Ignore;
  /** Exclude globs and defaults: no .gitignore negation can bring these back. */
  hard?: boolean;
  /** Patterns of this directory's .gitattributes that set (true) or unset (false) `linguist-generated`. */
  generated?: { set: Ignore; unset: Ignore };
}

/** `linguist-generated` / `linguist-generated=true` set it; `-linguist-generated` / `=false` unset it. */
function parseGitattributesGenerated(text: string): { set: string[]; unset: string[] } {
  const set: string[] = [];
  const unset: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [pattern, ...attrs] = line.split(/\s+/);
    for (const a of attrs) {
      if (a === 'linguist-generated' || a === 'linguist-generated=true') set.push(pattern);
      else if (a === '-linguist-generated' || a === '!linguist-generated' || a === 'linguist-generated=false') unset.push(pattern);
    }
  }
  return { set, unset };
}

function generatedBy(scopes: Scope[], rel: string): boolean {
  let generated = false;
  for (const scope of scopes) {
    if (!scope.generated) continue;
    const local = scope.base ? (rel.startsWith(scope.base + '/') ? rel.slice(scope.base.length + 1) : null) : rel;
    if (!local) continue;
    if (scope.generated.set.ignores(local)) generated = true;
    if (scope.generated.unset.ignores(local)) generated = false;
  }
  return generated;
}

const BINARY_SNIFF_BYTES = 8000;

/** No file above this is indexed, whatever rag.maxFileBytes says (the schema's maximum): bounds per-file memory. */
export const HARD_MAX_FILE_BYTES = 8 * 1024 * 1024;

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
  if (ignoredBy(scopes, rel, false) || generatedBy(scopes, rel)) return false;
  const abs = path.join(opts.root, rel);
  try {
    const st = await fs.stat(abs);
    if (!st.isFile() || st.size > Math.min(opts.maxFileBytes ?? HARD_MAX_FILE_BYTES, HARD_MAX_FILE_BYTES)) return false;
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
  const ignoreText = await fs.readFile(path.join(root, dirRel, '.gitignore'), 'utf8').catch(() => undefined);
  const attributes = await fs.readFile(path.join(root, dirRel, '.gitattributes'), 'utf8').catch(() => undefined);
  if (ignoreText === undefined && attributes === undefined) return undefined;
  const scope: Scope = { base: dirRel, matcher: ignore().add(ignoreText ?? '') };
  if (attributes !== undefined) {
    const { set, unset } = parseGitattributesGenerated(attributes);
    if (set.length || unset.length) scope.generated = { set: ignore().add(set), unset: ignore().add(unset) };
  }
  return scope;
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
  const maxBytes = Math.min(opts.maxFileBytes ?? HARD_MAX_FILE_BYTES, HARD_MAX_FILE_BYTES);
  const report = opts.report ?? emptyWalkReport();
  const visit = async (dirRel: string, inherited: Scope[]): Promise<void> => {
    opts.signal?.throwIfAborted();
    const own = await gitignoreScope(opts.root, dirRel);
    const scopes = own ? [...inherited, own] : inherited;
    let entries;
    try {
      entries = await fs.readdir(path.join(opts.root, dirRel), { withFileTypes: true });
    } catch {
      report.unreadableDirs++; // skip it rather than fail the whole walk
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!ignoredBy(scopes, rel, true)) await visit(rel, scopes);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      if (ignoredBy(scopes, rel, false)) continue;
      if (entry.isSymbolicLink()) {
        report.symlinks++;
        continue;
      }
      // Names that are not UTF-8 arrive with U+FFFD in place of the bad bytes and cannot be opened by that name.
      if (entry.name.includes('\uFFFD')) {
        report.nonUtf8Names++;
        continue;
      }
      if (generatedBy(scopes, rel)) {
        report.generated++;
        continue;
      }
      const absPath = path.join(opts.root, rel);
      try {
        const st = await fs.stat(absPath);
        if (st.size > maxBytes) {
          report.tooLarge++;
          continue;
        }
        const known = opts.known?.(rel);
        const unchanged = known && known.size === st.size && known.mtimeMs === st.mtimeMs;
        if (!unchanged && opts.sniffBinary !== false && looksBinary(await readHead(absPath, BINARY_SNIFF_BYTES))) {
          report.binary++;
          continue;
        }
        out.push({ path: rel, absPath, size: st.size, mtimeMs: st.mtimeMs });
      } catch {
        // vanished between readdir and stat: not an error
      }
    }
  };
  await visit('', [await rootScope(opts)]);
  return out;
}
