import assert from 'node:assert/strict';
import { PriceCatalog } from '../../src/core/cost/catalog';
import { femtoToUsd, formatUsd, sumUsd, usdToFemto } from '../../src/core/cost/money';
import { billableTokens, computeCost } from '../../src/core/cost/pricing';
import type { Usage } from '../../src/core/models/types';

const catalog = new PriceCatalog();

describe('cost: computeCost', () => {
  it('Anthropic usage (input 100 + cache read 2000 + cache write 500, output 300) at claude-sonnet-4-5 prices', () => {
    // Anthropic reports input_tokens without the cache parts; normalised inputTokens includes them.
    const anthropic = { input_tokens: 100, cache_read_input_tokens: 2000, cache_creation_input_tokens: 500, output_tokens: 300 };
    const usage: Usage = {
      inputTokens: anthropic.input_tokens + anthropic.cache_read_input_tokens + anthropic.cache_creation_input_tokens,
      cacheReadTokens: anthropic.cache_read_input_tokens,
      cacheWriteTokens: anthropic.cache_creation_input_tokens,
      outputTokens: anthropic.output_tokens,
    };
    // 100×$3 + 2000×$0.30 + 500×$3.75 + 300×$15 per 1M = $0.0003 + $0.0006 + $0.001875 + $0.0045
    const cost = computeCost(usage, catalog.priceFor('claude-sonnet-4-5-20250929'));
    assert.equal(cost.costUsd, 0.007275);
    // Cache reads saved 2000 × ($3 − $0.30) / 1M.
    assert.equal(cost.cacheSavingsUsd, 0.0054);
    assert.equal(formatUsd(cost.costUsd), '$0.007275');
  });

  it('OpenAI usage (prompt 2100 incl. cached 2000, completion 300) at gpt-4.1 prices', () => {
    const openai = { prompt_tokens: 2100, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 2000 } };
    const usage: Usage = {
      inputTokens: openai.prompt_tokens,
      cacheReadTokens: openai.prompt_tokens_details.cached_tokens,
      cacheWriteTokens: 0,
      outputTokens: openai.completion_tokens,
    };
    // 100×$2 + 2000×$0.50 + 300×$8 per 1M = $0.0002 + $0.001 + $0.0024
    const cost = computeCost(usage, catalog.priceFor('gpt-4.1-2025-04-14'));
    assert.equal(cost.costUsd, 0.0036);
    assert.equal(cost.cacheSavingsUsd, 0.003);
    assert.deepEqual(billableTokens(usage), { uncachedInput: 100, cacheRead: 2000, cacheWrite: 0, output: 300 });
  });

  it('same OpenAI usage at gpt-4o-mini: cached tokens at half price, to the nano-dollar', () => {
    const usage: Usage = { inputTokens: 2100, cacheReadTokens: 2000, cacheWriteTokens: 0, outputTokens: 300 };
    // 100×0.15 + 2000×0.075 + 300×0.6 = 15 + 150 + 180 = 345 µ$ … per 1M tokens → $0.000345
    assert.deepEqual(computeCost(usage, catalog.priceFor('gpt-4o-mini')), { costUsd: 0.000345, cacheSavingsUsd: 0.00015 });
  });

  it('no float drift: results equal the exact decimal', () => {
    const price = { inputPerMTok: 0.1, outputPerMTok: 0.2 };
    // Naive float: 3 × 0.1 / 1e6 + 3 × 0.2 / 1e6 = 9.000000000000001e-7.
    assert.equal(computeCost({ inputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 3 }, price).costUsd, 9e-7);
    assert.equal(computeCost({ inputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0 }, { inputPerMTok: 0.075, outputPerMTok: 0 }).costUsd, 7.5e-8);
    // Large volumes stay exact too.
    assert.equal(computeCost({ inputTokens: 1_234_567_890, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 987_654_321 }, catalog.priceFor('gpt-4o')).costUsd, 12962.962935); // 3086.419725 + 9876.54321
  });

  it('cache prices fall back to the input price when the catalog has none', () => {
    const usage: Usage = { inputTokens: 1000, cacheReadTokens: 400, cacheWriteTokens: 100, outputTokens: 0 };
    const price = catalog.priceFor('gpt-4o-2024-05-13'); // $5 input, no cache prices
    assert.equal(price!.cacheReadPerMTok, undefined);
    assert.deepEqual(computeCost(usage, price), { costUsd: 0.005, cacheSavingsUsd: 0 });
  });

  it('unknown price → null cost (never $0); a free local model → $0', () => {
    const usage: Usage = { inputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 10 };
    assert.deepEqual(computeCost(usage, catalog.priceFor('my-finetune')), { costUsd: null, cacheSavingsUsd: null });
    assert.deepEqual(computeCost(usage, catalog.priceFor('qwen2.5-coder:7b')), { costUsd: 0, cacheSavingsUsd: 0 });
  });

  it('inconsistent usage (cache parts larger than input) never bills negative input', () => {
    const cost = computeCost({ inputTokens: 10, cacheReadTokens: 50, cacheWriteTokens: 0, outputTokens: 0 }, { inputPerMTok: 1, outputPerMTok: 1, cacheReadPerMTok: 0.1 });
    assert.equal(cost.costUsd, 0.000005);
  });
});

describe('cost: money', () => {
  it('sums exactly', () => {
    assert.equal(sumUsd([0.1, 0.2]), 0.3);
    assert.equal(sumUsd([0.007275, 0.0036, null, 0.000345]), 0.01122);
    assert.equal(sumUsd(Array.from({ length: 1000 }, () => 0.0001)), 0.1);
  });

  it('round-trips femto-dollars, exponents and negatives', () => {
    assert.equal(usdToFemto(0.1), 100_000_000_000_000n);
    assert.equal(usdToFemto(1.5e-7), 150_000_000n);
    assert.equal(usdToFemto(-2), -2_000_000_000_000_000n);
    assert.equal(usdToFemto(1e-16), 0n);
    assert.equal(femtoToUsd(usdToFemto(123.456789)), 123.456789);
    assert.throws(() => usdToFemto(Number.NaN), RangeError);
    // Both conversion paths: nano-dollar fast path, and the decimal-string path for the rest.
    assert.equal(usdToFemto(1e-9), 1_000_000n);
    assert.equal(usdToFemto(0.1 + 0.2), 300_000_000_000_000n); // 0.30000000000000004 → rounded at 1e-15
    assert.equal(usdToFemto(1_234_567.891), 1_234_567_891_000_000_000_000n);
    assert.equal(usdToFemto(1.23456789012e-10), 123_457n);
    assert.equal(femtoToUsd(12_345_678_901_234_567_890_123n), 12_345_678.901234567890123);
    assert.equal(femtoToUsd(-7n), -7e-15);
  });

  it('formats for display', () => {
    assert.equal(formatUsd(null), 'unknown');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(12.5), '$12.50');
    assert.equal(formatUsd(0.5), '$0.50');
    assert.equal(formatUsd(0.0123456), '$0.01235');
    assert.equal(formatUsd(0.000001), '$0.000001');
  });
});
