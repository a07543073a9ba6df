/**
 * The workspace index against a REAL Chroma server started by the same supervisor the extension
 * uses: index, query, update, delete, a server crash and restart, corrupt state, an interrupted run.
 * Vectors come from the fake provider's deterministic bag-of-words embedding (no network).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseConfig } from '../../src/core/config/schema';
import type { Logger } from '../../src/core/logger';
import { routeScope } from '../../src/host/logger';
import { openWorkspaceRag, type WorkspaceRag } from '../../src/core/rag/workspace';
import { ChromaSupervisor, CHROMA_LOG_SCOPE } from '../../src/core/rag/store/chromaSupervisor';
import type { Embedder } from '../../src/core/rag/types';
import { embeddingFor } from '../support/fakeServer';

const FILES: Record<string, string> = {
  'src/billing/invoice.ts': `/** Builds invoices. */\nexport function computeInvoiceTotal(lines: { price: number; qty: number }[]): number {\n  return lines.reduce((sum, l) => sum + l.price * l.qty, 0);\n}\n\nexport class InvoiceFormatter {\n  format(total: number): string {\n    return '$' + total.toFixed(2);\n  }\n}\n`,
  'src/net/retry.py': `import time\n\n\ndef retry_with_backoff(fn, attempts=3):\n    """Calls fn, sleeping exponentially between failures."""\n    for i in range(attempts):\n        try:\n            return fn()\n        except Exception:\n            time.sleep(2 ** i)\n`,
  'cmd/server/main.go': `package main\n\nimport "net/http"\n\n// healthHandler answers the load balancer's probe.\nfunc healthHandler(w http.ResponseWriter, r *http.Request) {\n\tw.WriteHeader(200)\n}\n\nfunc main() {\n\thttp.HandleFunc("/healthz", healthHandler)\n}\n`,
  'docs/notes.md': `# Notes\n\nThe deployment pipeline publishes container images nightly.\n`,
  'build/output.js': `// generated: must be ignored by .gitignore\nexport const generatedBundleMarker = 1;\n`,
  '.gitignore': 'build/\n',
};

function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(`debug ${m}`), info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

/** Embeds like the fake server (hashed bag of words) and counts what it was asked to embed. */
function countingEmbedder(): Embedder & { inputs: number } {
  const e = {
    model: 'fake/bag-of-words-256',
    inputs: 0,
    async embed(texts: string[]) {
      e.inputs += texts.length;
      return texts.map((t) => embeddingFor(t, 256));
    },
  };
  return e;
}

const config = parseConfig({});

