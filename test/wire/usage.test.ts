/**
 * Honest numbers: usage is recorded as the provider reported it, counted locally (and marked
 * "estimated") when it reported none, and "unknown" (cost null) when what it sent cannot be
 * right — never $0 for a paid model. Real SDKs against the fake server, through the real core.
 */
import assert from 'node:assert/strict';
import type { AppServices } from '../../src/core/app';
import type { Logger } from '../../src/core/logger';
import type { RouteRequest } from '../../src/core/router/types';
import { useWireFixture } from '../support/wireFixture';

describe('usage and cost when the provider reports none, part, or nonsense', function () {
  this.timeout(30_000);
  const fx = useWireFixture('usage');
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
  });

  async function build(route: string[]) {
    const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
    return fx.core(
      {
        providers: { oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl }, an: { kind: 'anthropic', baseUrl: fx.fake.anthropicBaseUrl } },
        models: { mini: { provider: 'oa', id: 'gpt-4.1-mini' }, sonnet: { provider: 'an', id: 'claude-sonnet-4-6' } },
        routes: { chat: route },
        router: { maxRetries: 0, ttftTimeoutMs: { default: 2000 }, requestTimeoutMs: 5000 },
      },
      { logger },
    );
  }

  const ask = (extra: Partial<RouteRequest> = {}): RouteRequest => ({
    task: 'chat',
    request: { messages: [{ role: 'user', content: 'Explain the retry policy of this module in two sentences, please.' }] },
    ...extra,
  });

  async function lastRecord(core: AppServices) {
    await core.ledger.flush?.();
    const records = await core.ledger.read();
    return records[records.length - 1];
  }

  it('a successful OpenAI call with no usage chunk is counted locally, marked estimated, not $0', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'text', text: 'It retries twice with backoff.', omitUsage: true }]);
    const core = await build(['mini']);
    const result = await core.router.complete(ask());
    assert.equal(result.status, 'ok');
    assert.equal(result.usageSource, 'estimated');
    assert.ok(result.usage.inputTokens > 0 && result.usage.outputTokens > 0, JSON.stringify(result.usage));
    assert.ok(result.costUsd !== null && result.costUsd > 0, `cost ${result.costUsd}`);
    const record = await lastRecord(core);
    assert.equal(record.usageSource, 'estimated');
    assert.equal(record.costUsd, result.costUsd);
  });

  it('a stream cut after text records the tokens it used (estimated), not $0', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'text', chunks: ['It ', 'retries ', 'twice.'], disconnectAfterChunks: 2 }]);
    const core = await build(['mini']);
    const result = await core.router.complete(ask());
    assert.equal(result.status, 'error');
    assert.equal(result.text, 'It retries ');
    assert.equal(result.usageSource, 'estimated');
    assert.ok(result.costUsd !== null && result.costUsd > 0, `cost ${result.costUsd}`);
    assert.equal((await lastRecord(core)).costUsd, result.costUsd);
  });

  it('an Anthropic stream cancelled after message_start records the usage it reported', async () => {
    fx.fake.script('claude-sonnet-4-6', [{ type: 'text', chunks: ['never'], hangAfterChunks: 0, usage: { inputTokens: 8000, outputTokens: 0, cacheReadTokens: 5000, cacheWriteTokens: 2000 } }]);
    const core = await build(['sonnet']);
    const controller = new AbortController();
    const pending = core.router.complete(ask({ signal: controller.signal }));
    await fx.fake.waitFor(() => fx.fake.requests.length === 1 && fx.fake.requests[0].outcome === 'pending');
    await new Promise((r) => setTimeout(r, 100)); // message_start reaches the client
    controller.abort();
    const result = await pending;
    assert.equal(result.status, 'cancelled');
    assert.equal(result.usage.cacheReadTokens, 5000);
    assert.equal(result.usage.cacheWriteTokens, 2000);
    assert.equal(result.usage.inputTokens, 8000);
    // sonnet per 1M: $3 input, $0.30 cache read, $3.75 cache write → 1000·3 + 5000·0.3 + 2000·3.75 = $0.012
    assert.ok(result.costUsd !== null && result.costUsd >= 0.012, `cost ${result.costUsd}`);
    assert.equal((await lastRecord(core)).usage.cacheReadTokens, 5000);
  });

  it('a compatible server that rejects stream_options: sent again without it, usage counted locally and marked', async () => {
    fx.fake.script('gpt-4.1-mini', [
      { type: 'invalid_request', message: 'Unrecognized request argument supplied: stream_options' },
      { type: 'text', text: 'Fine.' },
    ]);
    const core = await build(['mini']);
    const result = await core.router.complete(ask());
    assert.equal(result.status, 'ok');
    assert.equal(fx.fake.requests.length, 2);
    assert.equal(fx.fake.requests[1].body.stream_options, undefined);
    assert.equal(result.usageSource, 'estimated');
    assert.ok(result.costUsd !== null && result.costUsd > 0);
  });

  it('numeric strings are read as numbers, not concatenated', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'text', text: 'ok', wireUsage: { prompt_tokens: '1000', completion_tokens: '10', prompt_tokens_details: { cached_tokens: '0' } } }]);
    const core = await build(['mini']);
    const result = await core.router.complete(ask());
    assert.deepEqual(result.usage, { inputTokens: 1000, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.equal(result.usageSource, 'reported');
    // gpt-4.1-mini per 1M: $0.40 input, $1.60 output
    assert.ok(Math.abs(result.costUsd! - (1000 * 0.4 + 10 * 1.6) / 1e6) < 1e-12, `cost ${result.costUsd}`);
  });

  it('Anthropic numeric strings in message_start are read as numbers', async () => {
    fx.fake.script('claude-sonnet-4-6', [{ type: 'text', text: 'ok', wireUsage: { input_tokens: '1000', cache_read_input_tokens: '0', cache_creation_input_tokens: '0' } }]);
    const core = await build(['sonnet']);
    const result = await core.router.complete(ask());
    assert.equal(result.usage.inputTokens, 1000);
    assert.equal(result.usageSource, 'reported');
  });

  for (const [name, wireUsage] of [
    ['negative', { prompt_tokens: -500, completion_tokens: 10 }],
    ['absurd (1e15)', { prompt_tokens: 1e15, completion_tokens: 10 }],
    ['not a number', { prompt_tokens: 'lots', completion_tokens: 10 }],
  ] as const) {
    it(`${name} usage is refused with a warning: cost unknown (null), the ledger keeps the record`, async () => {
      fx.fake.script('gpt-4.1-mini', [{ type: 'text', text: 'ok', wireUsage }]);
      const core = await build(['mini']);
      const result = await core.router.complete(ask());
      assert.equal(result.status, 'ok');
      assert.equal(result.costUsd, null);
      assert.equal(result.usageSource, 'unknown');
      assert.ok(warnings.some((w) => /prompt_tokens/.test(w) && /unknown/.test(w)), warnings.join('\n'));
      const record = await lastRecord(core);
      assert.equal(record.traceId, result.traceId, 'the ledger accepted the record');
      assert.equal(record.costUsd, null);
      assert.equal(record.usageSource, 'unknown');
    });
  }
});
