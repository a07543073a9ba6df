import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  describe('persistence', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'switchyard-traces-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('persists to JSONL and load() restores the same list, skipping invalid lines', async () => {
      const filePath = join(dir, 'sub', 'traces.jsonl');
      const a = new MemoryTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
      for (let i = 1; i <= 3; i++) a.add(trace(i));
      await a.flush();
      await writeFile(filePath, `${await readFile(filePath, 'utf8')}{"torn":\n`);
      const b = new MemoryTraceStore({ maxTraces: 10, maxBytes: 1_000_000, filePath });
      await b.load();
      assert.deepEqual(ids(b), [3, 2, 1]);
      assert.deepEqual(b.get(trace(2).traceId), trace(2));
    });

    it('compacts the file when it grows past 2× the bound', async () => {
      const filePath = join(dir, 'traces.jsonl');
      const store = new MemoryTraceStore({ maxTraces: 2, maxBytes: 1_000_000, filePath });
      for (let i = 1; i <= 4; i++) store.add(trace(i));
      await store.flush();
      assert.equal((await readFile(filePath, 'utf8')).trim().split('\n').length, 4, 'up to 2× the bound is allowed to accumulate');
      store.add(trace(5));
      await store.flush();
      const lines = (await readFile(filePath, 'utf8')).trim().split('\n');
      assert.deepEqual(lines.map((l) => (JSON.parse(l) as TraceRecord).startMs / 1000), [4, 5]);

      const reloaded = new MemoryTraceStore({ maxTraces: 2, maxBytes: 1_000_000, filePath });
      await reloaded.load();
      assert.deepEqual(ids(reloaded), [5, 4]);
    });

    it('load() of an oversized file keeps the newest and compacts it', async () => {
      const filePath = join(dir, 'traces.jsonl');
      await writeFile(filePath, Array.from({ length: 7 }, (_, i) => JSON.stringify(trace(i + 1))).join('\n') + '\n');
      const store = new MemoryTraceStore({ maxTraces: 3, maxBytes: 1_000_000, filePath });
      await store.load();
      assert.deepEqual(ids(store), [7, 6, 5]);
      assert.equal((await readFile(filePath, 'utf8')).trim().split('\n').length, 3);
    });

    it('a missing file loads as empty; clear() empties memory and file', async () => {
      const filePath = join(dir, 'traces.jsonl');
      const store = new MemoryTraceStore({ maxTraces: 3, maxBytes: 1_000_000, filePath });
      await store.load();
      assert.equal(store.size, 0);
      store.add(trace(1));
      await store.clear();
      assert.equal(store.size, 0);
      assert.equal(await readFile(filePath, 'utf8'), '');
    });
  });
});
