import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTraceStore } from '../../src/core/trace/fileStore';
import { MemoryTraceStore } from '../../src/core/trace/store';
import type { TraceRecord } from '../../src/core/trace/types';

function trace(id: number, padding = 0): TraceRecord {
  const traceId = id.toString(16).padStart(32, '0');
  return {
    traceId,
    name: 'chat',
    startMs: id * 1000,
    endMs: id * 1000 + 5,
    spans: [{ traceId, spanId: id.toString(16).padStart(16, '0'), name: 'chat', startMs: id * 1000, endMs: id * 1000 + 5, status: 'ok', attributes: { pad: 'x'.repeat(padding) }, events: [] }],
  };
}
const ids = (store: MemoryTraceStore) => store.list().map((t) => t.startMs / 1000);

describe('trace: MemoryTraceStore', () => {
  it('keeps the newest traces within maxTraces, newest first', () => {
    const store = new MemoryTraceStore({ maxTraces: 3, maxBytes: 1_000_000 });
    for (let i = 1; i <= 5; i++) store.add(trace(i));
    assert.deepEqual(ids(store), [5, 4, 3]);
    assert.equal(store.get(trace(1).traceId), undefined);
    assert.equal(store.get(trace(4).traceId)!.startMs, 4000);
  });

  it('keeps the total size within maxBytes, evicting the oldest', () => {
    const one = JSON.stringify(trace(1, 1000)).length;
    const store = new MemoryTraceStore({ maxTraces: 100, maxBytes: one * 2 + 10 });
    for (let i = 1; i <= 4; i++) store.add(trace(i, 1000));
    assert.deepEqual(ids(store), [4, 3]);
    assert.ok(store.bytes <= one * 2 + 10);
    // A single trace over the bound is still kept (newest), alone.
    store.add(trace(9, 10_000));
    assert.deepEqual(ids(store), [9]);
  });

  it('notifies listeners; unsubscribe works; a throwing listener does not break add()', () => {
    const store = new MemoryTraceStore({ maxTraces: 10, maxBytes: 1_000_000 });
    const seen: number[] = [];
    store.onDidAdd(() => {
      throw new Error('bad listener');
    });
    const off = store.onDidAdd((t) => seen.push(t.startMs / 1000));
    store.add(trace(1));
    off();
    store.add(trace(2));
    assert.deepEqual(seen, [1]);
    assert.equal(store.size, 2);
  });

  it('rejects non-positive bounds with the setting name', () => {
    assert.throws(() => new MemoryTraceStore({ maxTraces: 0, maxBytes: 10 }), /switchyard\.trace\.maxTraces/);
  });
});

