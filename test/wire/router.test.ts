/**
 * The router end to end over the wire: the real openai and @anthropic-ai/sdk clients talk to the
 * local fake server, which injects the faults real providers produce. Each case asserts the
 * attempts and their reasons, the final text, and the ledger record and trace the call left.
 */
import assert from 'node:assert/strict';
import type { RouterEvent } from '../../src/core/router/types';
import { useWireFixture } from '../support/wireFixture';

describe('router over the wire (real SDKs, fake provider server)', function () {
  this.timeout(30_000);
  const fx = useWireFixture('router');

  async function build(routes: Record<string, string[]>, router: Record<string, unknown> = {}) {
    const core = await fx.core({
      providers: {
        oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl },
        an: { kind: 'anthropic', baseUrl: fx.fake.anthropicBaseUrl },
      },
      models: {
        sonnet: { provider: 'an', id: 'claude-sonnet-4-6', contextWindow: 200_000 },
        mini: { provider: 'oa', id: 'gpt-4.1-mini' },
        nano: { provider: 'oa', id: 'gpt-4.1-nano', contextWindow: 8000 },
        big: { provider: 'oa', id: 'gpt-4.1', contextWindow: 1_000_000 },
        embed: { provider: 'oa', id: 'text-embedding-3-small' },
      },
      routes,
      router: { backoffBaseMs: 5, backoffMaxMs: 20, retryAfterCapMs: 2000, ttftTimeoutMs: { default: 800 }, requestTimeoutMs: 3000, ...router },
    });
    return { router: core.router, ledger: core.ledger, store: core.traceStore };
  }

  const question = { task: 'chat', request: { messages: [{ role: 'user' as const, content: 'What does this do?' }], maxTokens: 200 } };

  async function drain(s: AsyncIterable<RouterEvent>) {
    const events: RouterEvent[] = [];
    for await (const e of s) events.push(e);
    return events;
  }

  it('streams text with usage and cost from Anthropic, and records ledger + trace', async () => {
    fx.fake.script('claude-sonnet-4-6', [{ type: 'text', chunks: ['Hello', ' there'], usage: { inputTokens: 2600, outputTokens: 2, cacheReadTokens: 2000, cacheWriteTokens: 500 } }]);
    const { router, ledger, store } = await build({ chat: ['sonnet', 'mini'] });
    const s = router.stream(question);
    const events = await drain(s);
    const result = await s.result;
    assert.equal(result.text, 'Hello there');
    assert.deepEqual(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text), ['Hello', ' there']);
    assert.deepEqual(result.usage, { inputTokens: 2600, outputTokens: 2, cacheReadTokens: 2000, cacheWriteTokens: 500 });
    // sonnet: $3 in, $15 out, $0.30 cache read, $3.75 cache write per 1M
    const expected = (100 * 3 + 2 * 15 + 2000 * 0.3 + 500 * 3.75) / 1e6;
    assert.ok(result.costUsd !== null && Math.abs(result.costUsd - expected) < 1e-12, `cost ${result.costUsd} vs ${expected}`);
    const [record] = await ledger.read();
    assert.equal(record.traceId, result.traceId);
    assert.equal(record.model, 'sonnet');
    assert.equal(record.usage.cacheReadTokens, 2000);
    const trace = (await store.find(result.traceId))!;
    const attempt = trace.spans.find((sp) => sp.parentSpanId)!;
    assert.equal(attempt.attributes['gen_ai.request.model'], 'claude-sonnet-4-6');
    assert.equal(attempt.attributes['gen_ai.usage.output_tokens'], 2);
  });

  it('retries a 429 with a short Retry-After on the same model', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'rate_limit', retryAfterMs: 50 }, { type: 'text', text: 'ok after wait' }]);
    const { router } = await build({ chat: ['mini', 'nano'] });
    const result = await router.complete(question);
    assert.equal(result.text, 'ok after wait');
    assert.deepEqual(result.attempts.map((a) => [a.model, a.status, a.errorClass]), [['mini', 'error', 'rate_limit'], ['mini', 'ok', undefined]]);
    assert.equal(fx.fake.count({ model: 'gpt-4.1-nano' }), 0);
  });

  it('moves on when Retry-After is longer than the cap', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'rate_limit', retryAfter: '60' }]);
    const { router } = await build({ chat: ['mini', 'nano'] });
    const result = await router.complete(question);
    assert.equal(result.model, 'nano');
    assert.match(result.attempts[0].reason ?? '', /Retry-After 60 s is longer than/);
  });

  it('retries 500 and 503, then falls back after repeated 5xx', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'server_error', status: 500 }, { type: 'server_error', status: 503 }, { type: 'server_error', status: 503 }]);
    const { router, ledger } = await build({ chat: ['mini', 'sonnet'] });
    const result = await router.complete(question);
    assert.equal(result.model, 'sonnet');
    assert.deepEqual(result.attempts.map((a) => [a.model, a.errorClass ?? 'ok', a.httpStatus ?? 0]), [['mini', 'server', 500], ['mini', 'server', 503], ['mini', 'server', 503], ['sonnet', 'ok', 0]]);
    assert.match(result.attempts[2].reason ?? '', /repeated server errors/);
    assert.equal((await ledger.read())[0].attempts.length, 4);
  });

  it('falls back from an overloaded (529) Anthropic model to OpenAI', async () => {
    fx.fake.script('claude-sonnet-4-6', [{ type: 'overloaded' }]);
    const { router } = await build({ chat: ['sonnet', 'mini'] });
    const s = router.stream(question);
    const events = await drain(s);
    const result = await s.result;
    assert.equal(result.text, 'Hello from gpt-4.1-mini.');
    assert.equal(result.attempts[0].errorClass, 'overloaded');
    const fallback = events.find((e) => e.type === 'fallback');
    assert.deepEqual(fallback && { from: (fallback as { from: string }).from, to: (fallback as { to: string }).to }, { from: 'sonnet', to: 'mini' });
  });

  it('falls back when the first model hangs before the first byte (TTFT timeout) and aborts the hung request', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'hang' }]);
    const { router } = await build({ chat: ['mini', 'nano'] });
    const result = await router.complete(question);
    assert.equal(result.model, 'nano');
    assert.equal(result.attempts[0].errorClass, 'ttft_timeout');
    await fx.fake.waitFor(() => fx.fake.requests.find((r) => r.model === 'gpt-4.1-mini')?.outcome === 'aborted');
  });

  it('never restarts a stream that hung after delivering text; the partial text is kept', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'text', chunks: ['partial', ' answer', ' more'], hangAfterChunks: 2 }]);
    const { router } = await build({ chat: ['mini', 'nano'] }, { requestTimeoutMs: 600 });
    const result = await router.complete(question);
    assert.equal(result.status, 'error');
    assert.equal(result.text, 'partial answer');
    assert.equal(result.attempts.length, 1);
    assert.equal(result.error?.kind, 'timeout');
    assert.equal(fx.fake.count({ model: 'gpt-4.1-nano' }), 0);
  });

  it('does not fall back after a mid-stream disconnect once text was delivered', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'text', chunks: ['one', ' two', ' three'], disconnectAfterChunks: 1 }]);
    const { router } = await build({ chat: ['mini', 'nano'] });
    const result = await router.complete(question);
    assert.equal(result.status, 'error');
    assert.equal(result.text, 'one');
    assert.equal(fx.fake.count({ model: 'gpt-4.1-nano' }), 0);
    assert.match(result.attempts[0].reason ?? '', /not restarted on another model/);
  });

  it('reports a malformed SSE line as an error, not as success', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'text', chunks: ['a'], malformedAfterChunks: 1 }]);
    const { router } = await build({ chat: ['mini'] });
    const result = await router.complete(question);
    assert.equal(result.status, 'error');
    assert.ok(result.error);
  });

  for (const variant of ['openai', 'vllm_context_length'] as const) {
    it(`moves to a larger-context model on a context-length error (${variant} body)`, async () => {
      fx.fake.script('gpt-4.1-nano', [variant === 'openai' ? { type: 'context_length' } : { type: 'context_length', variant }]);
      const { router } = await build({ chat: ['nano', 'mini', 'big'] });
      const result = await router.complete(question);
      assert.equal(result.attempts[0].errorClass, 'context_window');
      assert.equal(result.model, 'mini', 'mini has a larger catalog context window than nano\'s 8000');
    });
  }
  it('a context-length error from Anthropic moves on too', async () => {
    fx.fake.script('claude-sonnet-4-6', [{ type: 'context_length' }]);
    const { router } = await build({ chat: ['sonnet', 'big'] });
    const result = await router.complete(question);
    assert.equal(result.attempts[0].errorClass, 'context_window');
    assert.equal(result.model, 'big');
  });

  it('a rejected key (401) names the provider, moves to another provider, and is skipped on the next call', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'auth' }]);
    const { router } = await build({ chat: ['mini', 'sonnet'] });
    const first = await router.complete(question);
    assert.equal(first.model, 'sonnet');
    assert.equal(first.attempts[0].errorClass, 'auth');
    assert.match(first.attempts[0].reason ?? '', /oa/);
    assert.doesNotMatch(JSON.stringify(first), /sk-test-fake-key/);
    const second = await router.complete(question);
    assert.deepEqual(second.attempts.map((a) => a.status), ['skipped', 'ok']);
    assert.equal(fx.fake.count({ model: 'gpt-4.1-mini' }), 1);
  });

  it('stops on a 400 invalid request with a clear message and no fallback', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'invalid_request', message: "Invalid value for 'temperature'" }]);
    const { router } = await build({ chat: ['mini', 'nano'] });
    const result = await router.complete(question);
    assert.equal(result.status, 'error');
    assert.equal(result.error?.kind, 'invalid_request');
    assert.match(result.error?.message ?? '', /temperature/);
    assert.equal(fx.fake.count({ model: 'gpt-4.1-nano' }), 0);
  });

  it('lists every attempt when all candidates fail', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'overloaded' }]);
    fx.fake.script('claude-sonnet-4-6', [{ type: 'overloaded' }]);
    const { router, ledger } = await build({ chat: ['mini', 'sonnet'] });
    const result = await router.complete(question);
    assert.equal(result.status, 'error');
    assert.match(result.error?.message ?? '', /^Every candidate for task "chat" failed:\n- mini \(oa\): OpenAI is overloaded \(529\)\.\n- sonnet \(an\): Anthropic is overloaded \(529\)\.$/);
    assert.equal((await ledger.read())[0].status, 'error');
  });

  it('cancels through the AbortSignal: the HTTP request is aborted and the call is recorded as cancelled', async () => {
    fx.fake.script('gpt-4.1-mini', [{ type: 'text', chunks: ['a', 'b', 'c'], chunkDelayMs: 400 }]);
    const { router, ledger } = await build({ chat: ['mini', 'nano'] });
    const controller = new AbortController();
    const s = router.stream({ ...question, signal: controller.signal });
    for await (const e of s) if (e.type === 'text') controller.abort();
    const result = await s.result;
    assert.equal(result.status, 'cancelled');
    await fx.fake.waitFor(() => fx.fake.requests[0]?.outcome === 'aborted');
    assert.equal(fx.fake.count({ model: 'gpt-4.1-nano' }), 0);
    assert.equal((await ledger.read())[0].status, 'cancelled');
  });

  it('embeds through the router with the SDK decoding base64 vectors', async () => {
    const { router, ledger } = await build({ chat: ['mini'], embedding: ['embed'] });
    const { vectors, result } = await router.embed({ inputs: ['alpha beta', 'alpha beta', 'gamma'] });
    assert.equal(vectors.length, 3);
    assert.equal(vectors[0].length, 8);
    assert.deepEqual(vectors[0], vectors[1]);
    assert.notDeepEqual(vectors[0], vectors[2]);
    assert.equal(result.status, 'ok');
    assert.equal((await ledger.read())[0].feature, 'embedding');
  });
});