describe('rag on a real Chroma server (supervised)', function () {
  this.timeout(60_000);
  let root: string;
  let storage: string;
  let rag: WorkspaceRag;
  let embedder: ReturnType<typeof countingEmbedder>;
  const logger = memoryLogger();

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'sy-rag-ws-'));
    storage = mkdtempSync(join(tmpdir(), 'sy-rag-store-'));
    for (const [rel, text] of Object.entries(FILES)) {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    embedder = countingEmbedder();
    rag = openWorkspaceRag({ root, storageDir: storage, config, logger, embedder });
    await rag.supervisor!.start();
  });

  after(async () => {
    await rag?.dispose();
    rmSync(root, { recursive: true, force: true });
    rmSync(storage, { recursive: true, force: true });
  });

  it('indexes the workspace into a Chroma collection, honouring .gitignore', async () => {
    const s = await rag.index.index();
    assert.equal(s.mode, 'hybrid');
    assert.equal(s.filesSeen, 5, 'four sources + .gitignore; build/ is ignored');
    assert.equal(s.chunksEmbedded, s.totalChunks);
    const search = await rag.index.search('generatedBundleMarker');
    assert.ok(!search.hits.some((h) => h.chunk.path.startsWith('build/')), 'ignored file was indexed');
    assert.equal(rag.supervisor!.state.kind, 'ready');
  });

  it('answers a query with fused scores and both ranks', async () => {
    const res = await rag.index.search('invoice total computation', { k: 3 });
    assert.equal(res.mode, 'hybrid');
    const top = res.hits[0];
    assert.equal(top.chunk.path, 'src/billing/invoice.ts');
    assert.equal(top.lexicalRank, 1);
    assert.ok(top.vectorRank !== undefined && top.vectorScore !== undefined, 'vector side missing');
    assert.ok(top.score > 0 && top.chunk.startLine >= 1 && top.chunk.endLine >= top.chunk.startLine);
    assert.match(top.chunk.text, /computeInvoiceTotal/);
    assert.equal(top.chunk.language, 'typescript');
  });

  it('re-embeds only the changed file on update', async () => {
    const before = embedder.inputs;
    writeFileSync(join(root, 'src/net/retry.py'), `def jittered_retry(fn):\n    """Retries with full jitter."""\n    return fn()\n`);
    const s = await rag.index.index();
    assert.equal(s.filesIndexed, 1);
    assert.equal(s.filesUnchanged, 4);
    assert.equal(embedder.inputs - before, s.chunksEmbedded);
    assert.ok(s.chunksEmbedded >= 1);
    const res = await rag.index.search('jittered_retry', { k: 3 });
    assert.equal(res.hits[0].chunk.path, 'src/net/retry.py');
    assert.equal(res.hits[0].chunk.symbol, 'jittered_retry');
    const old = await rag.index.search('retry_with_backoff exponentially', { k: 5 });
    assert.ok(!old.hits.some((h) => /retry_with_backoff/.test(h.chunk.text)), 'old content still retrievable');
  });

  it('purges a deleted file from both indexes', async () => {
    unlinkSync(join(root, 'cmd/server/main.go'));
    const s = await rag.index.update(['cmd/server/main.go']);
    assert.equal(s.filesDeleted, 1);
    const res = await rag.index.search('healthHandler load balancer probe', { k: 10 });
    assert.ok(!res.hits.some((h) => h.chunk.path === 'cmd/server/main.go'));
    const full = await rag.index.index();
    assert.equal(full.filesIndexed, 0, 'nothing left to do after the watcher update');
    // vector count equals the chunks still indexed: nothing stale left behind in Chroma
    const again = await rag.index.index();
    assert.equal(again.chunksEmbedded, 0);
    assert.equal(await rag.index.vectorCount(), rag.index.stats().chunks, 'stale vectors left in Chroma');
  });

  it('keeps serving after the Chroma server crashes (supervisor restarts it, data persists)', async () => {
    const sup = rag.supervisor!;
    const oldPid = sup.pid;
    const restarted = new Promise<void>((resolve) => {
      const off = sup.onState((s) => {
        if (s.kind === 'ready') {
          off();
          resolve();
        }
      });
    });
    sup.crashForTest();
    await restarted;
    assert.notEqual(sup.pid, oldPid);
    const res = await rag.index.search('invoice total computation', { k: 3 });
    assert.equal(res.mode, 'hybrid', res.warning);
    assert.equal(res.hits[0].chunk.path, 'src/billing/invoice.ts');
    const s = await rag.index.index();
    assert.equal(s.chunksEmbedded, 0, 'vectors were lost across the restart');
  });

  it('shares one server per data folder: a second supervisor attaches instead of starting another', async () => {
    const second = new ChromaSupervisor({ bindingPath: '/nonexistent/binding.node', dataDir: join(storage, 'chroma'), logger: memoryLogger() });
    const url = await second.start(); // would fail if it tried to spawn with that binding
    assert.equal(rag.supervisor!.state.kind === 'ready' && rag.supervisor!.state.url, url);
    await second.stop();
    assert.equal(rag.supervisor!.state.kind, 'ready', 'stopping the attached one must not stop the owner');
    const res = await rag.index.search('invoice total computation', { k: 1 });
    assert.equal(res.mode, 'hybrid', res.warning);
  });

  it('uses a remote server from rag.chromaUrl (no local server), sending the token header', async () => {
    const state = rag.supervisor!.state;
    assert.equal(state.kind, 'ready');
    const url = state.kind === 'ready' ? state.url : '';
    const remoteStorage = mkdtempSync(join(tmpdir(), 'sy-rag-remote-'));
    const remote = openWorkspaceRag({ root, storageDir: remoteStorage, config: parseConfig({ rag: { chromaUrl: url, chromaAuthHeader: 'X-Chroma-Token' } }), logger, embedder: countingEmbedder(), chromaToken: 'tok-123' });
    try {
      assert.equal(remote.supervisor, undefined);
      const s = await remote.index.index();
      assert.equal(s.mode, 'hybrid', s.reason);
      assert.equal(await remote.index.vectorCount(), s.totalChunks);
      const res = await remote.index.search('invoice total computation', { k: 1 });
      assert.equal(res.hits[0].chunk.path, 'src/billing/invoice.ts');
    } finally {
      await remote.dispose();
      rmSync(remoteStorage, { recursive: true, force: true });
    }
  });

  it('adopts vectors that were stored but not recorded (a crash between the two) instead of re-embedding', async () => {
    const dir = join(storage, 'index');
    const file = (require('node:fs').readdirSync(dir) as string[]).find((f) => f.startsWith('vectors-'))!;
    const manifest = JSON.parse(require('node:fs').readFileSync(join(dir, file), 'utf8'));
    delete manifest.files['src/billing/invoice.ts'];
    manifest.files['src/net/retry.py'].chunks += 1; // and one file whose record disagrees with the store
    writeFileSync(join(dir, file), JSON.stringify(manifest));
    await rag.dispose();
    const log = memoryLogger();
    embedder = countingEmbedder();
    rag = openWorkspaceRag({ root, storageDir: storage, config, logger: log, embedder });
    const s = await rag.index.index();
    assert.ok(log.lines.some((l) => /adopted the stored vectors of 1 files; deleted those of 1 inconsistent files/.test(l)), log.lines.join('\n'));
    assert.equal(s.chunksEmbedded, (await rag.index.search('jittered_retry', { k: 5 })).hits.filter((h) => h.chunk.path === 'src/net/retry.py').length, 'only the inconsistent file is re-embedded');
    assert.equal(await rag.index.vectorCount(), rag.index.stats().chunks);
  });

  it('recovers from corrupt index files without crashing', async () => {
    await rag.dispose();
    writeFileSync(join(storage, 'index', 'lexical', 'manifest.json'), '{"format":3, "segments": ["x"], "files": {"x": tru');
    for (const f of require('node:fs').readdirSync(join(storage, 'index')) as string[]) {
      if (f.startsWith('vectors-')) writeFileSync(join(storage, 'index', f), 'garbage');
    }
    const log = memoryLogger();
    embedder = countingEmbedder();
    rag = openWorkspaceRag({ root, storageDir: storage, config, logger: log, embedder });
    const s = await rag.index.index();
    assert.equal(s.mode, 'hybrid');
    assert.ok(log.lines.some((l) => /lexical index .* unreadable/.test(l)), log.lines.join('\n'));
    assert.ok(log.lines.some((l) => /discarded the vector manifest/.test(l)), log.lines.join('\n'));
    assert.equal(s.chunksEmbedded, 0, 'the vectors in Chroma were adopted, not re-embedded');
    const res = await rag.index.search('invoice total computation', { k: 3 });
    assert.equal(res.hits[0].chunk.path, 'src/billing/invoice.ts');
    const again = await rag.index.index();
    assert.equal(again.chunksEmbedded, 0);
    assert.equal(await rag.index.vectorCount(), rag.index.stats().chunks, 'duplicate or missing vectors after recovery');
  });

  it('resumes an interrupted run without re-embedding finished files', async () => {
    mkdirSync(join(root, 'src/gen'), { recursive: true });
    for (let i = 0; i < 30; i++) writeFileSync(join(root, `src/gen/mod${i}.ts`), `export function helper${i}(x: number) {\n  return x * ${i};\n}\n`);
    await rag.dispose();
    embedder = countingEmbedder();
    // small flushes so the first run stores some files before it is cancelled
    rag = openWorkspaceRag({ root, storageDir: storage, config, logger, embedder, embedBatch: 5 });
    const ac = new AbortController();
    const first = await rag.index.index({ signal: ac.signal, onProgress: (p) => p.phase === 'index' && p.done === 20 && ac.abort() });
    assert.equal(first.cancelled, true);
    assert.ok(first.chunksEmbedded > 0 && first.chunksEmbedded < 30, `embedded ${first.chunksEmbedded}`);
    const second = await rag.index.index();
    assert.equal(second.cancelled, false);
    assert.equal(first.chunksEmbedded + second.chunksEmbedded, 30, 'a finished file was embedded twice, or one was skipped');
    assert.equal(await rag.index.vectorCount(), rag.index.stats().chunks);
    const res = await rag.index.search('helper29', { k: 1 });
    assert.equal(res.hits[0].chunk.path, 'src/gen/mod29.ts');
  });
});