describe('trace: FileTraceStore (persistent, bounded memory)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-traces-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const pageIds = async (store: FileTraceStore) => (await store.page(0, 100)).map((t) => t.startMs / 1000);

  it('a new store pages the same traces from the file, skipping invalid lines', async () => {
    const filePath = join(dir, 'sub', 'traces.jsonl');
    const a = new FileTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
    for (let i = 1; i <= 3; i++) a.add(trace(i));
    await a.close();
    await writeFile(filePath, `${await readFile(filePath, 'utf8')}{"torn":\n`);
    const b = new FileTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
    assert.deepEqual(await pageIds(b), [3, 2, 1]);
    assert.deepEqual((await b.page(1, 1)).map((t) => t.startMs / 1000), [2], 'a page after the newest');
    assert.deepEqual(await b.find(trace(2).traceId), trace(2));
    await b.close();
  });

  it('a torn last line does not swallow the next trace (issue 11, item 8)', async () => {
    const filePath = join(dir, 'traces.jsonl');
    await writeFile(filePath, `${JSON.stringify(trace(1))}\n${JSON.stringify(trace(2)).slice(0, 60)}`);
    const store = new FileTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
    store.add(trace(3));
    await store.close();
    const reopened = new FileTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
    assert.deepEqual(await pageIds(reopened), [3, 1]);
    assert.deepEqual(await reopened.find(trace(3).traceId), trace(3));
    await reopened.close();
  });

  it('compacts the file when it grows past 2× the bound, keeping the newest', async () => {
    const filePath = join(dir, 'traces.jsonl');
    const store = new FileTraceStore({ maxTraces: 2, maxBytes: 1_000_000, filePath });
    assert.deepEqual(await pageIds(store), []);
    for (let i = 1; i <= 4; i++) store.add(trace(i));
    await store.flush();
    assert.equal((await readFile(filePath, 'utf8')).trim().split('\n').length, 4, 'up to 2× the bound is allowed to accumulate');
    store.add(trace(5));
    await store.flush();
    const lines = (await readFile(filePath, 'utf8')).trim().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as TraceRecord).startMs / 1000), [4, 5]);
    assert.deepEqual(await pageIds(store), [5, 4]);
    await store.close();
  });

  it('a file never indexed (Traces tab never opened) is still compacted when it outgrows the bound', async () => {
    const filePath = join(dir, 'traces.jsonl');
    const store = new FileTraceStore({ maxTraces: 100, maxBytes: 2000, filePath });
    for (let i = 1; i <= 12; i++) store.add(trace(i, 300));
    await store.close();
    assert.ok((await readFile(filePath)).length <= 4000, 'the file stays within 2× maxBytes');
    const reopened = new FileTraceStore({ maxTraces: 100, maxBytes: 2000, filePath });
    assert.equal((await pageIds(reopened))[0], 12, 'the newest is kept');
    await reopened.close();
  });

  it('an oversized file keeps the newest and is compacted when first indexed', async () => {
    const filePath = join(dir, 'traces.jsonl');
    await writeFile(filePath, Array.from({ length: 7 }, (_, i) => JSON.stringify(trace(i + 1))).join('\n') + '\n');
    const store = new FileTraceStore({ maxTraces: 3, maxBytes: 1_000_000, filePath });
    assert.deepEqual(await pageIds(store), [7, 6, 5]);
    assert.equal((await readFile(filePath, 'utf8')).trim().split('\n').length, 3);
    await store.close();
  });

  it('sees traces another writer appended to the same file', async () => {
    const filePath = join(dir, 'traces.jsonl');
    const a = new FileTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
    const b = new FileTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
    a.add(trace(1));
    await a.flush();
    assert.deepEqual(await pageIds(b), [1]);
    a.add(trace(2));
    await a.flush();
    assert.deepEqual(await pageIds(b), [2, 1]);
    await Promise.all([a.close(), b.close()]);
  });

  it('once the file is open, a trace is on disk when add() returns (no write left pending)', async () => {
    const filePath = join(dir, 'traces.jsonl');
    const store = new FileTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
    store.add(trace(1)); // the first add opens the file through the queue
    await store.flush();
    store.add(trace(2));
    const lines = readFileSync(filePath, 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as TraceRecord).startMs / 1000), [1, 2]);
    await store.close();
  });

  it("another writer's torn line between two of ours stays a separate line", async () => {
    const filePath = join(dir, 'traces.jsonl');
    const store = new FileTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
    store.add(trace(1));
    await store.flush();
    await appendFile(filePath, JSON.stringify(trace(2)).slice(0, 50)); // a crash mid-line elsewhere
    store.add(trace(3));
    await store.flush();
    assert.deepEqual(await pageIds(store), [3, 1]);
    const reopened = new FileTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
    assert.deepEqual(await pageIds(reopened), [3, 1]);
    await Promise.all([store.close(), reopened.close()]);
  });

  it('a trace file deleted while open is recreated at the path, not written into the void', async () => {
    const filePath = join(dir, 'traces.jsonl');
    const store = new FileTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
    store.add(trace(1));
    await store.flush();
    await rm(filePath);
    store.add(trace(2));
    await store.flush();
    assert.deepEqual(readFileSync(filePath, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as TraceRecord).startMs / 1000), [2]);
    await store.close();
  });

  it('compaction copies kept lines that are not next to each other (a long unreadable line between them)', async () => {
    const filePath = join(dir, 'traces.jsonl');
    await writeFile(filePath, `${JSON.stringify(trace(1, 10))}\n{"junk":"${'x'.repeat(5000)}"}\n${JSON.stringify(trace(2, 20))}\n`);
    const store = new FileTraceStore({ maxTraces: 10, maxBytes: 2000, filePath });
    assert.deepEqual(await pageIds(store), [2, 1], 'indexing the outgrown file compacts it');
    const lines = (await readFile(filePath, 'utf8')).split('\n');
    assert.deepEqual(lines, [JSON.stringify(trace(1, 10)), JSON.stringify(trace(2, 20)), '']);
    store.add(trace(3));
    await store.flush();
    const reopened = new FileTraceStore({ maxTraces: 10, maxBytes: 2000, filePath });
    assert.deepEqual(await pageIds(reopened), [3, 2, 1]);
    assert.deepEqual(await reopened.find(trace(2).traceId), trace(2, 20));
    await Promise.all([store.close(), reopened.close()]);
  });

  it('clear() empties the store and the file', async () => {
    const filePath = join(dir, 'traces.jsonl');
    const store = new FileTraceStore({ maxTraces: 3, maxBytes: 1_000_000, filePath });
    store.add(trace(1));
    await store.clear();
    assert.deepEqual(await pageIds(store), []);
    assert.equal(await readFile(filePath, 'utf8'), '');
    await store.close();
  });
});
