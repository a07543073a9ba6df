import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JsonlLedger } from '../../src/core/cost/ledger';
import { looksLikeLedgerRecord, parseLedgerLine } from '../../src/core/cost/recordCheck';
import { aggregate, acceptRate, dailyByModel } from '../../src/core/cost/report';
import { totalsIndexPath } from '../../src/core/cost/totalsIndex';
import { ledgerRecordSchema, type LedgerRecord } from '../../src/core/cost/types';

const FIXTURE = resolve(__dirname, '../fixtures/ledger-sample.jsonl');

function record(i: number, extra: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    v: 1, traceId: `t${i}`, time: new Date(Date.UTC(2026, 10, 24, 12, 0, i)).toISOString(), feature: 'chat', task: 'chat', route: ['sonnet'],
    model: 'sonnet', modelId: 'claude-sonnet-4-5', provider: 'anthropic',
    attempts: [{ model: 'sonnet', modelId: 'claude-sonnet-4-5', provider: 'anthropic', status: 'ok', latencyMs: 10 }],
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.1, status: 'ok', latencyMs: 10, ...extra,
  };
}

describe('ledger: per-day totals index (integration)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-totals-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports from the totals equal reports from the records (sample ledger with torn and invalid lines)', async () => {
    const file = join(dir, 'ledger.jsonl');
    await writeFile(file, await readFile(FIXTURE));
    const ledger = new JsonlLedger(file);
    const records = await ledger.read();
    const totals = await ledger.totals();
    for (const by of ['day', 'model', 'provider', 'feature'] as const) assert.deepEqual(aggregate(totals, by), aggregate(records, by), by);
    assert.deepEqual(acceptRate(totals), acceptRate(records));
    assert.deepEqual(dailyByModel(totals), dailyByModel(records));
    await ledger.close();
  });

  it('is saved beside the ledger and a new process reads only what was appended since', async () => {
    const file = join(dir, 'ledger.jsonl');
    const a = new JsonlLedger(file);
    for (let i = 0; i < 3; i++) await a.append(record(i));
    assert.equal(aggregate(await a.totals(), 'day')[0].calls, 3);
    await a.close();
    const saved = JSON.parse(await readFile(totalsIndexPath(file), 'utf8')) as { bytes: number };
    assert.equal(saved.bytes, (await readFile(file)).length, 'the index covers the whole ledger');

    // Another writer (the CLI, another window) appends; the index now covers only a prefix.
    await appendFile(file, `${JSON.stringify(record(3, { costUsd: 0.2 }))}\n`);
    const b = new JsonlLedger(file);
    const [day] = aggregate(await b.totals(), 'day');
    assert.deepEqual([day.calls, day.costUsd], [4, 0.5]);
    await b.close();
  });

  it('a stale index (ledger replaced by another file) is rebuilt, not trusted', async () => {
    const file = join(dir, 'ledger.jsonl');
    const a = new JsonlLedger(file);
    for (let i = 0; i < 5; i++) await a.append(record(i));
    await a.totals();
    await a.close();
    // Same length, other content: only the fingerprints can tell.
    const other = [0, 1, 2, 3, 4].map((i) => JSON.stringify(record(i, { model: 'sonnex', modelId: 'claude-sonnet-4-x' }))).join('\n') + '\n';
    assert.equal(Buffer.byteLength(other), (await readFile(file)).length);
    await writeFile(file, other);
    const b = new JsonlLedger(file);
    assert.deepEqual(aggregate(await b.totals(), 'model').map((r) => [r.key, r.calls]), [['sonnex', 5]]);
    await b.close();
  });

  it('a corrupt index file is rebuilt from the ledger', async () => {
    const file = join(dir, 'ledger.jsonl');
    await writeFile(file, `${JSON.stringify(record(1))}\n`);
    await writeFile(totalsIndexPath(file), '{"v":1,"bytes":');
    const ledger = new JsonlLedger(file);
    assert.equal(aggregate(await ledger.totals(), 'day')[0].calls, 1);
    await ledger.close();
  });

  it('leaves an unterminated last line for later (another process may be writing it), then counts it once complete', async () => {
    const file = join(dir, 'ledger.jsonl');
    const line = JSON.stringify(record(2));
    await writeFile(file, `${JSON.stringify(record(1))}\n${line.slice(0, 40)}`);
    const ledger = new JsonlLedger(file);
    assert.equal(aggregate(await ledger.totals(), 'day')[0].calls, 1);
    await appendFile(file, `${line.slice(40)}\n`);
    assert.equal(aggregate(await ledger.totals(), 'day')[0].calls, 2);
    await ledger.close();
  });

  it('the append handle stays open across records and a deleted ledger is recreated, not written into the void', async () => {
    const file = join(dir, 'ledger.jsonl');
    const ledger = new JsonlLedger(file);
    await ledger.append(record(1));
    await rm(file);
    await ledger.append(record(2));
    assert.deepEqual((await ledger.read()).map((r) => r.traceId), ['t2']);
    await ledger.close();
  });

  it('streams records in batches; the same records as read()', async () => {
    const file = join(dir, 'ledger.jsonl');
    const ledger = new JsonlLedger(file);
    for (let i = 0; i < 50; i++) await ledger.append(record(i));
    const streamed: string[] = [];
    for await (const batch of ledger.stream()) streamed.push(...batch.map((r) => r.traceId));
    assert.deepEqual(streamed, (await ledger.read()).map((r) => r.traceId));
    await ledger.close();
  });
});

