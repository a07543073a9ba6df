/** The OpenAI / OpenAI-compatible adapter with the real `openai` SDK against the fake wire server. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { silentLogger } from '../../src/core/logger';
import { ModelError, type ErrorClass } from '../../src/core/models/errors';
import { createAdapter } from '../../src/core/models/registry';
import type { ModelAdapter } from '../../src/core/models/types';
import { embeddingFor, fixture, startFakeServer, type FakeStep } from '../support/fakeServer';
import { drain, resolved } from '../support/fakeServerHelpers';
import { useWireFixture } from '../support/wireFixture';

const KEY = 'sk-test-0123456789abcdef';

describe('OpenAI adapter over the wire', () => {
  const fx = useWireFixture('openai', { embeddingDim: 16 });
  let oa: ModelAdapter;
  let local: ModelAdapter;
  const gpt = resolved('gpt-4.1-mini', 'oa', 'openai');
  const qwen = resolved('qwen2.5-coder:7b', 'local', 'openai-compatible', { nativeFim: true });
  const user = [{ role: 'user' as const, content: 'Say hello' }];

  before(async () => {
    oa = createAdapter('oa', { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl, headers: { 'x-team': 'blue' } }, KEY, silentLogger);
    local = createAdapter('local', { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl }, undefined, silentLogger);
  });

  it('streams text in order, then usage, then one finish; asks for streaming usage', async () => {
    fx.fake.script(gpt.id, [{ type: 'text', chunks: ['Hel', 'lo', ', world'], usage: { inputTokens: 12, outputTokens: 3 } }]);
    const r = await drain(oa.stream(gpt, { messages: [{ role: 'system', content: 'Be brief.' }, ...user], temperature: 0.2 }, new AbortController().signal));
    assert.deepEqual(r.events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text), ['Hel', 'lo', ', world']);
    assert.deepEqual(r.events.slice(-2).map((e) => e.type), ['usage', 'finish']);
    assert.equal(r.finish, 'stop');
    assert.deepEqual(r.usage, { inputTokens: 12, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 });
    const req = fx.fake.requests[0];
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.body.stream, true);
    assert.deepEqual(req.body.stream_options, { include_usage: true });
    assert.deepEqual(req.body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }]);
    assert.equal(req.body.temperature, 0.2);
    assert.equal(req.auth, 'bearer');
    assert.equal(req.headers['x-team'], 'blue');
    assert.equal(req.headers.authorization, undefined, 'the fake never records credentials');
  });

  it('normalises cached-token usage: OpenAI cached_tokens and DeepSeek prompt_cache_hit_tokens', async () => {
    fx.fake.script(gpt.id, [{ type: 'text', text: 'cached', usage: { inputTokens: 1200, outputTokens: 1, cacheReadTokens: 1024 } }]);
    const a = await drain(oa.stream(gpt, { messages: user }, new AbortController().signal));
    assert.deepEqual(a.usage, { inputTokens: 1200, outputTokens: 1, cacheReadTokens: 1024, cacheWriteTokens: 0 });

    fx.fake.script(qwen.id, [{ type: 'text', text: 'deep', wireUsage: { prompt_tokens: 500, completion_tokens: 4, total_tokens: 504, prompt_cache_hit_tokens: 300, prompt_cache_miss_tokens: 200 } }]);
    const d = await drain(local.stream(qwen, { messages: user }, new AbortController().signal));
    assert.deepEqual(d.usage, { inputTokens: 500, outputTokens: 4, cacheReadTokens: 300, cacheWriteTokens: 0 });
  });

  it('sends tools, tool_choice and tool history; reassembles streamed tool-call deltas', async () => {
    fx.fake.script(gpt.id, [{
      type: 'tool_calls',
      text: 'Let me look.',
      calls: [{ id: 'call_1', name: 'read_file', arguments: { path: 'src/a.ts' } }, { id: 'call_2', name: 'grep', arguments: { pattern: 'TODO', max: 5 } }],
      argChunkSize: 5,
    }]);
    const r = await drain(oa.stream(gpt, {
      messages: [
        ...user,
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_0', name: 'list', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'call_0', name: 'list', content: 'a.ts', isError: false },
      ],
      tools: [{ name: 'read_file', description: 'Read a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } }],
      toolChoice: 'required',
    }, new AbortController().signal));
    assert.equal(r.text, 'Let me look.');
    assert.equal(r.finish, 'tool_calls');
    assert.deepEqual(r.toolCalls, [
      { id: 'call_1', name: 'read_file', arguments: '{"path":"src/a.ts"}' },
      { id: 'call_2', name: 'grep', arguments: '{"pattern":"TODO","max":5}' },
    ]);
    assert.ok(r.events.filter((e) => e.type === 'tool_call_delta').length > 4, 'arguments arrive in several deltas');
    const body = fx.fake.requests[0].body;
    assert.deepEqual(body.tools, [{ type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } } }]);
    assert.equal(body.tool_choice, 'required');
    assert.deepEqual(body.messages[1], { role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'list', arguments: '{}' } }] });
    assert.deepEqual(body.messages[2], { role: 'tool', tool_call_id: 'call_0', content: 'a.ts' });
  });

  it('replays a recorded Ollama stream: a whole tool call in one chunk, finished with "stop"', async () => {
    fx.fake.script(qwen.id, [{ type: 'raw', body: fixture('openai.ollama-tool-call.sse') }]);
    const r = await drain(local.stream(qwen, { messages: user, tools: [{ name: 'read_file', inputSchema: { type: 'object' } }] }, new AbortController().signal));
    assert.deepEqual(r.toolCalls, [{ id: 'call_a1b2c3d4', name: 'read_file', arguments: '{"path":"src/main.ts"}' }]);
    assert.equal(r.finish, 'tool_calls');
    assert.deepEqual(r.usage, { inputTokens: 182, outputTokens: 24, cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it('replays a recorded DeepSeek reasoner stream: reasoning is not shown as answer text; usage in the finish chunk', async () => {
    fx.fake.script(qwen.id, [{ type: 'raw', body: fixture('openai.deepseek-reasoner.sse') }]);
    const r = await drain(local.stream(qwen, { messages: user }, new AbortController().signal));
    assert.equal(r.text, 'The answer is 42.');
    assert.equal(r.finish, 'stop');
    assert.deepEqual(r.usage, { inputTokens: 18, outputTokens: 120, cacheReadTokens: 16, cacheWriteTokens: 0 });
  });

  it('sends max_completion_tokens to OpenAI and max_tokens to compatible servers; maps length', async () => {
    fx.fake.script(gpt.id, [{ type: 'text', chunks: ['a', 'b', 'c', 'd'] }]);
    const r = await drain(oa.stream(gpt, { messages: user, maxTokens: 2 }, new AbortController().signal));
    assert.equal(fx.fake.requests[0].body.max_completion_tokens, 2);
    assert.equal(fx.fake.requests[0].body.max_tokens, undefined);
    assert.equal(r.text, 'ab');
    assert.equal(r.finish, 'length');
    await drain(local.stream(qwen, { messages: user, maxTokens: 7 }, new AbortController().signal));
    assert.equal(fx.fake.requests[1].body.max_tokens, 7);
  });

  it('FIM: text completion on /v1/completions with the native suffix and stop sequences', async () => {
    fx.fake.script(qwen.id, [{ type: 'text', chunks: ['a + b', ';\n', '}\nmore'] }]);
    const r = await drain(local.stream(qwen, { prompt: 'function add(a, b) {\n  return ', suffix: '\n}\n', stop: ['\n}'], maxTokens: 64 }, new AbortController().signal));
    const req = fx.fake.requests[0];
    assert.equal(req.path, '/v1/completions');
    assert.equal(req.body.prompt, 'function add(a, b) {\n  return ');
    assert.equal(req.body.suffix, '\n}\n');
    assert.deepEqual(req.body.stop, ['\n}']);
    assert.equal(req.body.max_tokens, 64);
    assert.equal(r.text, 'a + b;');
    assert.equal(r.finish, 'stop');
    assert.ok(r.usage && r.usage.inputTokens > 0);
    assert.equal(req.auth, 'bearer', 'a keyless compatible provider still sends the placeholder key');
  });

  it('FIM: no suffix parameter for a model without native FIM', async () => {
    const plain = resolved('codellama', 'local', 'openai-compatible', { nativeFim: false });
    await drain(local.stream(plain, { prompt: '<PRE> x <SUF> y <MID>', suffix: ' y' }, new AbortController().signal));
    assert.equal(fx.fake.requests[0].body.suffix, undefined);
  });

  it('embeddings: the SDK asks base64, decodes Float32 LE, vectors match the inputs in order', async () => {
    const emb = resolved('nomic-embed-text', 'local', 'openai-compatible');
    const inputs = ['function parseConfig()', 'class Router', ''];
    const out = await local.embed(emb, inputs, new AbortController().signal);
    assert.equal(fx.fake.requests[0].body.encoding_format, 'base64');
    assert.equal(out.vectors.length, 3);
    inputs.forEach((t, i) => assert.deepEqual(out.vectors[i], embeddingFor(t, 16)));
    assert.ok(out.usage.inputTokens > 0);
  });

  const faults: { name: string; step: FakeStep; kind: ErrorClass; status?: number; retryAfterMs?: number; message?: RegExp }[] = [
    { name: '429 with retry-after-ms', step: { type: 'rate_limit', retryAfterMs: 1200 }, kind: 'rate_limit', status: 429, retryAfterMs: 1200 },
    { name: '429 with retry-after seconds', step: { type: 'rate_limit', retryAfter: '3' }, kind: 'rate_limit', status: 429, retryAfterMs: 3000 },
    { name: '500', step: { type: 'server_error' }, kind: 'server', status: 500 },
    { name: '503', step: { type: 'server_error', status: 503 }, kind: 'server', status: 503 },
    { name: '529', step: { type: 'overloaded' }, kind: 'overloaded', status: 529 },
    { name: '401', step: { type: 'auth' }, kind: 'auth', status: 401, message: /^OpenAI rejected the API key for provider "oa" \(401\)\. Run Switchyard: Set API Key \(VS Code\) or set OPENAI_API_KEY in the environment \(CLI\) for provider "oa"\./ },
    { name: '403', step: { type: 'auth', status: 403 }, kind: 'auth', status: 403 },
    { name: '404', step: { type: 'not_found' }, kind: 'not_found', status: 404, message: /127\.0\.0\.1:\d+\/v1/ },
    { name: '400 context_length_exceeded', step: { type: 'context_length' }, kind: 'context_window', status: 400 },
    { name: '400 vLLM context length', step: { type: 'context_length', variant: 'vllm_context_length' }, kind: 'context_window', status: 400, message: /maximum context length is 4096/ },
    { name: '400 llama.cpp context size', step: { type: 'context_length', variant: 'llamacpp_context_length' }, kind: 'context_window', status: 400 },
    { name: '400 invalid request', step: { type: 'invalid_request' }, kind: 'invalid_request', status: 400, message: /temperature/ },
  ];
  for (const f of faults) {
    it(`${f.name} → ${f.kind}, one HTTP request (SDK retries off)`, async () => {
      fx.fake.script(gpt.id, [f.step]);
      const r = await drain(oa.stream(gpt, { messages: user }, new AbortController().signal));
      assert.ok(r.error instanceof ModelError, JSON.stringify(r.events));
      assert.equal(r.error.kind, f.kind);
      assert.equal(r.error.status, f.status);
      if (f.retryAfterMs !== undefined) assert.equal(r.error.retryAfterMs, f.retryAfterMs);
      if (f.message) assert.match(r.error.message, f.message);
      assert.equal(fx.fake.count({ model: gpt.id }), 1);
    });
  }

  it('a model that rejects temperature (reasoning models) gets the call again without it, and never again', async () => {
    const o3 = resolved('o3-mini', 'oa', 'openai');
    fx.fake.script(o3.id, [
      { type: 'status', status: 400, body: { error: { message: "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.", type: 'invalid_request_error', param: 'temperature', code: 'unsupported_value' } } },
      { type: 'text', text: 'first' },
      { type: 'text', text: 'second' },
    ]);
    const a = await drain(oa.stream(o3, { messages: user, temperature: 0.2 }, new AbortController().signal));
    assert.equal(a.text, 'first');
    assert.deepEqual(fx.fake.requests.map((r) => r.body.temperature), [0.2, undefined]);
    const b = await drain(oa.stream(o3, { messages: user, temperature: 0.2 }, new AbortController().signal));
    assert.equal(b.text, 'second');
    assert.equal(fx.fake.requests.length, 3, 'the refused parameter is remembered for this model');
    assert.equal(fx.fake.requests[2].body.temperature, undefined);
  });

  it('a strict server that refuses stream_options (422 extra_forbidden) still streams, without usage', async () => {
    const strictModel = resolved('strict-server-model', 'local', 'openai-compatible');
    fx.fake.script(strictModel.id, [
      { type: 'status', status: 422, body: { detail: [{ type: 'extra_forbidden', loc: ['body', 'stream_options'], msg: 'Extra inputs are not permitted', input: { include_usage: true } }] } },
      { type: 'text', text: 'streamed anyway' },
    ]);
    const r = await drain(local.stream(strictModel, { messages: user }, new AbortController().signal));
    assert.equal(r.text, 'streamed anyway');
    assert.equal(r.finish, 'stop');
    assert.equal(r.usage, undefined);
    assert.equal(fx.fake.requests[1].body.stream_options, undefined);
  });

  it('an out-of-range value is not "unsupported": invalid_request, nothing re-sent', async () => {
    fx.fake.script(gpt.id, [{ type: 'invalid_request' }]);
    const r = await drain(oa.stream(gpt, { messages: user, temperature: 3.5 }, new AbortController().signal));
    assert.equal(r.error?.kind, 'invalid_request');
    assert.equal(fx.fake.requests.length, 1);
  });

  it('a rejected key never appears in the error (the fake checks keys like the real API)', async () => {
    const strict = await startFakeServer({ apiKey: 'sk-the-right-key-123456' });
    try {
      const wrong = createAdapter('oa', { kind: 'openai', baseUrl: strict.openaiBaseUrl }, 'sk-wrong-key-abcdef123456', silentLogger);
      const r = await drain(wrong.stream(gpt, { messages: user }, new AbortController().signal));
      assert.equal(r.error?.kind, 'auth');
      assert.match(r.error?.message ?? '', /Incorrect API key provided: \[redacted\]\./);
      assert.ok(!r.error?.message.includes('sk-wron'), r.error?.message);
      assert.ok(!r.error?.message.includes('3456'), r.error?.message);
      const right = createAdapter('oa', { kind: 'openai', baseUrl: strict.openaiBaseUrl }, 'sk-the-right-key-123456', silentLogger);
      assert.equal((await drain(right.stream(gpt, { messages: user }, new AbortController().signal))).finish, 'stop');
    } finally {
      await strict.close();
    }
  });

  it('abort before the first byte disconnects the request; the stream ends with one aborted error', async () => {
    fx.fake.script(gpt.id, [{ type: 'hang' }]);
    const ac = new AbortController();
    const pending = drain(oa.stream(gpt, { messages: user }, ac.signal));
    await fx.fake.waitFor(() => fx.fake.requests.length === 1);
    ac.abort();
    const r = await pending;
    assert.equal(r.error?.kind, 'aborted');
    await fx.fake.waitFor(() => fx.fake.requests[0].outcome === 'aborted');
  });

  it('abort mid-stream keeps the text delivered and disconnects the request', async () => {
    fx.fake.script(gpt.id, [{ type: 'text', chunks: ['first', ' second'], hangAfterChunks: 1 }]);
    const ac = new AbortController();
    const events: string[] = [];
    for await (const ev of oa.stream(gpt, { messages: user }, ac.signal)) {
      events.push(ev.type === 'text' ? ev.text : ev.type === 'error' ? `error:${ev.error.kind}` : ev.type);
      if (ev.type === 'text') ac.abort();
    }
    assert.deepEqual(events, ['first', 'error:aborted']);
    await fx.fake.waitFor(() => fx.fake.requests[0].outcome === 'aborted');
  });

  it('a consumer that stops reading (break) cancels the HTTP request', async () => {
    fx.fake.script(qwen.id, [{ type: 'text', chunks: ['x', 'y', 'z'], hangAfterChunks: 1 }]);
    for await (const ev of local.stream(qwen, { prompt: 'a', suffix: 'b' }, new AbortController().signal)) {
      if (ev.type === 'text') break;
    }
    await fx.fake.waitFor(() => fx.fake.requests[0].outcome === 'aborted');
  });

  const broken: { name: string; step: FakeStep; kind: ErrorClass }[] = [
    { name: 'disconnect mid-stream', step: { type: 'text', chunks: ['one', ' two', ' three'], disconnectAfterChunks: 2 }, kind: 'stream_interrupted' },
    { name: 'malformed SSE line', step: { type: 'text', chunks: ['one', ' two', ' three'], malformedAfterChunks: 2 }, kind: 'malformed_response' },
    { name: 'body ends without finish / [DONE]', step: { type: 'text', chunks: ['one', ' two', ' three'], endAfterChunks: 2 }, kind: 'stream_interrupted' },
    { name: 'in-stream error object', step: { type: 'text', chunks: ['one', ' two', ' three'], errorEventAfterChunks: 2 }, kind: 'server' },
  ];
  for (const b of broken) {
    it(`${b.name} → the text already delivered, then one ${b.kind} error`, async () => {
      fx.fake.script(gpt.id, [b.step]);
      const r = await drain(oa.stream(gpt, { messages: user }, new AbortController().signal));
      assert.equal(r.text, 'one two');
      assert.equal(r.error?.kind, b.kind, r.error?.message);
    });
  }

  it('a disconnect before any byte is a network error (retryable), not stream_interrupted', async () => {
    fx.fake.script(gpt.id, [{ type: 'disconnect' }]);
    const r = await drain(oa.stream(gpt, { messages: user }, new AbortController().signal));
    assert.equal(r.error?.kind, 'network');
    assert.equal(r.text, '');
  });

  it('connection refused → network error naming the base URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = createAdapter('local', { kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` }, undefined, silentLogger);
    const r = await drain(down.stream(qwen, { messages: user }, new AbortController().signal));
    assert.equal(r.error?.kind, 'network');
    assert.equal(r.error?.message, `Cannot reach http://127.0.0.1:${port}/v1 (ECONNREFUSED). Is the server running?`);
    await assert.rejects(down.embed(qwen, ['x'], new AbortController().signal), (e: unknown) => e instanceof ModelError && e.kind === 'network');
  });

  it('embedding failures throw a classified ModelError', async () => {
    fx.fake.script('text-embedding-3-small', [{ type: 'rate_limit', retryAfterMs: 900 }]);
    await assert.rejects(
      oa.embed(resolved('text-embedding-3-small', 'oa', 'openai'), ['x'], new AbortController().signal),
      (e: unknown) => e instanceof ModelError && e.kind === 'rate_limit' && e.retryAfterMs === 900,
    );
  });

  it('createAdapter: an OpenAI provider without a key is a config error naming the provider and the fix', () => {
    assert.throws(() => createAdapter('oa', { kind: 'openai' }, undefined, silentLogger), (e: unknown) => {
      assert.ok(e instanceof ModelError);
      assert.equal(e.kind, 'config');
      assert.match(e.message, /No API key for provider "oa" \(OpenAI\)/);
      assert.equal(e.fix, 'Run Switchyard: Set API Key (VS Code) or set OPENAI_API_KEY in the environment (CLI) for provider "oa".');
      return true;
    });
  });

  it('createAdapter: an OpenAI-compatible base URL without /v1 is a config error with the fix', () => {
    assert.throws(() => createAdapter('ollama', { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434' }, undefined, silentLogger), (e: unknown) => {
      assert.ok(e instanceof ModelError && e.kind === 'config');
      assert.match(e.message, /Ollama is http:\/\/127\.0\.0\.1:11434\/v1/);
      assert.equal(e.fix, 'Set providers.ollama.baseUrl to http://127.0.0.1:11434/v1');
      return true;
    });
  });
});
