import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JsonlLedger } from '../../src/core/cost/ledger';
import type { LedgerRecord } from '../../src/core/cost/types';
import type { Logger } from '../../src/core/logger';

const LEDGER_MODULE = resolve(__dirname, '../../src/core/cost/ledger.ts');

function record(i: number, extra: Partial<LedgerRecord> = {}): LedgerRecord {
  return {
    v: 1,
    traceId: `t${i}`,
    time: new Date(Date.UTC(2026, 10, 24, 12, 0, i)).toISOString(),
    feature: 'chat',
    task: 'chat',
    route: ['sonnet'],
    model: 'sonnet',
    modelId: 'claude-sonnet-4-5',
    provider: 'anthropic',
    attempts: [{ model: 'sonnet', modelId: 'claude-sonnet-4-5', provider: 'anthropic', status: 'ok', latencyMs: 10 }],
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
    costUsd: 0.000105,
    status: 'ok',
    latencyMs: 10,
    ...extra,
  };
}

/** A separate Node process that appends `count` records tagged `tag` through JsonlLedger. */
function appender(file: string, tag: string, count: number): Promise<void> {
  const code = `
    const { JsonlLedger } = require(${JSON.stringify(LEDGER_MODULE)});
    (async () => {
      const ledger = new JsonlLedger(${JSON.stringify(file)});
      for (let i = 0; i < ${count}; i++) {
        await ledger.append({ v: 1, traceId: ${JSON.stringify(tag)} + '-' + i, time: new Date().toISOString(), feature: 'completion',
          task: 'completion', route: ['m'], attempts: [], usage: { inputTokens: i, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
          costUsd: null, status: 'ok', latencyMs: 1, outcome: 'x'.repeat(200 + (i % 50)) });
      }
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`appender ${tag} exited ${code}: ${stderr}`))));
  });
}

describe('ledger: JSONL file (integration)', function () {
  this.timeout(60_000);
  let dir: string;
  let opened: JsonlLedger[] = [];
  /** A ledger closed after the test: its append handle would otherwise be closed by the garbage collector. */
  const openLedger = (file: string, logger?: Logger) => {
    const ledger = new JsonlLedger(file, logger);
    opened.push(ledger);
    return ledger;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-ledger-'));
  });
  afterEach(async () => {
    await Promise.all(opened.map((ledger) => ledger.close()));
    opened = [];
    await rm(dir, { recursive: true, force: true });
  });

  it('two processes appending 500 records each at once → 1000 valid records, none torn', async () => {
    const file = join(dir, 'usage.jsonl');
    await Promise.all([appender(file, 'a', 500), appender(file, 'b', 500)]);
    const ledger = openLedger(file);
    const records = await ledger.read();
    assert.equal(ledger.skippedLines, 0);
    assert.equal(records.length, 1000);
    for (const tag of ['a', 'b']) {
      const mine = records.filter((r) => r.traceId.startsWith(`${tag}-`)).map((r) => r.usage.inputTokens);
      assert.deepEqual(mine, Array.from({ length: 500 }, (_, i) => i), `process ${tag}'s records are all there, in its order`);
    }
    const text = await readFile(file, 'utf8');
    assert.equal(text.split('\n').filter(Boolean).length, 1000);
    assert.ok(text.endsWith('\n'));
  });

  it('creates the folder, appends and reads back in order', async () => {
    const file = join(dir, 'nested', 'deeper', 'usage.jsonl');
    const ledger = openLedger(file);
    assert.deepEqual(await ledger.read(), [], 'a missing file is an empty ledger');
    await Promise.all([ledger.append(record(1)), ledger.append(record(2)), ledger.append(record(3))]);
    assert.deepEqual((await ledger.read()).map((r) => r.traceId), ['t1', 't2', 't3']);
  });

  it('a record is in the file when append() returns, before its promise is awaited (a crash right after the call loses nothing)', async () => {
    const file = join(dir, 'usage.jsonl');
    const ledger = new JsonlLedger(file);
    const pending = ledger.append(record(1));
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as LedgerRecord).traceId), ['t1']);
    await pending;
    await ledger.close();
  });

  it("another process's torn line between two of ours stays a separate (skipped) line", async () => {
    const file = join(dir, 'usage.jsonl');
    const ledger = new JsonlLedger(file);
    await ledger.append(record(1));
    await appendFile(file, JSON.stringify(record(2)).slice(0, 40));
    await ledger.append(record(3));
    assert.deepEqual((await ledger.read()).map((r) => r.traceId), ['t1', 't3']);
    assert.equal(ledger.skippedLines, 1);
    await ledger.close();
  });

  it('a torn last line is skipped and counted, and later appends stay valid on their own line', async () => {
    const file = join(dir, 'usage.jsonl');
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };
    const torn = JSON.stringify(record(3)).slice(0, 57);
    await writeFile(file, `${JSON.stringify(record(1))}\n${JSON.stringify(record(2))}\n${torn}`);

    const ledger = openLedger(file, logger);
    assert.deepEqual((await ledger.read()).map((r) => r.traceId), ['t1', 't2']);
    assert.equal(ledger.skippedLines, 1);
    assert.match(warnings[0], /skipped 1 torn or invalid line/);

    await ledger.append(record(4));
    await ledger.append(record(5));
    assert.deepEqual((await ledger.read()).map((r) => r.traceId), ['t1', 't2', 't4', 't5']);
    assert.equal(ledger.skippedLines, 1, 'only the torn line is skipped: t4 did not glue onto it');
    const lines = (await readFile(file, 'utf8')).split('\n');
    assert.equal(lines[2], torn, 'existing data is never rewritten or destroyed');
  });

  it('invalid lines anywhere are skipped and counted, never fatal', async () => {
    const file = join(dir, 'usage.jsonl');
    await writeFile(file, [JSON.stringify(record(1)), 'not json', JSON.stringify({ v: 2, traceId: 'x' }), '', JSON.stringify(record(2)), '{"v":1'].join('\n') + '\n');
    const ledger = openLedger(file);
    assert.deepEqual((await ledger.read()).map((r) => r.traceId), ['t1', 't2']);
    assert.equal(ledger.skippedLines, 3);
    await appendFile(file, `${JSON.stringify(record(3))}\n`);
    assert.equal((await ledger.read()).length, 3);
  });

  it('filters by time window [sinceMs, untilMs)', async () => {
    const ledger = openLedger(join(dir, 'usage.jsonl'));
    for (let i = 0; i < 5; i++) await ledger.append(record(i));
    const t = (i: number) => Date.UTC(2026, 10, 24, 12, 0, i);
    assert.deepEqual((await ledger.read({ sinceMs: t(1), untilMs: t(3) })).map((r) => r.traceId), ['t1', 't2']);
    assert.deepEqual((await ledger.read({ sinceMs: t(4) })).map((r) => r.traceId), ['t4']);
  });

  it('rejects an invalid record naming the field, and writes nothing', async () => {
    const file = join(dir, 'usage.jsonl');
    const ledger = openLedger(file);
    await ledger.append(record(1));
    const bad = { ...record(2), usage: { inputTokens: -1, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } };
    await assert.rejects(ledger.append(bad), /usage\.inputTokens/);
    await ledger.append(record(3));
    assert.deepEqual((await ledger.read()).map((r) => r.traceId), ['t1', 't3']);
  });
});
