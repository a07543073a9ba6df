/**
 * A local HTTP server that speaks the OpenAI and Anthropic wire formats well enough for the real
 * `openai` and `@anthropic-ai/sdk` clients to talk to it, with scripted replies and faults.
 *
 * ── Start / stop ────────────────────────────────────────────────────────────────────────────────
 *   const fake = await startFakeServer({ embeddingDim: 8 });
 *   fake.openaiBaseUrl     // http://127.0.0.1:PORT/v1   (OpenAI and OpenAI-compatible SDK base URL)
 *   fake.anthropicBaseUrl  // http://127.0.0.1:PORT      (Anthropic SDK base URL: it appends /v1/messages)
 *   await fake.close();    // ends hung responses, destroys sockets, cancels timers: no leaked handles
 *   As a separate process: test/support/fakeServerMain.ts (prints the URLs as one JSON line).
 *   In a mocha suite: useWireFixture() (test/support/wireFixture.ts) starts it, resets it before each
 *   test and closes it, beside temp folders and cores it disposes.
 *
 * ── Endpoints ───────────────────────────────────────────────────────────────────────────────────
 *   POST /v1/chat/completions  OpenAI chat; SSE (`data: {...}` … `data: [DONE]`) when `stream: true`,
 *                              usage chunk when `stream_options.include_usage`; JSON otherwise.
 *   POST /v1/completions       legacy text completion (FIM): records `prompt`/`suffix`, honours
 *                              `stop` and `max_tokens`; streams like chat.
 *   POST /v1/embeddings        deterministic unit vectors (`embeddingFor(text, dim)`: each word of the
 *                              input is hashed into the vector, so texts sharing words are similar);
 *                              dimension = request `dimensions`, else the `embeddingDim` option (8);
 *                              base64 Float32 LE when `encoding_format: "base64"` (the openai SDK's
 *                              default), float arrays otherwise.
 *   GET  /v1/models            OpenAI list, or Anthropic's list when `anthropic-version` is sent.
 *   POST /v1/messages          Anthropic Messages; SSE with `event:` lines exactly as Anthropic sends
 *                              them (message_start, content_block_start, ping, content_block_delta,
 *                              content_block_stop, message_delta, message_stop); JSON otherwise.
 *                              Validates like the real API: `max_tokens` required, no "system" role
 *                              in messages, each tool_result must answer a tool_use of the previous turn.
 *   GET  /api/tags, POST /api/show   Ollama's native API, only with the `ollama` option: the models it
 *                              names, with their capabilities ("completion", "insert", "embedding", "tools")
 *                              and a context length in model_info. Not served otherwise (404, like other servers).
 *   Control (for a fake in another process): POST /__fake/script {model, steps?, default?},
 *     POST /__fake/reset, GET /__fake/requests (the records as JSON). Not recorded as requests.
 *
 * ── Scripting (per model id) ────────────────────────────────────────────────────────────────────
 *   fake.script('model-id', [step, step, …]);   // appends to a queue; one step consumed per request
 *   fake.setDefault('model-id' | '*', step);    // the reply once the model's queue is empty
 *   A step may also be a function `(req: RecordedRequest) => FakeStep` (e.g. to answer from the body).
 *   Built-in default: chat → text "Hello from <model>."; completions → " fill"; embeddings → vectors.
 *   Errors and hangs apply to every endpoint; a reply step on /v1/embeddings just means "success".
 *
 * ── Step vocabulary (`type`) ────────────────────────────────────────────────────────────────────
 *   Replies:
 *     { type: 'text', text?, chunks?: string[], toolCalls?, finish?, usage?, wireUsage?, …timing, …faults }
 *         `chunks` wins over `text` (text is split into words). One chunk ≈ one output token:
 *         `max_tokens` cuts the chunks and finishes with 'length'; `stop` cuts at the stop string.
 *     { type: 'tool_calls', calls: [{ id?, name, arguments: string | object }], text?, argChunkSize?, … }
 *         OpenAI: delta.tool_calls fragments + finish_reason "tool_calls"; Anthropic: tool_use blocks
 *         with input_json_delta fragments + stop_reason "tool_use".
 *     usage: normalised { inputTokens, outputTokens, cacheReadTokens?, cacheWriteTokens? } (inputTokens
 *         includes the cached parts), written in each provider's convention (OpenAI prompt_tokens with
 *         prompt_tokens_details.cached_tokens; Anthropic input_tokens EXCLUDING cache_read_input_tokens and
 *         cache_creation_input_tokens). `wireUsage` sends an object verbatim instead (e.g. DeepSeek's
 *         prompt_cache_hit_tokens; for Anthropic it is merged into message_start's usage). `omitUsage`
 *         sends no usage at all (OpenAI: no usage chunk although asked; Anthropic: none in any event).
 *     finish: 'stop' | 'length' | 'tool_calls' | 'content_filter' (default: stop, or tool_calls with calls).
 *     headers: extra response headers on a streamed reply (e.g. LiteLLM's x-litellm-response-cost).
 *   Timing (reply steps): delayMs (before the status line), firstChunkDelayMs (after headers, before the
 *     first chunk: time to first token), chunkDelayMs (between chunks).
 *   Faults inside a streamed reply (N = number of content chunks written first):
 *     hangAfterChunks: N        stop writing; the response stays open until the client aborts or close()
 *     disconnectAfterChunks: N  close the socket mid-body (written chunks arrive first; the client then
 *                               sees a network error, e.g. undici "terminated" / UND_ERR_SOCKET)
 *     endAfterChunks: N         end the body cleanly without finish / [DONE] / message_stop
 *     malformedAfterChunks: N   write one malformed SSE data line, then end
 *     errorEventAfterChunks: N  the provider's in-stream error (Anthropic `event: error` overloaded_error;
 *                               OpenAI `data: {"error": {...}}`), then end
 *   HTTP faults (body and headers as the real provider sends them, from fixtures/errorBodies.json):
 *     { type: 'rate_limit', retryAfter?: string, retryAfterMs?: number }  429 + retry-after / retry-after-ms
 *         (retryAfter is the header value verbatim: seconds "2" or an HTTP date)
 *     { type: 'server_error', status?: 500 | 502 | 503 | 504 }
 *     { type: 'overloaded' }                       529 overloaded_error (on both providers' paths)
 *     { type: 'auth', status?: 401 | 403 }
 *     { type: 'not_found' }
 *     { type: 'context_length', variant? }         400 in the provider's real format; `variant` picks an
 *                                                  OpenAI-compatible server's body (vllm_context_length,
 *                                                  llamacpp_context_length, mistral_context_length, …)
 *     { type: 'invalid_request', message? }
 *     { type: 'status', status, body?, headers? }   anything else, verbatim
 *   Recorded bodies:
 *     { type: 'raw', body, status?, headers? }  the body byte for byte (SSE content type when it starts
 *         with `data:` / `event:`); `fixture('name.sse')` reads one from test/support/fixtures/
 *   Connection faults:
 *     { type: 'hang' }        read the request, never answer (until the client aborts or close())
 *     { type: 'disconnect' }  destroy the socket before any byte of the response
 *
 * ── Inspection ──────────────────────────────────────────────────────────────────────────────────
 *   fake.requests: RecordedRequest[] — { id, method, path, endpoint, provider, model, headers (without
 *     authorization / x-api-key / api-key), auth: 'bearer' | 'x-api-key' | 'none', body (parsed JSON),
 *     stream, step (the step type used), outcome: 'pending' | 'completed' | 'aborted' (the client went
 *     away before the response ended) | 'disconnected' (a disconnect fault cut it), receivedAt }
 *   fake.count(filter?)  number of requests (filter by model / endpoint / path)
 *   await fake.waitFor(() => fake.requests[0]?.outcome === 'aborted')  resolves once the predicate
 *     holds (re-checked on every request state change; rejects after 5000 ms with what it saw)
 *   fake.reset()         forget requests, scripts and defaults
 *   Option `apiKey`: when set, requests with any other key (or none) get the provider's real 401.
 *   test/support/fakeServerHelpers.ts: `drain(adapter.stream(…))` collects text / tool calls / usage /
 *     finish / error and asserts the stream contract (exactly one finish or error, last).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import errorBodies from './fixtures/errorBodies.json';

export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export interface FakeToolCall {
  id?: string;
  name: string;
  arguments: string | Record<string, unknown>;
}

export interface ReplyOptions {
  text?: string;
  chunks?: string[];
  toolCalls?: FakeToolCall[];
  argChunkSize?: number;
  finish?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  usage?: FakeUsage;
  wireUsage?: Record<string, unknown>;
  /** No usage at all: OpenAI sends no usage chunk although asked; Anthropic's message_start and message_delta carry none. */
  omitUsage?: boolean;
  delayMs?: number;
  firstChunkDelayMs?: number;
  chunkDelayMs?: number;
  hangAfterChunks?: number;
  disconnectAfterChunks?: number;
  endAfterChunks?: number;
  malformedAfterChunks?: number;
  errorEventAfterChunks?: number;
  /** Extra response headers (e.g. LiteLLM's `x-litellm-response-cost`). */
  headers?: Record<string, string>;
}

