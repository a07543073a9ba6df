/**
 * A ledger or trace store that was closed (the core was disposed) and then gets one more record —
 * a router call that finished after dispose — writes it and lets go of the file again, instead of
 * holding a handle that only the garbage collector closes ("Closing file descriptor N on garbage collection").
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlLedger } from '../../src/core/cost/ledger';
import type { LedgerRecord } from '../../src/core/cost/types';
import { FileTraceStore } from '../../src/core/trace/fileStore';
import type { TraceRecord } from '../../src/core/trace/types';

const FD_DIR = '/proc/self/fd';

/** How many of this process's file descriptors point at `path` (Linux: read from /proc). */
function openHandlesTo(path: string): number {
  let n = 0;
  for (const fd of readdirSync(FD_DIR)) {
    try {
      if (readlinkSync(join(FD_DIR, fd)) === path) n++;
    } catch {
      // closed while we looked
    }
  }
  return n;
}

const record = (traceId: string): LedgerRecord => ({
  v: 1,
  traceId,
  time: new Date().toISOString(),
  feature: 'chat',
  task: 'chat',
  route: ['m'],
  attempts: [],
  usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
  costUsd: null,
  status: 'ok',
  latencyMs: 1,
});

const trace = (traceId: string): TraceRecord => ({ traceId, spans: [] }) as unknown as TraceRecord;

describe('a closed ledger or trace store holds no file open', function () {
  let dir: string;
  before(function () {
    if (!existsSync(FD_DIR)) this.skip(); // the check reads the process's open files from /proc
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-closed-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ledger: a record appended after close() is written, and the file is not left open', async () => {
    const file = join(dir, 'usage.jsonl');
    const ledger = new JsonlLedger(file);
    await ledger.append(record('before'));
    assert.equal(openHandlesTo(file), 1, 'the append handle stays open while the ledger is in use');
    await ledger.close();
    assert.equal(openHandlesTo(file), 0);
    await ledger.append(record('late'));
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).traceId), ['before', 'late'], 'the late record is not lost');
    assert.equal(openHandlesTo(file), 0, 'the late append closed the file again');
  });

  it('trace store: a trace added after close() is written, and the file is not left open', async () => {
    const file = join(dir, 'traces.jsonl');
    const store = new FileTraceStore({ filePath: file, maxTraces: 10, maxBytes: 1 << 20 });
    store.add(trace('before'));
    await store.flush();
    assert.equal(openHandlesTo(file), 1, 'the append handle stays open while the store is in use');
    await store.close();
    assert.equal(openHandlesTo(file), 0);
    store.add(trace('late'));
    await store.flush();
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).traceId), ['before', 'late'], 'the late trace is not lost');
    assert.equal(openHandlesTo(file), 0, 'the late write closed the file again');
  });
});
