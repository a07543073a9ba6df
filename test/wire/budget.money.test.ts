/**
 * The money paths through the real core (createCoreServices: real router, real BudgetTracker, real
 * JSONL ledger, real SDKs against the fake server): spending reaches the limit and the next paid
 * call is refused; spend recorded before a restart still counts after it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEDGER_FILE } from '../../src/core/app';
import type { ConfigInput } from '../../src/core/config/schema';
import type { LedgerRecord } from '../../src/core/cost/types';
import { useWireFixture } from '../support/wireFixture';

describe('budget through the real core: real spend, real ledger', function () {
  this.timeout(30_000);
  const fx = useWireFixture('money');

  // gpt-4.1-mini: $0.40 in / $1.60 out per 1M → 100k in + 10k out = $0.056 a call.
  const config = (dailyUsd: number): ConfigInput => ({
    providers: { oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl } },
    models: { mini: { provider: 'oa', id: 'gpt-4.1-mini' } },
    routes: { chat: ['mini'] },
    budget: { dailyUsd, onExceed: 'block' },
  });
  const ask = { task: 'chat', request: { messages: [{ role: 'user' as const, content: 'hi' }] } };
  const expensive = { type: 'text' as const, text: 'answer', usage: { inputTokens: 100_000, outputTokens: 10_000 } };

  // Every core of a test shares its folder: a restart reads the ledger the last core wrote.
  const build = (dailyUsd: number) => fx.core(config(dailyUsd));

  it('real spending reaches the daily limit and the next paid call is refused before any request', async () => {
    fx.fake.setDefault('gpt-4.1-mini', expensive);
    const core = await build(0.1);
    const first = await core.router.complete(ask);
    assert.equal(first.status, 'ok');
    assert.ok(Math.abs(first.costUsd! - 0.056) < 1e-9, `cost ${first.costUsd}`);
    assert.equal(core.budget.state().level, 'ok');
    const second = await core.router.complete(ask);
    assert.equal(second.status, 'ok');
    assert.equal(core.budget.state().level, 'exceeded', 'two calls ($0.112) pass the $0.10 limit');
    const sent = fx.fake.requests.length;
    const third = await core.router.complete(ask);
    assert.equal(third.status, 'error');
    assert.equal(third.error?.kind, 'budget');
    assert.match(third.error!.message, /Daily budget exceeded/);
    assert.equal(fx.fake.requests.length, sent, 'the refused call sent nothing');
  });

  it('spend survives a restart: a ledger filled before start blocks the first paid call', async () => {
    const now = new Date().toISOString();
    const record = (i: number): LedgerRecord => ({
      v: 1, traceId: `t${i}`, time: now, feature: 'chat', task: 'chat', route: ['mini'], model: 'mini', modelId: 'gpt-4.1-mini', provider: 'oa',
      attempts: [{ model: 'mini', modelId: 'gpt-4.1-mini', provider: 'oa', status: 'ok', latencyMs: 10 }],
      usage: { inputTokens: 100_000, outputTokens: 10_000, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.056, status: 'ok', latencyMs: 10,
    });
    writeFileSync(join(fx.testDir, LEDGER_FILE), `${[record(1), record(2)].map((r) => JSON.stringify(r)).join('\n')}\n`);
    const core = await build(0.1);
    await core.budget.ready(); // loading is lazy: the status bar and the router's gate wait for it
    assert.equal(core.budget.state().level, 'exceeded');
    assert.ok(Math.abs(core.budget.state().dailySpentUsd - 0.112) < 1e-9);
    const result = await core.router.complete(ask);
    assert.equal(result.error?.kind, 'budget');
    assert.equal(fx.fake.requests.length, 0);
  });

  it('spend made by one core is seen by the next one on the same data directory', async () => {
    fx.fake.setDefault('gpt-4.1-mini', expensive);
    const before = await build(0.1);
    await before.router.complete(ask);
    await before.router.complete(ask);
    await before.dispose();
    const after = await build(0.1);
    await after.budget.ready();
    assert.equal(after.budget.state().level, 'exceeded');
    assert.equal((await after.router.complete(ask)).error?.kind, 'budget');
    assert.equal(fx.fake.requests.length, 2);
  });
});
