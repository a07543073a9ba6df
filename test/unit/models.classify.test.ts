/**
 * classifyError against the real error bodies providers send (test/support/fixtures/errorBodies.json),
 * wrapped in the SDKs' own error classes exactly as the SDK clients build them.
 */
import assert from 'node:assert/strict';
import * as AnthropicSdk from '@anthropic-ai/sdk';
import * as OpenAISdk from 'openai';
import errorBodies from '../support/fixtures/errorBodies.json';
import { classifyError, isContextWindowMessage, parseRetryAfter, redactSecrets, tidy, type ErrorContext } from '../../src/core/models/classify';
import type { ErrorClass } from '../../src/core/models/errors';
import { ModelError } from '../../src/core/models/errors';
import { normaliseErrorBody } from '../../src/core/models/openai';

interface Fixture { status: number; body: unknown; headers?: Record<string, string> }

const openaiCtx: ErrorContext = { providerName: 'oa', kind: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o' };
const anthropicCtx: ErrorContext = { providerName: 'an', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', model: 'claude-sonnet-4-5' };
const localCtx: ErrorContext = { providerName: 'local', kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5-coder:7b' };

/** What the openai SDK throws for this HTTP answer (after Switchyard's error-body normalisation). */
function openaiError(f: Fixture, extraHeaders: Record<string, string> = {}) {
  return OpenAISdk.APIError.generate(f.status, normaliseErrorBody(f.body) as object, undefined, new Headers({ ...(f.headers ?? {}), ...extraHeaders }));
}
/** What @anthropic-ai/sdk throws for this HTTP answer. */
function anthropicError(f: Fixture, extraHeaders: Record<string, string> = {}) {
  return AnthropicSdk.APIError.generate(f.status, f.body as object, undefined, new Headers({ ...(f.headers ?? {}), ...extraHeaders }));
}

const cases: { name: string; error: () => unknown; ctx: ErrorContext; kind: ErrorClass; status?: number }[] = [
  { name: 'OpenAI 429 rate_limit_exceeded', error: () => openaiError(errorBodies.openai.rate_limit), ctx: openaiCtx, kind: 'rate_limit', status: 429 },
  { name: 'OpenAI 429 insufficient_quota (billing, not retryable)', error: () => openaiError(errorBodies.openai.insufficient_quota), ctx: openaiCtx, kind: 'auth', status: 429 },
  { name: 'OpenAI 500', error: () => openaiError(errorBodies.openai.server), ctx: openaiCtx, kind: 'server', status: 500 },
  { name: 'OpenAI 503', error: () => openaiError(errorBodies.openai.unavailable), ctx: openaiCtx, kind: 'server', status: 503 },
  { name: 'OpenAI 502', error: () => openaiError({ ...errorBodies.openai.server, status: 502 }), ctx: openaiCtx, kind: 'server', status: 502 },
  { name: 'OpenAI 504', error: () => openaiError({ ...errorBodies.openai.server, status: 504 }), ctx: openaiCtx, kind: 'server', status: 504 },
  { name: 'OpenAI 401', error: () => openaiError(errorBodies.openai.auth), ctx: openaiCtx, kind: 'auth', status: 401 },
  { name: 'OpenAI 403', error: () => openaiError(errorBodies.openai.forbidden), ctx: openaiCtx, kind: 'auth', status: 403 },
  { name: 'OpenAI 404 unknown model', error: () => openaiError(errorBodies.openai.not_found), ctx: openaiCtx, kind: 'not_found', status: 404 },
  { name: 'OpenAI 400 context_length_exceeded', error: () => openaiError(errorBodies.openai.context_length), ctx: openaiCtx, kind: 'context_window', status: 400 },
  { name: 'OpenAI 400 invalid value', error: () => openaiError(errorBodies.openai.invalid_request), ctx: openaiCtx, kind: 'invalid_request', status: 400 },
  { name: 'Anthropic 429', error: () => anthropicError(errorBodies.anthropic.rate_limit), ctx: anthropicCtx, kind: 'rate_limit', status: 429 },
  { name: 'Anthropic 500 api_error', error: () => anthropicError(errorBodies.anthropic.server), ctx: anthropicCtx, kind: 'server', status: 500 },
  { name: 'Anthropic 503', error: () => anthropicError(errorBodies.anthropic.unavailable), ctx: anthropicCtx, kind: 'server', status: 503 },
  { name: 'Anthropic 529 overloaded_error', error: () => anthropicError(errorBodies.anthropic.overloaded), ctx: anthropicCtx, kind: 'overloaded', status: 529 },
  { name: 'Anthropic 401', error: () => anthropicError(errorBodies.anthropic.auth), ctx: anthropicCtx, kind: 'auth', status: 401 },
  { name: 'Anthropic 403 permission_error', error: () => anthropicError(errorBodies.anthropic.forbidden), ctx: anthropicCtx, kind: 'auth', status: 403 },
  { name: 'Anthropic 404 not_found_error', error: () => anthropicError(errorBodies.anthropic.not_found), ctx: anthropicCtx, kind: 'not_found', status: 404 },
  { name: 'Anthropic 400 prompt is too long', error: () => anthropicError(errorBodies.anthropic.context_length), ctx: anthropicCtx, kind: 'context_window', status: 400 },
  { name: 'Anthropic 400 input + max_tokens exceed context limit', error: () => anthropicError(errorBodies.anthropic.context_length_with_max_tokens), ctx: anthropicCtx, kind: 'context_window', status: 400 },
  { name: 'Anthropic 400 invalid_request_error', error: () => anthropicError(errorBodies.anthropic.invalid_request), ctx: anthropicCtx, kind: 'invalid_request', status: 400 },
  { name: 'vLLM context length (top-level body)', error: () => openaiError(errorBodies.compatible.vllm_context_length), ctx: localCtx, kind: 'context_window', status: 400 },
  { name: 'vLLM context length (v1 body)', error: () => openaiError(errorBodies.compatible.vllm_context_length_v1), ctx: localCtx, kind: 'context_window', status: 400 },
  { name: 'llama.cpp exceed_context_size_error', error: () => openaiError(errorBodies.compatible.llamacpp_context_length), ctx: localCtx, kind: 'context_window', status: 400 },
  { name: 'Ollama input exceeds the context length', error: () => openaiError(errorBodies.compatible.ollama_context_length), ctx: localCtx, kind: 'context_window', status: 400 },
  { name: 'DeepSeek maximum context length', error: () => openaiError(errorBodies.compatible.deepseek_context_length), ctx: localCtx, kind: 'context_window', status: 400 },
  { name: 'Mistral too large for model', error: () => openaiError(errorBodies.compatible.mistral_context_length), ctx: localCtx, kind: 'context_window', status: 400 },
  { name: 'Ollama model not found', error: () => openaiError(errorBodies.compatible.ollama_model_not_found), ctx: localCtx, kind: 'not_found', status: 404 },
  { name: 'OpenRouter 429', error: () => openaiError(errorBodies.compatible.openrouter_rate_limit), ctx: localCtx, kind: 'rate_limit', status: 429 },
  { name: 'FastAPI 422 detail', error: () => openaiError(errorBodies.compatible.fastapi_detail), ctx: localCtx, kind: 'invalid_request', status: 422 },
];

describe('classifyError: real provider error bodies', () => {
  for (const c of cases) {
    it(`${c.name} → ${c.kind}`, () => {
      const e = classifyError(c.error(), c.ctx);
      assert.ok(e instanceof ModelError);
      assert.equal(e.kind, c.kind);
      assert.equal(e.status, c.status);
      assert.equal(e.provider, c.ctx.providerName);
      assert.ok(!/status code \(no body\)/.test(e.message), `the provider's message survives: ${e.message}`);
    });
  }

  it('keeps the provider message of a top-level vLLM / Mistral body (normalised into the OpenAI envelope)', () => {
    const e = classifyError(openaiError(errorBodies.compatible.mistral_context_length), localCtx);
    assert.match(e.message, /too large for model with 32768 maximum context length/);
    const d = classifyError(openaiError(errorBodies.compatible.fastapi_detail), localCtx);
    assert.match(d.message, /body\.model: Field required/);
  });

  it('401 names the provider and the fix, and masks the key fragment OpenAI echoes', () => {
    const e = classifyError(openaiError(errorBodies.openai.auth), openaiCtx);
    assert.match(e.message, /^OpenAI rejected the API key for provider "oa" \(401\)\. Run Switchyard: Set API Key \(VS Code\) or set OPENAI_API_KEY in the environment \(CLI\) for provider "oa"\./);
    assert.ok(!e.message.includes('sk-proj-abc1'), e.message);
    assert.ok(!e.message.includes('wxyz'), e.message);
    assert.equal(e.fix, 'Run Switchyard: Set API Key (VS Code) or set OPENAI_API_KEY in the environment (CLI) for provider "oa".');
    const a = classifyError(anthropicError(errorBodies.anthropic.auth), anthropicCtx);
    assert.match(a.message, /^Anthropic rejected the API key for provider "an" \(401\)\. Run Switchyard: Set API Key \(VS Code\) or set ANTHROPIC_API_KEY in the environment \(CLI\) for provider "an"\./);
    const custom = classifyError(anthropicError(errorBodies.anthropic.auth), { ...anthropicCtx, apiKeyEnv: 'MY_CLAUDE_KEY' });
    assert.match(custom.message, /set MY_CLAUDE_KEY in the environment \(CLI\)/);
  });

  it('404 says which base URL was used', () => {
    const e = classifyError(openaiError(errorBodies.compatible.ollama_model_not_found), localCtx);
    assert.match(e.message, /http:\/\/127\.0\.0\.1:11434\/v1/);
    assert.match(e.message, /qwen2\.5-coder:7b/);
    assert.match(e.fix ?? '', /ends in \/v1/);
  });

  it('429 takes retryAfterMs from retry-after-ms, retry-after seconds, or an HTTP date', () => {
    assert.equal(classifyError(openaiError(errorBodies.openai.rate_limit, { 'retry-after-ms': '1500' }), openaiCtx).retryAfterMs, 1500);
    assert.equal(classifyError(anthropicError(errorBodies.anthropic.rate_limit, { 'retry-after': '7' }), anthropicCtx).retryAfterMs, 7000);
    const date = new Date(Date.now() + 30_000).toUTCString();
    const fromDate = classifyError(anthropicError(errorBodies.anthropic.rate_limit, { 'retry-after': date }), anthropicCtx).retryAfterMs;
    assert.ok(fromDate !== undefined && fromDate > 20_000 && fromDate <= 30_000, `got ${fromDate}`);
    assert.equal(classifyError(openaiError(errorBodies.openai.rate_limit), openaiCtx).retryAfterMs, undefined);
  });

  it('an Anthropic in-stream error event (no HTTP status) is classified by its type', () => {
    const body = errorBodies.anthropic.stream_error.body;
    const err = new AnthropicSdk.APIError(undefined, body, undefined, new Headers(), body.error.type as 'overloaded_error');
    assert.equal(classifyError(err, anthropicCtx).kind, 'overloaded');
    const api = { type: 'error', error: { type: 'api_error', message: 'Internal server error' } };
    assert.equal(classifyError(new AnthropicSdk.APIError(undefined, api, undefined, new Headers(), 'api_error'), anthropicCtx).kind, 'server');
  });

  it('an OpenAI in-stream error object is a server error', () => {
    const err = new OpenAISdk.APIError(undefined, errorBodies.openai.stream_error.body.error, undefined, new Headers());
    assert.equal(classifyError(err, openaiCtx).kind, 'server');
  });
});

describe('classifyError: transport, abort and parse failures', () => {
  const refused = () => {
    const sys = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:11434'), { code: 'ECONNREFUSED' });
    return new OpenAISdk.APIConnectionError({ cause: new TypeError('fetch failed', { cause: sys }) });
  };

  it('connection refused → network, naming the base URL', () => {
    const e = classifyError(refused(), localCtx);
    assert.equal(e.kind, 'network');
    assert.equal(e.message, 'Cannot reach http://127.0.0.1:11434/v1 (ECONNREFUSED). Is the server running?');
  });

  it('DNS failure and reset → network', () => {
    const dns = new AnthropicSdk.APIConnectionError({ cause: Object.assign(new Error('getaddrinfo ENOTFOUND api.anthropc.com'), { code: 'ENOTFOUND' }) });
    const e = classifyError(dns, anthropicCtx);
    assert.equal(e.kind, 'network');
    assert.match(e.message, /ENOTFOUND/);
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    assert.equal(classifyError(reset, openaiCtx).kind, 'network');
  });

  it('refused, unknown host and no route mark the origin unreachable; a reset does not', () => {
    assert.equal(classifyError(refused(), localCtx).unreachableHost, 'http://127.0.0.1:11434');
    const dns = new AnthropicSdk.APIConnectionError({ cause: Object.assign(new Error('getaddrinfo ENOTFOUND api.anthropc.com'), { code: 'ENOTFOUND' }) });
    assert.equal(classifyError(dns, { ...anthropicCtx, baseUrl: 'https://api.anthropc.com' }).unreachableHost, 'https://api.anthropc.com');
    const noRoute = new TypeError('fetch failed', { cause: Object.assign(new Error('connect EHOSTUNREACH 10.9.9.9:80'), { code: 'EHOSTUNREACH' }) });
    assert.equal(classifyError(noRoute, { ...localCtx, baseUrl: 'http://10.9.9.9/v1' }).unreachableHost, 'http://10.9.9.9');
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    assert.equal(classifyError(reset, openaiCtx).unreachableHost, undefined);
  });

  it('a socket that dies after output was delivered → stream_interrupted', () => {
    const terminated = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    assert.equal(classifyError(terminated, { ...openaiCtx, afterOutput: true }).kind, 'stream_interrupted');
    assert.equal(classifyError(terminated, openaiCtx).kind, 'network');
  });

  it('aborts → aborted (SDK abort errors, DOM AbortError, or an aborted signal)', () => {
    assert.equal(classifyError(new OpenAISdk.APIUserAbortError(), openaiCtx).kind, 'aborted');
    assert.equal(classifyError(new AnthropicSdk.APIUserAbortError(), anthropicCtx).kind, 'aborted');
    assert.equal(classifyError(new DOMException('This operation was aborted', 'AbortError'), openaiCtx).kind, 'aborted');
    const c = new AbortController();
    c.abort();
    assert.equal(classifyError(refused(), { ...localCtx, signal: c.signal }).kind, 'aborted');
  });

  it('SDK timeout → timeout; malformed JSON → malformed_response; ModelError passes through', () => {
    assert.equal(classifyError(new OpenAISdk.APIConnectionTimeoutError(), openaiCtx).kind, 'timeout');
    assert.equal(classifyError(new SyntaxError('Error reading response: malformed server-sent event JSON.'), openaiCtx).kind, 'malformed_response');
    const me = new ModelError({ kind: 'budget', message: 'x' });
    assert.equal(classifyError(me, openaiCtx), me);
  });
});

describe('classify helpers', () => {
  it('parseRetryAfter', () => {
    assert.equal(parseRetryAfter({ 'retry-after-ms': '250' }), 250);
    assert.equal(parseRetryAfter({ 'Retry-After': '2' }), 2000);
    assert.equal(parseRetryAfter({ 'retry-after': '0.5' }), 500);
    assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')), 60_000);
    assert.equal(parseRetryAfter({ 'retry-after': 'soon' }), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });

  it('redactSecrets masks key-like text and keeps ordinary words', () => {
    assert.equal(redactSecrets('Incorrect API key provided: sk-abc***xyz. You can find your API key at https://x'), 'Incorrect API key provided: [redacted]. You can find your API key at https://x');
    assert.equal(redactSecrets('key sk-ant-api03-AAAAAAAAAAAAAAAA used'), 'key [redacted] used');
    assert.equal(redactSecrets('Authorization: Bearer abcdefghijkl'), 'Authorization: [redacted]');
    assert.equal(redactSecrets('api_key="abcd1234efgh"'), 'api_key="[redacted]"');
    assert.equal(redactSecrets('The model `gpt-4o` does not exist'), 'The model `gpt-4o` does not exist');
  });

  it('an HTML error page from a proxy becomes its title; long messages are capped', () => {
    const html = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';
    const e = classifyError(OpenAISdk.APIError.generate(502, undefined, html, new Headers({ 'content-type': 'text/html' })), localCtx);
    assert.equal(e.kind, 'server');
    assert.match(e.message, /\(502\): 502 Bad Gateway$/);
    assert.equal(tidy('x'.repeat(1000)).length, 400);
  });

  it('context-window phrasings', () => {
    for (const text of [
      "This model's maximum context length is 8192 tokens.",
      'prompt is too long: 208310 tokens > 200000 maximum',
      'the request exceeds the available context size, try increasing it',
      'input length and `max_tokens` exceed context limit: 197000 + 8192 > 200000',
      'The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).',
    ]) assert.ok(isContextWindowMessage(text), text);
    for (const text of ["Invalid value for 'temperature'", 'max_tokens: Field required', 'Rate limit reached for gpt-4o']) {
      assert.ok(!isContextWindowMessage(text), text);
    }
  });
});
