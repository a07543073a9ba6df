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
import { describeSkipped } from '../../src/core/rag/skippedText';
import { parseConfig } from '../../src/core/config/schema';

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

  it('drops the vectors of a file that turned binary, and leaves it out afterwards without reading it again', async () => {
    const store = new MemoryStore();
    const idx = open(store);
    await idx.index();
    assert.ok([...store.rows.values()].some((r) => r.path === 'mail.py'));
    writeFileSync(join(root, 'mail.py'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
    const turned = await idx.index();
    assert.equal(turned.skipped.binary, 1);
    assert.ok(![...store.rows.values()].some((r) => r.path === 'mail.py'), 'its vectors are deleted');
    const next = await idx.index();
    // counted as unchanged (same stat, left out last time): the index kept its entry, so no read
    assert.deepEqual([next.filesUnchanged, next.filesIndexed, next.skipped.binary], [2, 0, 1]);
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

  it('goes on when a file is deleted during the run (also one whose vectors are still missing), and counts it', async () => {
    for (let i = 0; i < 6; i++) writeFileSync(join(root, `m${i}.ts`), `export function member${i}() {\n  return ${i};\n}\n`);
    const store = new MemoryStore();
    store.down = true; // first run: lexical only, so the second must read unchanged files again to embed them
    const first = open(store);
    await first.index();
    first.dispose();
    store.down = false;
    const idx = open(store);
    const s = await idx.index({ onProgress: (p) => p.path === 'm1.ts' && rmSync(join(root, 'm2.ts')) });
    assert.equal(s.skipped.vanished, 1);
    assert.equal(s.cancelled, false);
    assert.equal((await idx.search('member2')).hits.filter((h) => h.chunk.path === 'm2.ts').length, 0, 'the deleted file is purged');
    assert.ok([...store.rows.values()].some((r) => r.path === 'm5.ts'), 'files after it were embedded');
    idx.dispose();
  });

  it('counts and reports symlinks, unreadable directories, non-UTF-8 names, generated and oversized files', async function () {
    if (process.platform === 'win32') this.skip();
    const fs = require('node:fs') as typeof import('node:fs');
    fs.symlinkSync(join(root, 'queue.ts'), join(root, 'link.ts'));
    fs.mkdirSync(join(root, 'locked'));
    writeFileSync(join(root, 'locked', 'secret.ts'), 'export const s = 1;\n');
    fs.chmodSync(join(root, 'locked'), 0o000);
    writeFileSync(Buffer.concat([Buffer.from(root + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.ts')]), 'export const latin1 = 1;\n');
    writeFileSync(join(root, 'wasm.js'), `export const wasm = "${'QUJD'.repeat(1150)}";\n`);
    writeFileSync(join(root, '.gitattributes'), 'gen/** linguist-generated\n');
    fs.mkdirSync(join(root, 'gen'));
    writeFileSync(join(root, 'gen', 'api.ts'), 'export function generatedClient() {}\n');
    writeFileSync(join(root, 'huge.txt'), 'x'.repeat(10_000));
    try {
      const idx = new RagIndex({ root, storageDir: storage, logger: silentLogger, chunker: locateRagAssets(), walk: { maxFileBytes: 5000 } });
      const s = await idx.index();
      const unreadable = process.getuid?.() === 0 ? 0 : 1; // root reads anything
      assert.deepEqual(s.skipped, { symlinks: 1, unreadableDirs: unreadable, nonUtf8Names: 1, tooLarge: 1, binary: 0, generated: 2, vanished: 0 });
      assert.deepEqual(idx.stats().files >= 2, true);
      assert.equal((await idx.search('wasm')).hits.length, 0, 'the generated file is not searchable');
      const again = await idx.index();
      assert.equal(again.skipped.generated, 2, 'still reported on the next run (without reading the file again)');
      assert.equal(describeSkipped(s.skipped).includes('1 symbolic link (not followed)'), true);
      idx.dispose();
    } finally {
      fs.chmodSync(join(root, 'locked'), 0o755);
    }
  });

  it('bounds per-file memory: files over the hard cap are skipped whatever maxFileBytes says, big ones are windowed without a syntax tree', async () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const line = 'export function f(a: number) { return a + 1; } // padding padding padding\n';
    fs.writeFileSync(join(root, 'fifty.ts'), line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)));
    fs.writeFileSync(join(root, 'two.ts'), line.repeat(Math.ceil((2 * 1024 * 1024) / line.length)));
    const idx = new RagIndex({ root, storageDir: storage, logger: silentLogger, chunker: locateRagAssets(), walk: { maxFileBytes: 1e9 } });
    const heapBefore = process.memoryUsage().rss;
    const s = await idx.index();
    const grew = process.memoryUsage().rss - heapBefore;
    assert.equal(s.skipped.tooLarge, 1, 'the 50 MB file is over the 8 MiB hard cap');
    assert.ok(idx.stats().files >= 3);
    assert.ok(grew < 400 * 1024 * 1024, `rss grew ${Math.round(grew / 1e6)} MB indexing a 2 MB file`);
    assert.throws(() => parseConfig({ rag: { maxFileBytes: 50 * 1024 * 1024 } }), /maxFileBytes is at most 8388608/);
    idx.dispose();
  });
});