export type CompatibleErrorVariant = keyof typeof errorBodies.compatible;

export type FakeStep =
  | ({ type: 'text' } & ReplyOptions)
  | ({ type: 'tool_calls'; calls: FakeToolCall[] } & Omit<ReplyOptions, 'toolCalls'>)
  | { type: 'rate_limit'; retryAfter?: string; retryAfterMs?: number }
  | { type: 'server_error'; status?: 500 | 502 | 503 | 504 }
  | { type: 'overloaded' }
  | { type: 'auth'; status?: 401 | 403 }
  | { type: 'not_found' }
  | { type: 'context_length'; variant?: CompatibleErrorVariant }
  | { type: 'invalid_request'; message?: string }
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { type: 'raw'; body: string; status?: number; headers?: Record<string, string> }
  | { type: 'hang' }
  | { type: 'disconnect' }
  /** Picks a step by what the request carries (for agents whose call order is not fixed); static, so it crosses the control API. */
  | { type: 'match'; cases: Array<{ when: FakeMatch; step: FakeStep }>; otherwise: FakeStep };

/** Conditions of a `match` step; every given one must hold. */
export interface FakeMatch {
  /** The request offers tools. */
  hasTools?: boolean;
  /** The conversation holds a tool result (OpenAI `tool` message, Anthropic `tool_result` block). */
  hasToolResult?: boolean;
  /** The last user message's text contains this. */
  lastUserIncludes?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire bodies of both providers
function matches(when: FakeMatch, body: any): boolean {
  const messages: Array<{ role?: string; content?: unknown }> = Array.isArray(body?.messages) ? body.messages : [];
  const blocks = (m: { content?: unknown }) => (Array.isArray(m.content) ? (m.content as Array<{ type?: string; text?: string }>) : []);
  if (when.hasTools !== undefined && (Array.isArray(body?.tools) && body.tools.length > 0) !== when.hasTools) return false;
  if (when.hasToolResult !== undefined) {
    const has = messages.some((m) => m.role === 'tool' || blocks(m).some((b) => b.type === 'tool_result'));
    if (has !== when.hasToolResult) return false;
  }
  if (when.lastUserIncludes !== undefined) {
    const last = [...messages].reverse().find((m) => m.role === 'user');
    const text = !last ? '' : typeof last.content === 'string' ? last.content : blocks(last).map((b) => b.text ?? '').join('');
    if (!text.includes(when.lastUserIncludes)) return false;
  }
  return true;
}

export type FakeStepSource = FakeStep | ((req: RecordedRequest) => FakeStep);

export type Endpoint = 'chat' | 'completions' | 'embeddings' | 'messages' | 'models' | 'unknown';

export interface RecordedRequest {
  id: number;
  method: string;
  path: string;
  endpoint: Endpoint;
  provider: 'openai' | 'anthropic';
  model: string | undefined;
  headers: Record<string, string>;
  auth: 'bearer' | 'x-api-key' | 'none';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary wire fields
  body: any;
  stream: boolean;
  step: FakeStep['type'] | 'default' | 'validation';
  outcome: 'pending' | 'completed' | 'aborted' | 'disconnected';
  receivedAt: number;
}

export interface FakeServerOptions {
  /** Default embedding dimension (request `dimensions` overrides). */
  embeddingDim?: number;
  /** When set, requests carrying another key (or none) get the provider's real 401. */
  apiKey?: string;
  /** Model ids listed by GET /v1/models besides the scripted ones. */
  models?: string[];
  /** Act as Ollama: model id → capabilities, served on /api/tags and /api/show (and listed on /v1/models). */
  ollama?: Record<string, string[]>;
  port?: number;
}

export interface FakeServer {
  readonly port: number;
  readonly url: string;
  readonly openaiBaseUrl: string;
  readonly anthropicBaseUrl: string;
  readonly requests: RecordedRequest[];
  script(model: string, steps: FakeStepSource[]): void;
  setDefault(model: string, step: FakeStepSource): void;
  count(filter?: { model?: string; endpoint?: Endpoint; path?: string }): number;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

/** A recorded body from test/support/fixtures/ (for `{ type: 'raw', body: fixture('x.sse') }`). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

/** Words of a text: split on non-alphanumerics and camelCase, lower-cased. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * The deterministic unit vector the fake returns for `text`: each word adds ±1 at a position
 * picked by its SHA-256 (feature hashing), so texts sharing words point the same way.
 */
export function embeddingFor(text: string, dim: number): number[] {
  const v: number[] = new Array<number>(dim).fill(0);
  const tokens = words(text);
  for (const w of tokens.length ? tokens : [text]) {
    const h = createHash('sha256').update(w).digest();
    v[h.readUInt32LE(0) % dim] += h[4] & 1 ? 1 : -1;
    v[h.readUInt32LE(5) % dim] += (h[9] & 1 ? 1 : -1) * 0.5;
  }
  if (!v.some((x) => x !== 0)) v[0] = 1;
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  // Round-trip through Float32 so base64 and float answers carry the same numbers.
  return Array.from(Float32Array.from(v.map((x) => x / norm)));
}

const SENSITIVE_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'proxy-authorization']);

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  rec: RecordedRequest;
  closed: AbortSignal;
}