describe('rag when the embedding model fails mid-run', function () {
  this.timeout(60_000);

  it('finishes the lexical index, says why it is lexical-only, and embeds the rest next run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sy-rag-ws3-'));
    const storage = mkdtempSync(join(tmpdir(), 'sy-rag-st3-'));
    for (let i = 0; i < 12; i++) writeFileSync(join(root, `m${i}.ts`), `export function task${i}() {\n  return ${i};\n}\n`);
    let calls = 0;
    const flaky: Embedder = {
      model: 'fake/flaky',
      async embed(texts) {
        if (++calls === 2) throw Object.assign(new Error('OpenAI rejected the API key (401).'), { fix: 'Run Switchyard: Set API Key.' });
        return texts.map((t) => embeddingFor(t, 64));
      },
    };
    const logger = memoryLogger();
    let rag = openWorkspaceRag({ root, storageDir: storage, config, logger, embedder: flaky, embedBatch: 4 });
    try {
      const first = await rag.index.index();
      assert.equal(first.cancelled, false);
      assert.equal(first.filesIndexed, 12, 'the lexical index was built in full');
      assert.equal(first.mode, 'lexical-only');
      assert.match(first.reason ?? '', /embedding failed: OpenAI rejected the API key \(401\)\. Run Switchyard: Set API Key\./);
      assert.equal(first.chunksEmbedded, 4);
      assert.equal((await rag.index.search('task7', { k: 1 })).hits[0].chunk.path, 'm7.ts');
      await rag.dispose();
      rag = openWorkspaceRag({ root, storageDir: storage, config, logger, embedder: flaky, embedBatch: 4 });
      const second = await rag.index.index();
      assert.equal(second.mode, 'hybrid');
      assert.equal(second.chunksEmbedded, 8, 'only what was missing');
      assert.equal(await rag.index.vectorCount(), 12);
    } finally {
      await rag.dispose();
      rmSync(root, { recursive: true, force: true });
      rmSync(storage, { recursive: true, force: true });
    }
  });
});

