/** The indexer's degrade-and-recover rules with an in-memory vector store (plain Node, no Chroma). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/logger';
import { locateRagAssets } from '../../src/core/rag/assets';
import { RagIndex } from '../../src/core/rag/indexer';
import type { Chunk, Embedder, VectorMatch, VectorStore } from '../../src/core/rag/types';
import { embeddingFor } from '../support/fakeServer';

/** Brute-force cosine store that can be switched off. */
class MemoryStore implements VectorStore {
  down = false;
  readonly rows = new Map<string, { path: string; v: number[]; hash: string }>();
  private check() {
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:8000');
  }
  async upsert(chunks: Chunk[], vectors: number[][], fileHash: (p: string) => string) {
    this.check();
    chunks.forEach((c, i) => this.rows.set(c.id, { path: c.path, v: vectors[i], hash: fileHash(c.path) }));
  }
  async deleteByPath(paths: string[]) {
    this.check();
    for (const [id, r] of this.rows) if (paths.includes(r.path)) this.rows.delete(id);
  }
  async query(vector: number[], k: number): Promise<VectorMatch[]> {
    this.check();
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
    return [...this.rows].map(([id, r]) => ({ id, distance: 1 - dot(vector, r.v) })).sort((a, b) => a.distance - b.distance).slice(0, k);
  }
  async count() {
    this.check();
    return this.rows.size;
  }
  async inventory() {
    this.check();
    const out = new Map<string, { count: number; hashes: Set<string> }>();
    for (const r of this.rows.values()) {
      const e = out.get(r.path) ?? { count: 0, hashes: new Set<string>() };
      e.count++;
      e.hashes.add(r.hash);
      out.set(r.path, e);
    }
    return out;
  }
  async clear() {
    this.check();
    this.rows.clear();
  }
}

describe('rag indexer: degrade and recover', () => {
  let root: string;
  let storage: string;
  let clock = 0;
  const embedder: Embedder = { model: 'fake/bow', embed: async (texts) => texts.map((t) => embeddingFor(t, 64)) };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sy-idx-'));
    storage = mkdtempSync(join(tmpdir(), 'sy-idx-st-'));
    writeFileSync(join(root, 'queue.ts'), 'export class JobQueue {\n  enqueue(job: string) {\n    return job;\n  }\n}\n');
    writeFileSync(join(root, 'mail.py'), 'def send_welcome_mail(user):\n    return user\n');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(storage, { recursive: true, force: true });
  });

  const open = (store: VectorStore) =>
    new RagIndex({ root, storageDir: storage, logger: silentLogger, chunker: locateRagAssets(), embedder, vectors: store, collection: 'c', now: () => clock, vectorRetryMs: 60_000 });

  it('backs off to lexical-only when the store fails at query time, and uses vectors again after the retry delay', async () => {
    const store = new MemoryStore();
    const idx = open(store);
    assert.equal((await idx.index()).mode, 'hybrid');
    assert.equal((await idx.search('enqueue a job')).mode, 'hybrid');
    store.down = true;
    const failed = await idx.search('enqueue a job');
    assert.equal(failed.mode, 'lexical-only');
    assert.match(failed.warning ?? '', /vector search failed \(connect ECONNREFUSED/);
    assert.equal(failed.hits[0].chunk.path, 'queue.ts', 'lexical results still served');
    store.down = false;
    assert.equal((await idx.search('enqueue a job')).mode, 'lexical-only', 'no retry storm right after a failure');
    clock += 61_000;
    assert.equal((await idx.search('enqueue a job')).mode, 'hybrid');
    idx.dispose();
  });

  it('re-embeds only the files whose content changed, and purges deleted files from both indexes', async () => {
    const store = new MemoryStore();
    const idx = open(store);
    await idx.index();
    const before = store.rows.size;
    writeFileSync(join(root, 'mail.py'), 'def send_goodbye_mail(user):\n    return None\n');
    const s = await idx.update(['mail.py']);
    assert.deepEqual([s.filesIndexed, s.chunksEmbedded], [1, 1]);
    assert.equal(store.rows.size, before);
    rmSync(join(root, 'queue.ts'));
    const d = await idx.index();
    assert.equal(d.filesDeleted, 1);
    assert.ok(![...store.rows.values()].some((r) => r.path === 'queue.ts'));
    assert.equal((await idx.search('JobQueue')).hits.filter((h) => h.chunk.path === 'queue.ts').length, 0);
    idx.dispose();
  });

  it('rebuild clears both indexes and embeds everything again', async () => {
    const store = new MemoryStore();
    const idx = open(store);
    const first = await idx.index();
    const again = await idx.index({ rebuild: true });
    assert.equal(again.chunksEmbedded, first.chunksEmbedded);
    assert.equal(store.rows.size, first.totalChunks);
    idx.dispose();
  });
});