describe('ledger: the fast record check agrees with the schema', () => {
  const base = record(1, { cacheSavingsUsd: 0.01, ttftMs: 5, outcome: 'accepted', workspace: '/w' });
  const variants: Array<[string, unknown]> = [
    ['valid', base],
    ['null cost', { ...base, costUsd: null }],
    ['v2', { ...base, v: 2 }],
    ['negative tokens', { ...base, usage: { ...base.usage, inputTokens: -1 } }],
    ['fractional tokens', { ...base, usage: { ...base.usage, outputTokens: 1.5 } }],
    ['bad status', { ...base, status: 'done' }],
    ['bad attempt status', { ...base, attempts: [{ ...base.attempts[0], status: 'maybe' }] }],
    ['attempt without latency', { ...base, attempts: [{ model: 'm', modelId: 'm', provider: 'p', status: 'ok' }] }],
    ['route not strings', { ...base, route: [1] }],
    ['missing usage', { ...base, usage: undefined }],
    ['string cost', { ...base, costUsd: '0.1' }],
    ['numeric model', { ...base, model: 3 }],
    ['not an object', 'x'],
    ['negative provider cost', { ...base, providerCostUsd: -0.01 }],
    ['provider cost', { ...base, providerCostUsd: 0.02, usageSource: 'reported' }],
    ['bad usage source', { ...base, usageSource: 'guessed' }],
    ['unknown key (dropped by the schema)', { ...base, extra: 1 }],
    ['unknown attempt key', { ...base, attempts: [{ ...base.attempts[0], extra: 1 }] }],
    ['unknown usage key', { ...base, usage: { ...base.usage, extra: 1 } }],
  ];
  for (const [name, value] of variants) {
    it(name, () => {
      const zod = ledgerRecordSchema.safeParse(value);
      if (looksLikeLedgerRecord(value)) {
        assert.ok(zod.success, 'the hand check never accepts what the schema rejects');
        assert.deepEqual(zod.data, value, 'the hand check accepts a value only as the schema would return it');
      }
      assert.equal(parseLedgerLine(JSON.stringify(value)) !== undefined, zod.success);
    });
  }

  it('append writes what the schema returns: a key it does not name is not written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-append-'));
    try {
      const ledger = new JsonlLedger(join(dir, 'ledger.jsonl'));
      await ledger.append({ ...record(1), extra: 'x' } as LedgerRecord);
      await assert.rejects(ledger.append({ ...record(2), providerCostUsd: -1 }), /providerCostUsd/);
      const lines = (await readFile(join(dir, 'ledger.jsonl'), 'utf8')).trim().split('\n');
      assert.deepEqual(lines.map((l) => JSON.parse(l)), [record(1)]);
      await ledger.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