describe('rag when Chroma cannot start', function () {
  this.timeout(30_000);

  it('gives one clear error and falls back to the lexical index', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'sy-rag-bad-'));
    const root = mkdtempSync(join(tmpdir(), 'sy-rag-ws2-'));
    writeFileSync(join(root, 'a.ts'), 'export function parseWidgetConfig() { return 1; }\n');
    const logger = memoryLogger();
    const chromaLines = memoryLogger();
    const sup = new ChromaSupervisor({ bindingPath: join(storage, 'missing-binding.node'), dataDir: join(storage, 'chroma'), logger: routeScope(logger, CHROMA_LOG_SCOPE, chromaLines), startTimeoutMs: 10_000 });
    await assert.rejects(sup.start(), /local Chroma server could not start: it exited .*lexical index only.*chromaUrl/s);
    assert.equal(sup.state.kind, 'failed');
    // the supervisor and the server's own output log under the Chroma scope, which the host routes to its channel
    assert.ok(chromaLines.lines.some((l) => /^info starting local server on http:\/\/127\.0\.0\.1:\d+/.test(l)), chromaLines.lines.join('\n'));
    assert.deepEqual(logger.lines, []);
    // the same failure inside a workspace index: lexical-only with the reason
    const rag = openWorkspaceRag({ root, storageDir: storage, config: parseConfig({ rag: { chromaUrl: 'http://127.0.0.1:9' } }), logger, embedder: countingEmbedder() });
    const s = await rag.index.index();
    assert.equal(s.mode, 'lexical-only');
    assert.match(s.reason ?? '', /vector store is unavailable/);
    const res = await rag.index.search('widget config');
    assert.equal(res.hits[0].chunk.path, 'a.ts');
    await rag.dispose();
    rmSync(storage, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('never hangs on a server that accepts connections but does not answer', async () => {
    const hung = createServer(() => undefined); // accepts, never responds
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
    const port = (hung.address() as { port: number }).port;
    const storage = mkdtempSync(join(tmpdir(), 'sy-rag-hung-'));
    const root = mkdtempSync(join(tmpdir(), 'sy-rag-ws4-'));
    writeFileSync(join(root, 'a.ts'), 'export function parseWidgetConfig() { return 1; }\n');
    const rag = openWorkspaceRag({ root, storageDir: storage, config: parseConfig({ rag: { chromaUrl: `http://127.0.0.1:${port}` } }), logger: memoryLogger(), embedder: countingEmbedder(), chromaTimeoutMs: 300 });
    try {
      const s = await rag.index.index();
      assert.equal(s.mode, 'lexical-only');
      assert.match(s.reason ?? '', /did not answer/);
      assert.equal((await rag.index.search('widget config')).hits[0].chunk.path, 'a.ts');
    } finally {
      await rag.dispose();
      hung.closeAllConnections?.();
      hung.close();
      rmSync(storage, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    }
  });
});
