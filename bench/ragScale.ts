/**
 * Index scale at three workspace sizes (real source files, see workspaces.ts), lexical-only, each
 * through the real CLI (`dist/cli.js`, built by `npm run bench`) in its own process:
 * full index (wall and CPU time, peak RSS), on-disk size, re-index after a one-file change (CLI run
 * over the whole workspace, and the file watcher's in-process update), CLI search wall time, and
 * in-process query latency for completion-style (identifiers near a cursor) and chat-style queries.
 * The machine is shared: CPU time is the steadier figure; ratios compare within one run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/core/config/schema';
import { silentLogger } from '../src/core/logger';
import { openWorkspaceRag, workspaceKey } from '../src/core/rag/workspace';
import { snippetQuery } from '../src/core/rag/retrieve/snippets';
import { summarize } from './stats';
import { ensureWorkspace } from './workspaces';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const STATS = join(__dirname, 'support-exitStats.cjs');

interface CliRun {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  stdout: string;
}

function cli(args: string[], dataDir: string): CliRun {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['-r', STATS, CLI, ...args], { env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_CONFIG: '' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - t;
  const m = /SWITCHYARD_BENCH_STATS (.*)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`switchyard ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-800)}`);
  const s = JSON.parse(m[1]) as { maxRssKb: number; cpuMs: number };
  return { wallMs: Math.round(wallMs), cpuMs: s.cpuMs, maxRssMb: Math.round(s.maxRssKb / 1024), stdout: r.stdout };
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

/** Identifier queries as inline completion sends them: the lines before a cursor in real files of the workspace. */
function completionQueries(root: string, files: string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n && i < files.length * 4; i++) {
    const f = files[(i * 7919) % files.length];
    if (!/\.(ts|js|py)$/.test(f)) continue;
    const lines = readFileSync(join(root, f), 'utf8').split('\n');
    if (lines.length < 30) continue;
    const cut = 15 + ((i * 31) % (lines.length - 15));
    const q = snippetQuery(lines.slice(0, cut).join('\n'));
    if (q) out.push(q);
  }
  return out;
}

const CHAT_QUESTIONS = [
  'where do we parse command line arguments', 'how are errors retried with exponential backoff', 'which function escapes html entities',
  'where is the file watcher debounce', 'how does the tokenizer split identifiers', 'what validates the json schema of a config',
  'where are http headers normalized', 'how is a stream piped and closed on error', 'where are semver ranges compared', 'how does the cache evict old entries',
];

export async function benchRagScale(sizes = [1000, 9000, 18000]): Promise<Record<string, unknown>> {
  const rows: Record<string, unknown>[] = [];
  for (const size of sizes) {
    const root = ensureWorkspace(size);
    const data = mkdtempSync(join(tmpdir(), 'switchyard-bench-scale-'));
    try {
      const full = cli(['index', '--dir', root], data);
      const summary = JSON.parse(full.stdout) as { filesSeen: number; filesIndexed: number; totalChunks: number; durationMs: number; skipped: Record<string, number> };
      const storage = join(data, 'rag', workspaceKey(root));
      const onDiskMb = dirBytes(join(storage, 'index', 'lexical')) / 1024 / 1024;

      // One changed file (a mid-list TypeScript one): the CLI re-walks everything (stat only) and re-indexes that file.
      const all = listFiles(root);
      const tsFiles = all.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
      const changed = tsFiles[Math.floor(tsFiles.length / 2)] ?? all[0];
      const original = readFileSync(join(root, changed));
      let oneFile: CliRun;
      let watcherMs: number;
      let searchRuns: CliRun[];
      const completion: number[] = [];
      const chat: number[] = [];
      try {
        writeFileSync(join(root, changed), Buffer.concat([original, Buffer.from('\nexport declare function benchAddedHelper(a: number): number;\n')]));
        oneFile = cli(['index', '--dir', root], data);
        searchRuns = [0, 1, 2].map(() => cli(['search', 'retry with exponential backoff', '--dir', root, '--k', '10'], data));

        // In process (the extension's case): the watcher's update of one file, then query latency.
        const rag = openWorkspaceRag({ root, storageDir: storage, config: parseConfig({}), logger: silentLogger });
        await rag.index.open();
        writeFileSync(join(root, changed), original);
        const t = performance.now();
        await rag.index.update([changed]);
        watcherMs = performance.now() - t;
        const files = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / 4000)) === 0);
        const queries = completionQueries(root, files, 200);
        for (const q of queries.slice(0, 10)) await rag.index.search(q, { k: 6, retrievers: 'lexical' }); // warm-up
        for (const q of queries) {
          const s = performance.now();
          await rag.index.search(q, { k: 6, retrievers: 'lexical' });
          completion.push(performance.now() - s);
        }
        for (let round = 0; round < 3; round++) {
          for (const q of CHAT_QUESTIONS) {
            const s = performance.now();
            await rag.index.search(q, { k: 10 });
            chat.push(performance.now() - s);
          }
        }
        await rag.dispose();
      } finally {
        writeFileSync(join(root, changed), original);
      }
      const cliSearch = searchRuns.map((r) => r.wallMs).sort((a, b) => a - b)[1];
      rows.push({
        files: summary.filesSeen,
        filesIndexed: summary.filesIndexed,
        chunks: summary.totalChunks,
        skipped: summary.skipped,
        indexWallMs: full.wallMs,
        indexCpuMs: full.cpuMs,
        cpuMsPer1kFiles: Math.round((full.cpuMs / summary.filesSeen) * 1000),
        peakRssMb: full.maxRssMb,
        onDiskMb: Number(onDiskMb.toFixed(1)),
        oneFileReindexCli: { wallMs: oneFile.wallMs, cpuMs: oneFile.cpuMs, shareOfFullCpu: Number((oneFile.cpuMs / full.cpuMs).toFixed(3)), shareOfFullWall: Number((oneFile.wallMs / full.wallMs).toFixed(3)), peakRssMb: oneFile.maxRssMb },
        oneFileReindexWatcherMs: Math.round(watcherMs),
        cliSearch: { wallMsMedianOf3: cliSearch, cpuMs: searchRuns[1].cpuMs, peakRssMb: searchRuns[1].maxRssMb },
        queryMs: { completion: summarize(completion), chat: summarize(chat) },
      });
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }
  return {
    corpus: 'real source files from node_modules laid out as packages/<name>/… (bench/workspaces.ts; repeated under copy-N/ past the installed count), cached in ~/.cache/switchyard-bench',
    targetsAt9k: { peakRssMb: 400, oneFileReindexShare: 0.05, cliSearchMs: 500, completionQueryP95Ms: 20 },
    rows,
  };
}

function listFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

if (require.main === module) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  benchRagScale(sizes.length ? sizes : undefined).then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`), (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
}
