/**
 * `switchyard index` / `switchyard search` end to end: embeddings go through the router and the
 * real openai SDK to the fake provider's /v1/embeddings (base64, deterministic vectors), vectors
 * into a real supervised Chroma server; each embedding call leaves a ledger record and a trace.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { command as indexCommand } from '../../src/cli/commands/indexWorkspace';
import { command as searchCommand } from '../../src/cli/commands/search';
import type { CliIO } from '../../src/cli/types';
import type { AppServices } from '../../src/core/app';
import { silentLogger } from '../../src/core/logger';
import type { ConfigInput } from '../../src/core/config/schema';
import { useWireFixture } from '../support/wireFixture';
import { openWorkspaceRag, workspaceKey } from '../../src/core/rag/workspace';

function io(cwd: string): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd, out: () => out, err: () => err };
}

describe('switchyard index / search through the router (fake /v1/embeddings, real Chroma)', function () {
  this.timeout(60_000);
  const fx = useWireFixture('rag-cli', { embeddingDim: 64 });
  // The workspace and the data folder (index, ledger) last for the whole block: a test searches what an earlier one indexed.
  let ws: string;
  let data: string;

  before(() => {
    ws = join(fx.suiteDir, 'ws');
    data = join(fx.suiteDir, 'data');
    mkdirSync(join(ws, 'src'), { recursive: true });
    writeFileSync(join(ws, 'src/cache.ts'), 'export class LruCache<K, V> {\n  private map = new Map<K, V>();\n  evictOldest(): void {\n    const first = this.map.keys().next();\n    if (!first.done) this.map.delete(first.value);\n  }\n}\n');
    writeFileSync(join(ws, 'src/auth.py'), 'def verify_password(hashed, plain):\n    """Compares a bcrypt hash with a password."""\n    return hashed == plain\n');
    writeFileSync(join(ws, 'README.md'), '# Demo\n\nA small workspace for the index tests.\n');
  });

  async function core(input: ConfigInput): Promise<AppServices & { store: AppServices['traceStore'] }> {
    const services = await fx.core(input, { dataDir: data });
    return Object.assign(services, { store: services.traceStore });
  }

  const withEmbedding = (): ConfigInput => ({
    providers: { oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl } },
    models: { small: { provider: 'oa', id: 'text-embedding-3-small' } },
    routes: { embedding: ['small'] },
  });

  it('indexes with embeddings through the router, with ledger records and traces', async () => {
    const c = await core(withEmbedding());
    const t = io(ws);
    const code = await indexCommand.run(['--dir', ws], t, async () => c);
    assert.equal(code, 0, t.err());
    const summary = JSON.parse(t.out());
    assert.equal(summary.mode, 'hybrid');
    assert.equal(summary.filesSeen, 3);
    assert.equal(summary.chunksEmbedded, summary.totalChunks);
    assert.equal(summary.vectors, summary.totalChunks);
    const calls = fx.fake.requests.filter((r) => r.endpoint === 'embeddings');
    assert.ok(calls.length >= 1);
    assert.equal((calls[0].body as { encoding_format?: string }).encoding_format, 'base64', 'the SDK default path (base64) was exercised');
    const records = await c.ledger.read();
    assert.equal(records.filter((r) => r.feature === 'embedding' || r.task === 'embedding').length, calls.length, 'one ledger record per embedding call');
    assert.ok((await c.store.page(0, 1000)).some((tr) => tr.name === 'embedding'), 'no embedding trace');
  });

  it('searches with both retrievers and prints path, line range, symbol and score', async () => {
    const c = await core(withEmbedding());
    const t = io(ws);
    assert.equal(await searchCommand.run(['evict the oldest cache entry', '--dir', ws, '--json', '--k', '3'], t, async () => c), 0, t.err());
    const res = JSON.parse(t.out());
    assert.equal(res.mode, 'hybrid');
    const top = res.hits[0];
    assert.equal(top.path, 'src/cache.ts');
    assert.equal(top.symbol, 'LruCache');
    assert.equal(top.startLine, 1);
    assert.ok(top.lexicalRank >= 1 && top.vectorRank >= 1 && top.score > 0);
    const plain = io(ws);
    assert.equal(await searchCommand.run(['verify password', '--dir', ws], plain, async () => c), 0);
    assert.match(plain.out().split('\n')[0], /^\d\.\d{4} {2}src\/auth\.py:1-3 {2}verify_password {2}\(bm25#1 vec#\d+\)$/);
  });

  it('records a retrieval span with the hits, and nests the query embedding call under it', async () => {
    const c = await core(withEmbedding());
    const rag = openWorkspaceRag({ root: ws, storageDir: join(data, 'rag', workspaceKey(ws)), config: c.config, logger: silentLogger, router: c.router });
    try {
      const root = c.tracer.startTrace('chat');
      const res = await rag.index.search('evict the oldest cache entry', { k: 2, parentSpan: root });
      root.end();
      assert.equal(res.mode, 'hybrid');
      const trace = (await c.store.find(root.traceId))!;
      const retrieval = trace.spans.find((s) => s.name === 'retrieval')!;
      assert.equal(retrieval.parentSpanId, root.spanId);
      assert.equal(retrieval.attributes['switchyard.rag.mode'], 'hybrid');
      assert.deepEqual(retrieval.attributes['switchyard.rag.hits'], res.hits.map((h) => `${h.chunk.path}:${h.chunk.startLine}-${h.chunk.endLine}`));
      assert.ok(trace.spans.some((s) => s.parentSpanId === retrieval.spanId), 'the query embedding call is not under the retrieval span');
    } finally {
      await rag.dispose();
    }
  });

  it('is lexical-only, and says so, without an embedding route', async () => {
    const c = await core({});
    const other = fx.freshDir();
    writeFileSync(join(other, 'a.go'), 'package a\n\nfunc ParseFlags() {}\n');
    const t = io(other);
    assert.equal(await indexCommand.run(['--dir', other], t, async () => c), 0, t.err());
    assert.equal(JSON.parse(t.out()).mode, 'lexical-only');
    assert.match(t.err(), /lexical-only — no embedding model is configured/);
    const s = io(other);
    assert.equal(await searchCommand.run(['parse flags', '--dir', other, '--json'], s, async () => c), 0);
    const res = JSON.parse(s.out());
    assert.equal(res.hits[0].path, 'a.go');
    assert.equal(res.hits[0].vectorRank, null);
    const v = io(other);
    assert.equal(await searchCommand.run(['parse flags', '--dir', other, '--retrievers', 'vector'], v, async () => c), 1);
    assert.match(v.err(), /--retrievers vector needs vectors, but the index is lexical-only/);
    await assert.rejects(searchCommand.run(['parse flags', '--dir', other, '--retrievers', 'bm25'], io(other), async () => c), /--retrievers must be one of hybrid, lexical, vector, got "bm25"/);
    symlinkSync(join(other, 'a.go'), join(other, 'alias.go'));
    const again = io(other);
    assert.equal(await indexCommand.run(['--dir', other], again, async () => c), 0);
    assert.equal(JSON.parse(again.out()).skipped.symlinks, 1);
    assert.match(again.err(), /not indexed: 1 symbolic link \(not followed\)/);
  });

  it('tells the user to index first', async () => {
    const c = await core({});
    const empty = fx.freshDir();
    const t = io(empty);
    assert.equal(await searchCommand.run(['anything', '--dir', empty], t, async () => c), 1);
    assert.match(t.err(), /has no index yet\. Run: switchyard index --dir/);
  });
});
