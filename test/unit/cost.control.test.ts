/** Cost-control figures from ledger records, and which model a spend cap switches to. */
import assert from 'node:assert/strict';
import { cheaperModel } from '../../src/core/chat/spendCap';
import { parseConfig, type Price } from '../../src/core/config/schema';
import { cacheByDay, cacheByModel, providerDrift } from '../../src/core/cost/costControlReport';
import type { LedgerRecord } from '../../src/core/cost/types';

const rec = (over: Partial<LedgerRecord>): LedgerRecord => ({
  v: 1, traceId: 't', time: '2026-11-24T10:00:00.000Z', feature: 'chat', task: 'chat', route: [], model: 'm', modelId: 'model-a', attempts: [],
  usage: { inputTokens: 1000, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.01, status: 'ok', latencyMs: 1, ...over,
});

describe('cost control report', () => {
  it('cache hit rate and savings per model and per day (exact sums)', () => {
    const rows = [
      rec({ usage: { inputTokens: 1000, outputTokens: 1, cacheReadTokens: 900, cacheWriteTokens: 0 }, cacheSavingsUsd: 0.1 }),
      rec({ usage: { inputTokens: 1000, outputTokens: 1, cacheReadTokens: 100, cacheWriteTokens: 50 }, cacheSavingsUsd: 0.2, time: '2026-11-25T10:00:00.000Z' }),
      rec({ modelId: 'model-b', usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } }),
    ];
    assert.deepEqual(cacheByModel(rows), [{ key: 'model-a', inputTokens: 2000, cacheReadTokens: 1000, cacheWriteTokens: 50, hitRate: 0.5, savingsUsd: 0.3 }]);
    assert.deepEqual(cacheByDay(rows).map((r) => [r.hitRate, r.savingsUsd]), [[0.9, 0.1], [0.1, 0.2]]);
  });

  it('drift per model over calls with both figures; flagged above 2%', () => {
    const rows = [
      rec({ costUsd: 0.01, providerCostUsd: 0.0102 }),
      rec({ costUsd: 0.01 }),
      rec({ modelId: 'model-b', costUsd: 0.01, providerCostUsd: 0.0103 }),
      rec({ modelId: 'model-c', costUsd: null, providerCostUsd: 0.5 }),
    ];
    const d = providerDrift(rows);
    assert.deepEqual(d.map((r) => [r.model, r.calls, r.flagged]), [['model-b', 1, true], ['model-a', 1, false]]);
    assert.ok(Math.abs(d[0]!.drift! - 0.03) < 1e-9);
  });
});

describe('spend cap: the cheaper model', () => {
  const config = parseConfig({
    providers: { p: { kind: 'openai-compatible' } },
    models: { big: { provider: 'p', id: 'big' }, mid: { provider: 'p', id: 'mid' }, small: { provider: 'p', id: 'small' }, unknown: { provider: 'p', id: 'u' } },
    routes: { chat: ['big'] },
  });
  const prices: Record<string, Price> = { big: { inputPerMTok: 10, outputPerMTok: 30 }, mid: { inputPerMTok: 1, outputPerMTok: 3 }, small: { inputPerMTok: 0.1, outputPerMTok: 0.3 } };
  const priceOf = (n: string) => prices[n];
  it('is the cheapest configured model strictly cheaper than the current one; none below the cheapest', () => {
    assert.equal(cheaperModel(config, undefined, priceOf), 'small', 'the route head "big" → cheapest');
    assert.equal(cheaperModel(config, 'mid', priceOf), 'small');
    assert.equal(cheaperModel(config, 'small', priceOf), undefined);
  });
});
