/** The Anthropic adapter with the real `@anthropic-ai/sdk` against the fake wire server. */
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/core/logger';
import { AnthropicAdapter } from '../../src/core/models/anthropic';
import { checkBaseUrl } from '../../src/core/models/baseUrl';
import { ModelError, type ErrorClass } from '../../src/core/models/errors';
import { createAdapter } from '../../src/core/models/registry';
import type { ModelAdapter } from '../../src/core/models/types';
import { fixture, type FakeStep } from '../support/fakeServer';
import { drain, resolved } from '../support/fakeServerHelpers';
import { useWireFixture } from '../support/wireFixture';

const KEY = 'sk-ant-test-0123456789abcdef';

describe('Anthropic adapter over the wire', () => {
  const fx = useWireFixture('anthropic');
  let an: ModelAdapter;
  // A current model id: the SDK prints a console warning for deprecated ones.
  const claude = resolved('claude-opus-4-1-test', 'an', 'anthropic', { maxOutputTokens: 2048 });
  const user = [{ role: 'user' as const, content: 'Explain this function' }];

  before(async () => {
    an = createAdapter('an', { kind: 'anthropic', baseUrl: fx.fake.anthropicBaseUrl }, KEY, silentLogger);
  });

  it('streams text; moves system prompts to `system`; sends max_tokens; one finish at the end', async () => {
    fx.fake.script(claude.id, [{ type: 'text', chunks: ['It ', 'adds ', 'numbers.'] }]);
    const r = await drain(an.stream(claude, { messages: [{ role: 'system', content: 'You are terse.' }, { role: 'system', content: 'Use English.' }, ...user] }, new AbortController().signal));
    assert.equal(r.text, 'It adds numbers.');
    assert.equal(r.finish, 'stop');
    const req = fx.fake.requests[0];
    assert.equal(req.path, '/v1/messages');
    assert.equal(req.body.system, 'You are terse.\n\nUse English.');
    assert.equal(req.body.max_tokens, 2048, "the model's maxOutputTokens when the request sets none");
    assert.deepEqual(req.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'Explain this function' }] }]);
    assert.equal(req.body.stream, true);
    assert.ok(req.headers['anthropic-version'], 'the SDK sends anthropic-version');
  });

  it('normalises usage: inputTokens = input_tokens + cache reads + cache writes', async () => {
    fx.fake.script(claude.id, [{ type: 'text', text: 'ok', usage: { inputTokens: 2600, outputTokens: 9, cacheReadTokens: 2000, cacheWriteTokens: 500 } }]);
    const a = await drain(an.stream(claude, { messages: user }, new AbortController().signal));
    assert.deepEqual(a.usage, { inputTokens: 2600, outputTokens: 9, cacheReadTokens: 2000, cacheWriteTokens: 500 });

    // Verbatim wire usage, to prove the sum is the adapter's work: input_tokens excludes the cache.
    fx.fake.script(claude.id, [{ type: 'text', text: 'ok', wireUsage: { input_tokens: 10, cache_read_input_tokens: 90, cache_creation_input_tokens: 5, output_tokens: 3 } }]);
    const b = await drain(an.stream(claude, { messages: user }, new AbortController().signal));
    assert.deepEqual(b.usage, { inputTokens: 105, outputTokens: 3, cacheReadTokens: 90, cacheWriteTokens: 5 });
  });

  it('tools: definitions with input_schema, tool_choice any, tool_use/tool_result history, streamed input_json_delta', async () => {
    fx.fake.script(claude.id, [{
      type: 'tool_calls',
      text: 'Checking.',
      calls: [{ id: 'toolu_1', name: 'read_file', arguments: { path: 'src/a.ts' } }, { id: 'toolu_2', name: 'grep', arguments: { pattern: 'TODO' } }],
      argChunkSize: 4,
    }]);
    const r = await drain(an.stream(claude, {
      messages: [
        ...user,
        { role: 'assistant', content: 'Two lookups.', toolCalls: [{ id: 'toolu_a', name: 'list', arguments: '{"dir":"."}' }, { id: 'toolu_b', name: 'stat', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'toolu_a', name: 'list', content: 'a.ts b.ts' },
        { role: 'tool', toolCallId: 'toolu_b', name: 'stat', content: 'ENOENT', isError: true },
        { role: 'user', content: 'Go on.' },
      ],
      tools: [{ name: 'read_file', description: 'Read a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }],
      toolChoice: 'required',
    }, new AbortController().signal));
    assert.equal(r.text, 'Checking.');
    assert.equal(r.finish, 'tool_calls');
    assert.deepEqual(r.toolCalls, [
      { id: 'toolu_1', name: 'read_file', arguments: '{"path":"src/a.ts"}' },
      { id: 'toolu_2', name: 'grep', arguments: '{"pattern":"TODO"}' },
    ]);
    const body = fx.fake.requests[0].body;
    assert.equal(fx.fake.requests[0].step, 'tool_calls', 'the fake accepted the history (tool_result answers the previous tool_use)');
    assert.deepEqual(body.tools, [{ name: 'read_file', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }]);
    assert.deepEqual(body.tool_choice, { type: 'any' });
    assert.deepEqual(body.messages[1], {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Two lookups.' },
        { type: 'tool_use', id: 'toolu_a', name: 'list', input: { dir: '.' } },
        { type: 'tool_use', id: 'toolu_b', name: 'stat', input: {} },
      ],
    });
    assert.deepEqual(body.messages[2], {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_a', content: 'a.ts b.ts' },
        { type: 'tool_result', tool_use_id: 'toolu_b', content: 'ENOENT', is_error: true },
        { type: 'text', text: 'Go on.' },
      ],
    });
    assert.equal(body.messages.length, 3);
  });

  it('replays a recorded stream with a thinking block, text and a tool_use: thinking is not answer text', async () => {
    fx.fake.script(claude.id, [{ type: 'raw', body: fixture('anthropic.thinking-tool-use.sse') }]);
    const r = await drain(an.stream(claude, { messages: user }, new AbortController().signal));
    assert.equal(r.text, "I'll check the weather.");
    assert.deepEqual(r.toolCalls, [{ id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '{"location": "San Francisco, CA"}' }]);
    assert.equal(r.finish, 'tool_calls');
    assert.deepEqual(r.usage, { inputTokens: 2272, outputTokens: 89, cacheReadTokens: 1800, cacheWriteTokens: 0 });
  });

  it('stop sequences and max_tokens map to stop_sequences and finish reasons', async () => {
    fx.fake.script(claude.id, [{ type: 'text', chunks: ['a', 'b', 'STOP', 'c'] }, { type: 'text', chunks: ['1', '2', '3'] }]);
    const s = await drain(an.stream(claude, { messages: user, stop: ['STOP'] }, new AbortController().signal));
    assert.deepEqual(fx.fake.requests[0].body.stop_sequences, ['STOP']);
    assert.equal(s.text, 'ab');
    assert.equal(s.finish, 'stop');
    const l = await drain(an.stream(claude, { messages: user, maxTokens: 2 }, new AbortController().signal));
    assert.equal(fx.fake.requests[1].body.max_tokens, 2);
    assert.equal(l.text, '12');
    assert.equal(l.finish, 'length');
  });

  const faults: { name: string; step: FakeStep; kind: ErrorClass; status?: number; retryAfterMs?: number; message?: RegExp }[] = [
    { name: '429 + retry-after', step: { type: 'rate_limit', retryAfter: '2' }, kind: 'rate_limit', status: 429, retryAfterMs: 2000 },
    { name: '429 + retry-after HTTP date', step: { type: 'rate_limit', retryAfter: new Date(Date.now() + 120_000).toUTCString() }, kind: 'rate_limit', status: 429 },
    { name: '500 api_error', step: { type: 'server_error' }, kind: 'server', status: 500 },
    { name: '503', step: { type: 'server_error', status: 503 }, kind: 'server', status: 503 },
    { name: '529 overloaded_error', step: { type: 'overloaded' }, kind: 'overloaded', status: 529 },
    { name: '401', step: { type: 'auth' }, kind: 'auth', status: 401, message: /^Anthropic rejected the API key for provider "an" \(401\)\. Run Switchyard: Set API Key \(VS Code\) or set ANTHROPIC_API_KEY in the environment \(CLI\) for provider "an"\./ },
    { name: '403 permission_error', step: { type: 'auth', status: 403 }, kind: 'auth', status: 403 },
    { name: '404 not_found_error', step: { type: 'not_found' }, kind: 'not_found', status: 404, message: /host root/ },
    { name: '400 prompt is too long', step: { type: 'context_length' }, kind: 'context_window', status: 400, message: /prompt is too long: 208310 tokens > 200000 maximum/ },
    { name: '400 invalid_request_error', step: { type: 'invalid_request' }, kind: 'invalid_request', status: 400 },
  ];
  for (const f of faults) {
    it(`${f.name} → ${f.kind}, one HTTP request (SDK retries off)`, async () => {
      fx.fake.script(claude.id, [f.step]);
      const r = await drain(an.stream(claude, { messages: user }, new AbortController().signal));
      assert.ok(r.error instanceof ModelError, JSON.stringify(r.events));
      assert.equal(r.error.kind, f.kind);
      assert.equal(r.error.status, f.status);
      if (f.retryAfterMs !== undefined) assert.equal(r.error.retryAfterMs, f.retryAfterMs);
      if (f.message) assert.match(`${r.error.message} ${r.error.fix ?? ''}`, f.message);
      assert.equal(fx.fake.count({ model: claude.id }), 1);
    });
  }

  it('an HTTP-date retry-after becomes milliseconds from now', async () => {
    fx.fake.script(claude.id, [{ type: 'rate_limit', retryAfter: new Date(Date.now() + 120_000).toUTCString() }]);
    const r = await drain(an.stream(claude, { messages: user }, new AbortController().signal));
    const ms = r.error?.retryAfterMs ?? -1;
    assert.ok(ms > 100_000 && ms <= 120_000, `retryAfterMs ${ms}`);
  });

  const broken: { name: string; step: FakeStep; kind: ErrorClass }[] = [
    { name: 'event: error overloaded_error mid-stream', step: { type: 'text', chunks: ['Part', 'ial', ' rest'], errorEventAfterChunks: 2 }, kind: 'overloaded' },
    { name: 'disconnect mid-stream', step: { type: 'text', chunks: ['Part', 'ial', ' rest'], disconnectAfterChunks: 2 }, kind: 'stream_interrupted' },
    { name: 'malformed SSE data', step: { type: 'text', chunks: ['Part', 'ial', ' rest'], malformedAfterChunks: 2 }, kind: 'malformed_response' },
    { name: 'body ends without message_stop', step: { type: 'text', chunks: ['Part', 'ial', ' rest'], endAfterChunks: 2 }, kind: 'stream_interrupted' },
  ];
  for (const b of broken) {
    it(`${b.name} → the text already delivered, then one ${b.kind} error`, async () => {
      fx.fake.script(claude.id, [b.step]);
      const r = await drain(an.stream(claude, { messages: user }, new AbortController().signal));
      assert.equal(r.text, 'Partial');
      assert.equal(r.error?.kind, b.kind, r.error?.message);
    });
  }

  it('abort while the server hangs disconnects the request; one aborted error', async () => {
    fx.fake.script(claude.id, [{ type: 'hang' }]);
    const ac = new AbortController();
    const pending = drain(an.stream(claude, { messages: user }, ac.signal));
    await fx.fake.waitFor(() => fx.fake.requests.length === 1);
    ac.abort();
    assert.equal((await pending).error?.kind, 'aborted');
    await fx.fake.waitFor(() => fx.fake.requests[0].outcome === 'aborted');
  });

  it('abort mid-stream after the first text', async () => {
    fx.fake.script(claude.id, [{ type: 'text', chunks: ['first', ' second'], hangAfterChunks: 1 }]);
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const ev of an.stream(claude, { messages: user }, ac.signal)) {
      seen.push(ev.type === 'text' ? ev.text : ev.type === 'error' ? `error:${ev.error.kind}` : ev.type);
      if (ev.type === 'text') ac.abort();
    }
    // message_start's usage (the input is billed) comes before the error, marked partial.
    assert.deepEqual(seen, ['first', 'usage', 'error:aborted']);
    await fx.fake.waitFor(() => fx.fake.requests[0].outcome === 'aborted');
  });

  it('a prompt-only (text completion) request is an invalid_request explaining there is no such endpoint; nothing is sent', async () => {
    const r = await drain(an.stream(claude, { prompt: 'def f(', suffix: '):' }, new AbortController().signal));
    assert.equal(r.error?.kind, 'invalid_request');
    assert.match(r.error?.message ?? '', /Anthropic has no text-completion endpoint/);
    assert.match(r.error?.fix ?? '', /fim to "chat"/);
    assert.equal(fx.fake.requests.length, 0);
  });

  it('embed is a config error: Anthropic has no embeddings API', async () => {
    await assert.rejects(an.embed(claude, ['x'], new AbortController().signal), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.kind, 'config');
      assert.match(e.message, /no embeddings API/);
      return true;
    });
  });

  it('a trailing /v1 on the base URL is caught before any request, with the host root as the fix', () => {
    for (const baseUrl of [`${fx.fake.anthropicBaseUrl}/v1`, `${fx.fake.anthropicBaseUrl}/v1/`, `${fx.fake.anthropicBaseUrl}/v1/messages`]) {
      assert.throws(() => createAdapter('an', { kind: 'anthropic', baseUrl }, KEY, silentLogger), (e: unknown) => {
        assert.ok(e instanceof ModelError && e.kind === 'config');
        assert.match(e.message, /the Anthropic SDK appends \/v1\/messages itself/);
        assert.equal(e.fix, `Set providers.an.baseUrl to the host root: ${fx.fake.anthropicBaseUrl}`);
        return true;
      });
    }
  });

  it('what a trailing /v1 would do on the wire: 404 at /v1/v1/messages (why the check exists)', async () => {
    const wrong = new AnthropicAdapter({ providerName: 'an', baseUrl: `${fx.fake.anthropicBaseUrl}/v1`, apiKey: KEY, logger: silentLogger });
    const r = await drain(wrong.stream(claude, { messages: user }, new AbortController().signal));
    assert.equal(fx.fake.requests[0].path, '/v1/v1/messages');
    assert.equal(r.error?.kind, 'not_found');
  });

  it('a missing key is a config error naming the provider and how to set it', () => {
    assert.throws(() => createAdapter('an', { kind: 'anthropic' }, '  ', silentLogger), (e: unknown) => {
      assert.ok(e instanceof ModelError && e.kind === 'config');
      assert.equal(e.message, 'No API key for provider "an" (Anthropic). Run Switchyard: Set API Key (VS Code) or set ANTHROPIC_API_KEY in the environment (CLI) for provider "an".');
      assert.equal(e.provider, 'an');
      return true;
    });
  });

  it('the default base URL is the Anthropic host root', () => {
    assert.equal(checkBaseUrl('an', { kind: 'anthropic' }).baseUrl, 'https://api.anthropic.com');
  });
});
