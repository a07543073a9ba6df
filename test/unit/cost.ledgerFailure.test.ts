/** A ledger append that fails is known, described (path, cause, fix) and announced; a later success clears it. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlLedger } from '../../src/core/cost/ledger';
import { describeLedgerFailure, type LedgerWriteFailure } from '../../src/core/cost/ledgerFailure';
import type { LedgerRecord } from '../../src/core/cost/types';

const record: LedgerRecord = {
  v: 1, traceId: 't1', time: new Date().toISOString(), feature: 'chat', task: 'chat', route: ['m'], attempts: [],
  usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.001, status: 'ok', latencyMs: 1,
};

describe('ledger: failed writes are known and said', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'switchyard-ledgerfail-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ENOTDIR: a file where the data folder should be; cleared once a write succeeds', async () => {
    const blocker = join(dir, 'data');
    writeFileSync(blocker, 'x');
    const ledger = new JsonlLedger(join(blocker, 'ledger.jsonl'));
    const seen: LedgerWriteFailure[] = [];
    ledger.onWriteFailure((f) => seen.push(f));
    await assert.rejects(ledger.append(record));
    await assert.rejects(ledger.append(record));
    const failure = ledger.writeFailure();
    assert.ok(failure);
    assert.ok(failure.code === 'ENOTDIR' || failure.code === 'EEXIST', failure.code); // mkdir -p says EEXIST
    assert.equal(failure.path, join(blocker, 'ledger.jsonl'));
    assert.equal(failure.lostRecords, 2);
    assert.match(failure.fix, /Move that file away/);
    assert.equal(seen.length, 2);
    rmSync(blocker);
    await ledger.append(record);
    assert.equal(ledger.writeFailure(), undefined);
    assert.ok(existsSync(join(blocker, 'ledger.jsonl')));
    await ledger.close();
  });

  it('ENOSPC: a full disk (/dev/full) is named as such', async function () {
    if (!existsSync('/dev/full')) this.skip();
    const ledger = new JsonlLedger('/dev/full');
    await assert.rejects(ledger.append(record));
    const failure = ledger.writeFailure()!;
    assert.equal(failure.code, 'ENOSPC');
    assert.match(failure.message, /disk holding \/dev\/full is full/);
    assert.match(failure.fix, /Free space/);
  });

  it('read-only folders (EROFS, EACCES) get the "make it writable" fix', () => {
    for (const code of ['EROFS', 'EACCES']) {
      const f = describeLedgerFailure(Object.assign(new Error('x'), { code }), '/data/ledger.jsonl', 1);
      assert.match(f.message, /\/data is not writable/);
      assert.match(f.fix, /Make \/data writable/);
    }
  });
});
