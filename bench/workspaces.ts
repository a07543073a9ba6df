/**
 * Realistic workspaces for the scale bench, made of real source files: the packages installed in
 * node_modules (JavaScript, TypeScript, declarations, Python, Markdown, JSON), laid out under
 * packages/<name>/… like a monorepo (nested node_modules renamed deps/ so nothing is ignored).
 * Smaller sizes take an even spread over all packages; when a size needs more files than are
 * installed, the list repeats under copy-N/ folders.
 * Built once per size into ~/.cache/switchyard-bench (outside git) and reused.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const EXT = /\.(js|mjs|cjs|ts|tsx|mts|cts|py|md|json)$/;
const MAX_BYTES = 256 * 1024;

function sourceFiles(modules: string): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.bin' && e.name !== '.cache') visit(p);
      } else if (e.isFile() && EXT.test(e.name) && !/\.min\.js$|package-lock\.json$/.test(e.name)) {
        try {
          if (statSync(p).size <= MAX_BYTES) out.push(p);
        } catch {
          // unreadable: skip
        }
      }
    }
  };
  visit(modules);
  return out;
}

export function benchCacheDir(): string {
  return process.env.SWITCHYARD_BENCH_CACHE ?? join(homedir(), '.cache', 'switchyard-bench');
}

/** A workspace of `files` real source files; built once and cached. */
export function ensureWorkspace(files: number, modules = join(__dirname, '..', 'node_modules')): string {
  const root = join(benchCacheDir(), `ws-${files}`);
  const marker = `${root}.complete`;
  if (existsSync(marker)) return root;
  rmSync(root, { recursive: true, force: true });
  const list = sourceFiles(modules);
  if (list.length === 0) throw new Error(`no source files under ${modules}`);
  for (let i = 0; i < files; i++) {
    // Fewer files than installed: an even spread over every package; more: the whole list, repeated.
    const src = files <= list.length ? list[Math.floor((i * list.length) / files)] : list[i % list.length];
    const copy = files <= list.length ? 0 : Math.floor(i / list.length);
    const rel = relative(modules, src).split('node_modules').join('deps');
    const dest = join(root, copy ? `copy-${copy}` : '', 'packages', rel);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(src, dest);
  }
  writeFileSync(marker, `${files}\n`);
  return root;
}
