/** Cost-control figures from ledger records, and which model a spend cap switches to. */
import assert from 'node:assert/strict';
import { capGuardFor, cheaperModel, type CapPrompt } from '../../src/core/chat/spendCap';
import type { Conversation } from '../../src/core/chat/types';
import { parseConfig, type Price } from '../../src/core/config/schema';
import { cacheByDay, cacheByModel, providerDrift } from '../../src/core/cost/costControlReport';
import type { LedgerRecord } from '../../src/core/cost/types';

// Reports name models by their config name (as Chat and Traces do).
const rec = (over: Partial<LedgerRecord>): LedgerRecord => ({
  v: 1, traceId: 't', time: '2026-11-24T10:00:00.000Z', feature: 'chat', task: 'chat', route: [], model: 'a', modelId: 'model-a', attempts: [],
  usage: { inputTokens: 1000, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.01, status: 'ok', latencyMs: 1, ...over,
});

describe('cost control report', () => {
  it('cache hit rate and savings per model and per day (exact sums)', () => {
    const rows = [
      rec({ usage: { inputTokens: 1000, outputTokens: 1, cacheReadTokens: 900, cacheWriteTokens: 0 }, cacheSavingsUsd: 0.1 }),
      rec({ usage: { inputTokens: 1000, outputTokens: 1, cacheReadTokens: 100, cacheWriteTokens: 50 }, cacheSavingsUsd: 0.2, time: '2026-11-25T10:00:00.000Z' }),
      rec({ model: 'b', modelId: 'model-b', usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 } }),
    ];
    assert.deepEqual(cacheByModel(rows), [{ key: 'a', inputTokens: 2000, cacheReadTokens: 1000, cacheWriteTokens: 50, hitRate: 0.5, savingsUsd: 0.3 }]);
    assert.deepEqual(cacheByDay(rows).map((r) => [r.hitRate, r.savingsUsd]), [[0.9, 0.1], [0.1, 0.2]]);
  });

  it('drift per model over calls with both figures; flagged above 2%', () => {
    const rows = [
      rec({ costUsd: 0.01, providerCostUsd: 0.0102 }),
      rec({ costUsd: 0.01 }),
      rec({ model: 'b', modelId: 'model-b', costUsd: 0.01, providerCostUsd: 0.0103 }),
      rec({ model: 'c', modelId: 'model-c', costUsd: null, providerCostUsd: 0.5 }),
    ];
    const d = providerDrift(rows);
    assert.deepEqual(d.map((r) => [r.model, r.calls, r.flagged]), [['b', 1, true], ['a', 1, false]]);
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

  it('a local copy of a hosted model is the cheaper one: it costs $0, not the catalog price of its id', async () => {
    const withLocal = parseConfig({
      providers: { oa: { kind: 'openai' }, box: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' } },
      models: { hosted: { provider: 'oa', id: 'gpt-4.1' }, copy: { provider: 'box', id: 'gpt-4.1' } },
      routes: { chat: ['hosted'] },
      cost: { maxTurnUsd: 0.01 },
    });
    const catalog = { priceFor: (id: string) => (id === 'gpt-4.1' ? { inputPerMTok: 2, outputPerMTok: 8 } : undefined) };
    const asked: CapPrompt[] = [];
    const guard = capGuardFor({ id: 'c1', title: 't', messages: [], createdAt: 0, updatedAt: 0 } as unknown as Conversation, { config: withLocal, catalog }, async (p) => {
      asked.push(p);
      return 'stop';
    }, () => {});
    await guard!.beforeModelCall(0.02, new AbortController().signal);
    assert.equal(asked[0]?.cheaperModel, 'copy');
  });
});

describe('price import (LiteLLM model-prices JSON)', () => {
  // Imported here so the suite above stays independent of the file system.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadPriceFile } = require('../../src/core/cost/priceImport') as typeof import('../../src/core/cost/priceImport');
  const fixture = require('node:path').join(__dirname, '..', 'fixtures', 'prices', 'litellm-sample.json') as string;

  it('converts USD per token to per 1M, cache prices included; skips entries without token prices', () => {
    const got = loadPriceFile(fixture);
    assert.equal(got.format, 'litellm');
    assert.deepEqual(got.prices['gpt-4.1-mini'], { inputPerMTok: 0.5, outputPerMTok: 2, cacheReadPerMTok: 0.125 });
    assert.deepEqual(got.prices['claude-sonnet-4-5'], { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 });
    assert.deepEqual(got.prices['openrouter/acme/new-model'], { inputPerMTok: 1.1, outputPerMTok: 4.4 });
    assert.deepEqual(got.skipped.sort(), ['dall-e-3', 'sample_spec']);
  });

  it('a missing or malformed file is a clear error naming the file and the fix', () => {
    assert.throws(() => loadPriceFile('/nonexistent/prices.json'), /Cannot read the price file \/nonexistent\/prices\.json \(switchyard\.cost\.pricesFile\): the file does not exist\. Point switchyard\.cost\.pricesFile at/);
  });
});

describe('switchyard.cost.pricesFile', () => {
  it('the core prices calls from the file; an unreadable file is logged and the built-in catalog stays', () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { priceOverrides } = require('../../src/core/app') as typeof import('../../src/core/app');
    const { PriceCatalog } = require('../../src/core/cost/catalog') as typeof import('../../src/core/cost/catalog');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const fixture = require('node:path').join(__dirname, '..', 'fixtures', 'prices', 'litellm-sample.json') as string;
    const logged: string[] = [];
    const logger = { debug() {}, info: (m: string) => void logged.push(m), warn() {}, error: (m: string) => void logged.push(`ERROR ${m}`) };
    const config = parseConfig({ cost: { pricesFile: fixture }, prices: { 'claude-sonnet-4-5': { inputPerMTok: 2, outputPerMTok: 10 } } });
    const catalog = new PriceCatalog(undefined, priceOverrides(config, logger));
    assert.equal(catalog.priceFor('gpt-4.1-mini')?.inputPerMTok, 0.5, 'from the file');
    assert.equal(catalog.priceFor('claude-sonnet-4-5')?.inputPerMTok, 2, 'switchyard.prices wins over the file');
    assert.match(logged[0]!, /3 model\(s\) from .*litellm-sample\.json \(litellm format, 2 entries without token prices skipped\)/);
    assert.deepEqual(priceOverrides(parseConfig({ cost: { pricesFile: '/nonexistent.json' } }), logger), {});
    assert.match(logged[1]!, /^ERROR Cannot read the price file \/nonexistent\.json .* Using the built-in price catalog\.$/);
  });
});