/** Thrown when the client or the server went away while a reply was waiting. */
class Gone extends Error {}

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const embeddingDim = options.embeddingDim ?? 8;
  const scripts = new Map<string, FakeStepSource[]>();
  const defaults = new Map<string, FakeStepSource>();
  const requests: RecordedRequest[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const sockets = new Set<Socket>();
  const lifetime = new AbortController();
  let nextId = 1;

  const changed = () => events.emit('change');

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new Gone());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Gone());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });

  const waitForever = (signal: AbortSignal) =>
    new Promise<never>((_, reject) => {
      if (signal.aborted) return reject(new Gone());
      signal.addEventListener('abort', () => reject(new Gone()), { once: true });
    });

  function nextStep(rec: RecordedRequest): FakeStep | undefined {
    const model = rec.model ?? '';
    const queue = scripts.get(model);
    const source = queue && queue.length > 0 ? queue.shift() : (defaults.get(model) ?? defaults.get('*'));
    if (!source) return undefined;
    const step = typeof source === 'function' ? source(rec) : source;
    if (step.type !== 'match') return step;
    return step.cases.find((c) => matches(c.when, rec.body))?.step ?? step.otherwise;
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (err instanceof Gone) return;
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `fake server bug: ${String(err)}`, type: 'server_error' } }));
      } else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (path.startsWith('/__fake/')) return control(path, body, res);
    if (options.ollama && (path === '/api/tags' || path === '/api/show')) return ollamaApi(path, body, res);

    const isAnthropic = path === '/v1/messages' || typeof req.headers['anthropic-version'] === 'string';
    const endpoint: Endpoint =
      path === '/v1/chat/completions' ? 'chat'
      : path === '/v1/completions' ? 'completions'
      : path === '/v1/embeddings' ? 'embeddings'
      : path === '/v1/messages' ? 'messages'
      : path === '/v1/models' ? 'models'
      : 'unknown';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (!SENSITIVE_HEADERS.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const rec: RecordedRequest = {
      id: nextId++,
      method: req.method ?? 'GET',
      path,
      endpoint,
      provider: isAnthropic ? 'anthropic' : 'openai',
      model: typeof b.model === 'string' ? b.model : undefined,
      headers,
      auth: req.headers['x-api-key'] ? 'x-api-key' : req.headers.authorization ? 'bearer' : 'none',
      body,
      stream: b.stream === true,
      step: 'default',
      outcome: 'pending',
      receivedAt: Date.now(),
    };
    requests.push(rec);

    // The client going away before we finished = aborted (cancellation tests assert this).
    const closed = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished && rec.outcome === 'pending') rec.outcome = 'aborted';
      closed.abort();
      changed();
    });
    res.on('finish', () => {
      if (rec.outcome === 'pending') rec.outcome = 'completed';
      changed();
    });
    const ctx: Ctx = { req, res, rec, closed: AbortSignal.any([closed.signal, lifetime.signal]) };
    changed();

    if (options.apiKey !== undefined) {
      // Anthropic accepts x-api-key or (as @anthropic-ai/sdk 1.x sends it) Authorization: Bearer.
      const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
      const sent = isAnthropic ? (req.headers['x-api-key'] ?? bearer) : bearer;
      if (sent !== options.apiKey) {
        rec.step = 'auth';
        if (isAnthropic || !sent) return sendFixture(ctx, 'auth');
        // OpenAI echoes a masked form of the key it rejected.
        const masked = `${sent.slice(0, 7)}${'*'.repeat(Math.max(4, sent.length - 11))}${sent.slice(-4)}`;
        return sendJson(ctx, 401, { error: { ...errorBodies.openai.auth.body.error, message: `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.` } });
      }
    }

    if (endpoint === 'models') return sendModels(ctx);
    if (endpoint === 'unknown' || req.method !== 'POST') {
      return sendJson(ctx, 404, isAnthropic
        ? { type: 'error', error: { type: 'not_found_error', message: `Not found: ${req.method} ${path}` } }
        : { error: { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error', param: null, code: null } });
    }
    const invalid = validate(rec);
    if (invalid) {
      rec.step = 'validation';
      return sendInvalid(ctx, invalid);
    }

    const step = nextStep(rec);
    rec.step = step ? step.type : 'default';
    changed();
    if (!step) return reply(ctx, defaultReply(rec));
    switch (step.type) {
      case 'text':
        return reply(ctx, step);
      case 'tool_calls':
        return reply(ctx, { ...step, toolCalls: step.calls });
      case 'hang':
        return waitForever(ctx.closed);
      case 'disconnect':
        rec.outcome = 'disconnected';
        res.socket?.destroy();
        return;
      case 'status':
        return sendJson(ctx, step.status, step.body ?? {}, step.headers);
      case 'raw': {
        const sse = /^\s*(data|event):/.test(step.body);
        res.writeHead(step.status ?? 200, { 'content-type': sse ? 'text/event-stream; charset=utf-8' : 'application/json', ...requestIdHeader(rec), ...(step.headers ?? {}) });
        res.end(step.body);
        return;
      }
      case 'rate_limit': {
        const extra: Record<string, string> = {};
        if (step.retryAfter !== undefined) extra['retry-after'] = step.retryAfter;
        if (step.retryAfterMs !== undefined) extra['retry-after-ms'] = String(step.retryAfterMs);
        return sendFixture(ctx, 'rate_limit', extra);
      }
      case 'server_error': {
        const status = step.status ?? 500;
        return sendFixture(ctx, status === 500 ? 'server' : 'unavailable', {}, status);
      }
      case 'overloaded':
        if (isAnthropic) return sendFixture(ctx, 'overloaded');
        return sendJson(ctx, 529, { error: { message: 'Overloaded', type: 'overloaded_error', param: null, code: null } });
      case 'auth':
        return sendFixture(ctx, step.status === 403 ? 'forbidden' : 'auth');
      case 'not_found':
        return sendFixture(ctx, 'not_found');
      case 'context_length':
        if (step.variant) {
          const f = errorBodies.compatible[step.variant];
          return sendJson(ctx, f.status, f.body);
        }
        return sendFixture(ctx, 'context_length');
      case 'invalid_request':
        return sendInvalid(ctx, step.message ?? (isAnthropic ? errorBodies.anthropic.invalid_request.body.error.message : errorBodies.openai.invalid_request.body.error.message));
    }
  }

  function control(path: string, body: unknown, res: ServerResponse): void {
    const send = (status: number, obj: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    const b = (body ?? {}) as { model?: unknown; steps?: unknown; default?: unknown };
    if (path === '/__fake/script' && typeof b.model === 'string') {
      if (Array.isArray(b.steps)) scripts.set(b.model, [...(scripts.get(b.model) ?? []), ...(b.steps as FakeStep[])]);
      if (b.default && typeof b.default === 'object') defaults.set(b.model, b.default as FakeStep);
      return send(200, { ok: true, queued: scripts.get(b.model)?.length ?? 0 });
    }
    if (path === '/__fake/reset') {
      requests.length = 0;
      scripts.clear();
      defaults.clear();
      return send(200, { ok: true });
    }
    if (path === '/__fake/requests') return send(200, requests);
    send(400, { error: 'control: POST /__fake/script {model, steps?, default?} | POST /__fake/reset | GET /__fake/requests' });
  }

  function validate(rec: RecordedRequest): string | undefined {
    const b = (rec.body ?? {}) as Record<string, unknown>;
    if (typeof b.model !== 'string' || !b.model) return 'model: Field required';
    if (rec.endpoint === 'messages') {
      if (typeof b.max_tokens !== 'number') return 'max_tokens: Field required';
      if (!Array.isArray(b.messages) || b.messages.length === 0) return 'messages: at least one message is required';
      const msgs = b.messages as { role: string; content: unknown }[];
      for (let i = 0; i < msgs.length; i++) {
        const m = msgs[i];
        if (m.role !== 'user' && m.role !== 'assistant') {
          return `messages.${i}.role: Input should be 'user' or 'assistant'${m.role === 'system' ? ' (use the top-level "system" parameter for a system prompt)' : ''}`;
        }
        if (Array.isArray(m.content)) {
          const results = (m.content as { type: string; tool_use_id?: string }[]).filter((c) => c.type === 'tool_result');
          if (results.length > 0) {
            const prev = msgs[i - 1];
            const ids = new Set(Array.isArray(prev?.content) ? (prev.content as { type: string; id?: string }[]).filter((c) => c.type === 'tool_use').map((c) => c.id) : []);
            const bad = results.find((r) => !ids.has(r.tool_use_id));
            if (bad) return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${bad.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
          }
        }
      }
    }
    if (rec.endpoint === 'chat') {
      if (!Array.isArray(b.messages) || b.messages.length === 0) return "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
      const msgs = b.messages as { role: string; tool_call_id?: string; tool_calls?: { id: string }[] }[];
      const open = new Set<string>();
      for (const m of msgs) {
        if (m.role === 'assistant') for (const c of m.tool_calls ?? []) open.add(c.id);
        if (m.role === 'tool' && (!m.tool_call_id || !open.has(m.tool_call_id))) {
          return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
        }
      }
    }
    if (rec.endpoint === 'completions' && typeof b.prompt !== 'string' && !Array.isArray(b.prompt)) return "Missing required parameter: 'prompt'.";
    if (rec.endpoint === 'embeddings' && b.input === undefined) return "Missing required parameter: 'input'.";
    return undefined;
  }

  function defaultReply(rec: RecordedRequest): ReplyOptions {
    if (rec.endpoint === 'completions') return { text: ' fill' };
    return { text: `Hello from ${rec.model ?? 'fake'}.` };
  }

  const requestIdHeader = (rec: RecordedRequest): Record<string, string> =>
    rec.provider === 'anthropic' ? { 'request-id': `req_${randomBytes(6).toString('hex')}` } : { 'x-request-id': `req_${randomBytes(6).toString('hex')}` };

  function sendJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    ctx.res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...requestIdHeader(ctx.rec), ...headers });
    ctx.res.end(text);
  }

  type FixtureName = 'rate_limit' | 'server' | 'unavailable' | 'overloaded' | 'auth' | 'forbidden' | 'not_found' | 'context_length';
  function sendFixture(ctx: Ctx, name: FixtureName, extraHeaders: Record<string, string> = {}, statusOverride?: number): void {
    const family: Record<string, unknown> = ctx.rec.provider === 'anthropic' ? errorBodies.anthropic : errorBodies.openai;
    const f = family[name] as { status: number; body: unknown; headers?: Record<string, string> };
    sendJson(ctx, statusOverride ?? f.status, f.body, { ...(f.headers ?? {}), ...extraHeaders });
  }

  function sendInvalid(ctx: Ctx, message: string): void {
    if (ctx.rec.provider === 'anthropic') sendJson(ctx, 400, { type: 'error', error: { type: 'invalid_request_error', message } });
    else sendJson(ctx, 400, { error: { message, type: 'invalid_request_error', param: null, code: null } });
  }

  /** Ollama's native listing, in the shapes Ollama 0.12 sends. */
  function ollamaApi(path: string, body: unknown, res: ServerResponse): void {
    const models = options.ollama ?? {};
    const json = (status: number, value: unknown): void => void res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));
    if (path === '/api/tags') {
      return json(200, { models: Object.keys(models).map((name) => ({ name, model: name, modified_at: '2026-01-01T00:00:00Z', size: 1, digest: createHash('sha256').update(name).digest('hex'), details: { format: 'gguf', family: name.split(/[:.-]/)[0], parameter_size: '7B', quantization_level: 'Q4_K_M' } })) });
    }
    const name = (body as { model?: unknown; name?: unknown } | undefined)?.model ?? (body as { name?: unknown } | undefined)?.name;
    const caps = typeof name === 'string' ? models[name] : undefined;
    if (!caps) return json(404, { error: `model '${String(name)}' not found` });
    return json(200, { details: { format: 'gguf', family: String(name).split(/[:.-]/)[0] }, model_info: { 'general.architecture': 'llama', 'llama.context_length': 32768 }, capabilities: caps });
  }

  function sendModels(ctx: Ctx): void {
    const ids = [...new Set([...(options.models ?? []), ...Object.keys(options.ollama ?? {}), ...scripts.keys(), ...defaults.keys()].filter((m) => m !== '*'))];
    if (ctx.rec.provider === 'anthropic') {
      sendJson(ctx, 200, {
        data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
        has_more: false,
        first_id: ids[0] ?? null,
        last_id: ids[ids.length - 1] ?? null,
      });
    } else {
      sendJson(ctx, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1735689600, owned_by: 'fake' })) });
    }
  }

  // ── replies ───────────────────────────────────────────────────────────────────────────────────

  interface Plan {
    chunks: string[];
    calls: { id: string; name: string; args: string }[];
    finish: 'stop' | 'length' | 'tool_calls' | 'content_filter';
    stopSequence: string | null;
    usage: Required<FakeUsage>;
  }

  function plan(rec: RecordedRequest, step: ReplyOptions): Plan {
    const b = rec.body as Record<string, unknown>;
    let chunks = step.chunks ?? (step.text ?? '').match(/\s*\S+\s*|\s+/g) ?? [];
    let finish: Plan['finish'] = step.finish ?? (step.toolCalls?.length ? 'tool_calls' : 'stop');
    let stopSequence: string | null = null;
    const stops = (Array.isArray(b.stop) ? b.stop : typeof b.stop === 'string' ? [b.stop] : Array.isArray(b.stop_sequences) ? b.stop_sequences : []) as string[];
    if (stops.length > 0) {
      const full = chunks.join('');
      let cut = -1;
      for (const s of stops) {
        const at = full.indexOf(s);
        if (at >= 0 && (cut < 0 || at < cut)) {
          cut = at;
          stopSequence = s;
        }
      }
      if (cut >= 0) {
        const kept: string[] = [];
        let len = 0;
        for (const c of chunks) {
          if (len + c.length <= cut) kept.push(c);
          else {
            if (cut > len) kept.push(c.slice(0, cut - len));
            break;
          }
          len += c.length;
        }
        chunks = kept;
        finish = 'stop';
      }
    }
    const max = typeof b.max_tokens === 'number' ? b.max_tokens : typeof b.max_completion_tokens === 'number' ? b.max_completion_tokens : undefined;
    if (max !== undefined && chunks.length > max) {
      chunks = chunks.slice(0, max);
      finish = 'length';
      stopSequence = null;
    }
    const calls = (step.toolCalls ?? []).map((c, i) => ({
      id: c.id ?? (rec.provider === 'anthropic' ? `toolu_fake${rec.id}_${i}` : `call_fake${rec.id}_${i}`),
      name: c.name,
      args: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
    }));
    const inputTokens = step.usage?.inputTokens ?? Math.max(1, Math.ceil(JSON.stringify(b.messages ?? b.prompt ?? '').length / 4));
    const usage: Required<FakeUsage> = {
      inputTokens,
      outputTokens: step.usage?.outputTokens ?? chunks.length + calls.length,
      cacheReadTokens: step.usage?.cacheReadTokens ?? 0,
      cacheWriteTokens: step.usage?.cacheWriteTokens ?? 0,
    };
    return { chunks, calls, finish, stopSequence, usage };
  }

  async function reply(ctx: Ctx, step: ReplyOptions): Promise<void> {
    if (step.delayMs) await sleep(step.delayMs, ctx.closed);
    if (ctx.rec.endpoint === 'embeddings') return sendEmbeddings(ctx, step);
    const p = plan(ctx.rec, step);
    if (!ctx.rec.stream) return sendWhole(ctx, step, p);
    ctx.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...requestIdHeader(ctx.rec), ...(step.headers ?? {}) });
    ctx.res.flushHeaders();
    if (ctx.rec.provider === 'anthropic') await streamAnthropic(ctx, step, p);
    else await streamOpenAI(ctx, step, p);
  }

  /** Runs before each content chunk (and before the final one); returns true when a fault ended the stream. */
  async function beforeChunk(ctx: Ctx, step: ReplyOptions, written: number, writeFault: (kind: 'malformed' | 'error') => void): Promise<boolean> {
    if (step.hangAfterChunks === written) await waitForever(ctx.closed);
    if (step.disconnectAfterChunks === written) {
      ctx.rec.outcome = 'disconnected';
      // FIN first so the chunks already written reach the client in order (a bare destroy can RST
      // them away), then destroy: the client sees the body end before its terminating chunk.
      const socket = ctx.res.socket;
      socket?.end();
      setTimeout(() => socket?.destroy(), 50).unref();
      return true;
    }
    if (step.endAfterChunks === written) {
      ctx.res.end();
      return true;
    }
    if (step.malformedAfterChunks === written || step.errorEventAfterChunks === written) {
      writeFault(step.malformedAfterChunks === written ? 'malformed' : 'error');
      ctx.res.end();
      return true;
    }
    if (written === 0 && step.firstChunkDelayMs) await sleep(step.firstChunkDelayMs, ctx.closed);
    else if (written > 0 && step.chunkDelayMs) await sleep(step.chunkDelayMs, ctx.closed);
    if (ctx.closed.aborted) throw new Gone();
    return false;
  }

  function splitArgs(args: string, size: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i += size) out.push(args.slice(i, i + size));
    return out.length ? out : [''];
  }

  async function streamOpenAI(ctx: Ctx, step: ReplyOptions, p: Plan): Promise<void> {
    const { res, rec } = ctx;
    const b = rec.body as Record<string, unknown>;
    const created = Math.floor(Date.now() / 1000);
    const id = rec.endpoint === 'completions' ? `cmpl-fake${rec.id}` : `chatcmpl-fake${rec.id}`;
    const write = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    const fault = (kind: 'malformed' | 'error') => {
      if (kind === 'malformed') res.write('data: {"id": "chatcmpl-fake", "choices": [{"delta": {"content": "tru\n\n');
      else write(errorBodies.openai.stream_error.body);
    };
    const chat = rec.endpoint === 'chat';
    const chunk = (delta: Record<string, unknown> | string, finish: string | null) =>
      chat
        ? { id, object: 'chat.completion.chunk', created, model: rec.model, system_fingerprint: 'fp_fake', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }
        : { id, object: 'text_completion', created, model: rec.model, choices: [{ index: 0, text: delta, logprobs: null, finish_reason: finish }] };
    let written = 0;
    if (chat) write(chunk({ role: 'assistant', content: '', refusal: null }, null));
    for (const c of p.chunks) {
      if (await beforeChunk(ctx, step, written, fault)) return;
      write(chunk(chat ? { content: c } : c, null));
      written++;
    }
    if (chat) {
      for (let i = 0; i < p.calls.length; i++) {
        const call = p.calls[i];
        const parts = splitArgs(call.args, step.argChunkSize ?? 8);
        for (let j = 0; j < parts.length; j++) {
          if (await beforeChunk(ctx, step, written, fault)) return;
          const fn = j === 0 ? { name: call.name, arguments: parts[j] } : { arguments: parts[j] };
          write(chunk({ tool_calls: [{ index: i, ...(j === 0 ? { id: call.id, type: 'function' } : {}), function: fn }] }, null));
          written++;
        }
      }
    }
    if (await beforeChunk(ctx, step, written, fault)) return;
    write(chunk(chat ? {} : '', p.finish));
    const opts = b.stream_options as { include_usage?: boolean } | undefined;
    if (opts?.include_usage && !step.omitUsage) write({ ...chunk(chat ? {} : '', null), choices: [], usage: step.wireUsage ?? openaiUsage(p.usage) });
    res.write('data: [DONE]\n\n');
    res.end();
  }

  function openaiUsage(u: Required<FakeUsage>) {
    return {
      prompt_tokens: u.inputTokens,
      completion_tokens: u.outputTokens,
      total_tokens: u.inputTokens + u.outputTokens,
      prompt_tokens_details: { cached_tokens: u.cacheReadTokens, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
  }

  function anthropicUsage(u: Required<FakeUsage>) {
    return {
      input_tokens: Math.max(0, u.inputTokens - u.cacheReadTokens - u.cacheWriteTokens),
      cache_creation_input_tokens: u.cacheWriteTokens,
      cache_read_input_tokens: u.cacheReadTokens,
      output_tokens: u.outputTokens,
      service_tier: 'standard',
    };
  }

  const anthropicStop = (p: Plan) =>
    p.finish === 'tool_calls' ? 'tool_use' : p.finish === 'length' ? 'max_tokens' : p.finish === 'content_filter' ? 'refusal' : p.stopSequence ? 'stop_sequence' : 'end_turn';

  async function streamAnthropic(ctx: Ctx, step: ReplyOptions, p: Plan): Promise<void> {
    const { res, rec } = ctx;
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const fault = (kind: 'malformed' | 'error') => {
      if (kind === 'malformed') res.write('event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_del\n\n');
      else send('error', errorBodies.anthropic.stream_error.body);
    };
    const usage = { ...anthropicUsage(p.usage), ...(step.wireUsage ?? {}) };
    send('message_start', {
      type: 'message_start',
      message: {
        id: `msg_fake${rec.id}`, type: 'message', role: 'assistant', model: rec.model, content: [], stop_reason: null, stop_sequence: null,
        // omitUsage: a compatible server that reports no usage at all.
        ...(step.omitUsage ? {} : { usage: { ...usage, output_tokens: 1 } }),
      },
    });
    let index = 0;
    let written = 0;
    if (p.chunks.length > 0) {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      send('ping', { type: 'ping' });
      for (const c of p.chunks) {
        if (await beforeChunk(ctx, step, written, fault)) return;
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: c } });
        written++;
      }
      send('content_block_stop', { type: 'content_block_stop', index });
      index++;
    } else {
      send('ping', { type: 'ping' });
    }
    for (const call of p.calls) {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } });
      send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
      for (const part of splitArgs(call.args, step.argChunkSize ?? 8)) {
        if (await beforeChunk(ctx, step, written, fault)) return;
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } });
        written++;
      }
      send('content_block_stop', { type: 'content_block_stop', index });
      index++;
    }
    if (await beforeChunk(ctx, step, written, fault)) return;
    send('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: anthropicStop(p), stop_sequence: p.stopSequence },
      ...(step.omitUsage ? {} : { usage: { output_tokens: typeof usage.output_tokens === 'number' ? usage.output_tokens : p.usage.outputTokens } }),
    });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }

  function sendWhole(ctx: Ctx, step: ReplyOptions, p: Plan): void {
    const { rec } = ctx;
    const text = p.chunks.join('');
    const created = Math.floor(Date.now() / 1000);
    if (rec.provider === 'anthropic') {
      const content: unknown[] = [];
      if (text) content.push({ type: 'text', text });
      for (const c of p.calls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.args || '{}') });
      return sendJson(ctx, 200, {
        id: `msg_fake${rec.id}`, type: 'message', role: 'assistant', model: rec.model, content,
        stop_reason: anthropicStop(p), stop_sequence: p.stopSequence, usage: { ...anthropicUsage(p.usage), ...(step.wireUsage ?? {}) },
      });
    }
    const usage = step.wireUsage ?? openaiUsage(p.usage);
    if (rec.endpoint === 'completions') {
      return sendJson(ctx, 200, { id: `cmpl-fake${rec.id}`, object: 'text_completion', created, model: rec.model, choices: [{ index: 0, text, logprobs: null, finish_reason: p.finish }], usage });
    }
    const message: Record<string, unknown> = { role: 'assistant', content: text || null, refusal: null };
    if (p.calls.length) message.tool_calls = p.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } }));
    sendJson(ctx, 200, {
      id: `chatcmpl-fake${rec.id}`, object: 'chat.completion', created, model: rec.model, system_fingerprint: 'fp_fake',
      choices: [{ index: 0, message, logprobs: null, finish_reason: p.finish }], usage,
    });
  }

  function sendEmbeddings(ctx: Ctx, step: ReplyOptions): void {
    const b = ctx.rec.body as { input: unknown; dimensions?: number; encoding_format?: string };
    const inputs = (Array.isArray(b.input) ? b.input : [b.input]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    const dim = typeof b.dimensions === 'number' ? b.dimensions : embeddingDim;
    const base64 = b.encoding_format === 'base64';
    const data = inputs.map((text, index) => {
      const v = embeddingFor(text, dim);
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v };
    });
    const tokens = step.usage?.inputTokens ?? inputs.reduce((s, t) => s + Math.max(1, Math.ceil(t.length / 4)), 0);
    sendJson(ctx, 200, { object: 'list', data, model: ctx.rec.model, usage: step.wireUsage ?? { prompt_tokens: tokens, total_tokens: tokens } });
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────────────

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    port,
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    script(model, steps) {
      scripts.set(model, [...(scripts.get(model) ?? []), ...steps]);
    },
    setDefault(model, step) {
      defaults.set(model, step);
    },
    count(filter = {}) {
      return requests.filter((r) =>
        (filter.model === undefined || r.model === filter.model) &&
        (filter.endpoint === undefined || r.endpoint === filter.endpoint) &&
        (filter.path === undefined || r.path === filter.path)).length;
    },
    waitFor(predicate, timeoutMs = 5000) {
      if (predicate()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onChange = () => {
          if (predicate()) {
            clearTimeout(timer);
            events.off('change', onChange);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          events.off('change', onChange);
          reject(new Error(`fake server: condition not met within ${timeoutMs} ms (requests: ${requests.map((r) => `${r.path}:${r.outcome}`).join(', ') || 'none'})`));
        }, timeoutMs);
        events.on('change', onChange);
      });
    },
    reset() {
      requests.length = 0;
      scripts.clear();
      defaults.clear();
    },
    async close() {
      lifetime.abort();
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
