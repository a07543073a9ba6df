/**
 * The adapter for OpenAI and every OpenAI-compatible endpoint (Ollama, vLLM, LM Studio,
 * llama.cpp, OpenRouter, DeepSeek, …), over the `openai` SDK: chat, text completion (FIM), embeddings.
 */
import OpenAI from 'openai';
import type { Logger } from '../logger';
import { classifyError, type ErrorContext } from './classify';
import { ModelError } from './errors';
import type {
  ChatMessage, EmbeddingResult, FinishReason, ModelAdapter, ModelEvent, ModelRequest, ResolvedModel, ToolDefinition, Usage,
} from './types';
import { emptyUsage } from './types';
import { htmlGuardingFetch } from './responseGuard';
import { applyGatewayBreakpoints } from './promptCache';
import { TokenCounter } from './tokens';
import { providerCostFrom } from './providerCost';
import { openaiWireUsageSchema, parseWireUsage } from './usage';

export interface OpenAIAdapterOptions {
  providerName: string;
  kind: 'openai' | 'openai-compatible';
  baseUrl: string;
  /** Local servers ignore the key; the SDK still needs one, so a placeholder is sent. */
  apiKey?: string;
  apiKeyEnv?: string;
  headers?: Record<string, string>;
  logger: Logger;
  /** For tests: a fetch to use instead of the global one. */
  fetch?: FetchLike;
  /** The endpoint is a gateway that forwards Anthropic `cache_control` markers (provider setting `cacheControl`). */
  cacheControl?: boolean;
  /** Counts the prefix before placing a cache breakpoint. */
  tokenCounter?: TokenCounter;
}

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Sent when an OpenAI-compatible server needs no key (the SDK refuses to run without one). */
const PLACEHOLDER_API_KEY = 'switchyard-no-key';

/** The router owns timeouts; the SDK's own is only a backstop against a leaked request. */
export const SDK_TIMEOUT_MS = 30 * 60_000;

/** OpenAI accepts at most 2048 inputs per embeddings request. */
const EMBED_BATCH = 2048;

/**
 * Rewrites error bodies of OpenAI-compatible servers into OpenAI's `{error: {message, type, code}}`
 * envelope. Without it the SDK drops bodies such as vLLM's / Mistral's top-level `{message}` or
 * FastAPI's `{detail}` and reports "400 status code (no body)".
 */
export function normaliseErrorBody(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const b = body as Record<string, unknown>;
  if (b.error && typeof b.error === 'object') return body;
  if (typeof b.error === 'string') return { error: { message: b.error, type: typeof b.type === 'string' ? b.type : undefined, code: b.code ?? null } };
  const detail = b.detail;
  const message =
    typeof b.message === 'string' ? b.message
    : typeof detail === 'string' ? detail
    : Array.isArray(detail) ? detail.map((d) => {
      const e = d as { loc?: unknown[]; msg?: string };
      return e.msg ? `${Array.isArray(e.loc) ? `${e.loc.join('.')}: ` : ''}${e.msg}` : JSON.stringify(d);
    }).join('; ')
    : undefined;
  if (message === undefined) return body;
  return { error: { message, type: typeof b.type === 'string' ? b.type : undefined, code: b.code ?? null, param: b.param ?? null } };
}

function normalisingFetch(inner: FetchLike): FetchLike {
  return async (input, init) => {
    const res = await inner(input, init);
    if (res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return res;
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    const out = body === undefined ? text : JSON.stringify(normaliseErrorBody(body));
    return new Response(out, { status: res.status, statusText: res.statusText, headers });
  };
}

export function toOpenAIMessages(messages: ChatMessage[]): OpenAI.Chat.ChatCompletionMessageParam[] {
  return messages.map((m): OpenAI.Chat.ChatCompletionMessageParam => {
    switch (m.role) {
      case 'system':
        return { role: 'system', content: m.content };
      case 'user':
        if (!m.images?.length) return { role: 'user', content: m.content };
        return {
          role: 'user',
          content: [
            ...m.images.map((img) => ({ type: 'image_url' as const, image_url: { url: `data:${img.mimeType};base64,${img.dataBase64}` } })),
            ...(m.content ? [{ type: 'text' as const, text: m.content }] : []),
          ],
        };
      case 'assistant':
        return m.toolCalls?.length
          ? {
            role: 'assistant',
            content: m.content || null,
            tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments || '{}' } })),
          }
          : { role: 'assistant', content: m.content };
      case 'tool':
        // OpenAI has no error flag on tool results: say it in the content so the model knows.
        return { role: 'tool', tool_call_id: m.toolCallId, content: m.isError ? `Error: ${m.content}` : m.content };
    }
  });
}

function toOpenAITools(tools: ToolDefinition[]): OpenAI.Chat.ChatCompletionTool[] {
  return tools.map((t) => ({
    type: 'function' as const,
    function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.inputSchema },
  }));
}

export function mapOpenAIFinish(reason: string | null | undefined, sawToolCalls: boolean): FinishReason {
  switch (reason) {
    case 'stop':
      // Some compatible servers (older Ollama, llama.cpp) finish tool calls with "stop".
      return sawToolCalls ? 'tool_calls' : 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}

interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  /** DeepSeek */
  prompt_cache_hit_tokens?: number;
  /** Moonshot and a few others */
  cached_tokens?: number;
}

/** OpenAI convention: prompt_tokens already includes the cached tokens. */
export function normaliseOpenAIUsage(u: WireUsage | null | undefined): Usage {
  if (!u) return emptyUsage();
  return {
    inputTokens: u.prompt_tokens ?? 0,
    outputTokens: u.completion_tokens ?? 0,
    // `||`: some servers send cached_tokens 0 next to their own non-zero field.
    cacheReadTokens: u.prompt_tokens_details?.cached_tokens || u.prompt_cache_hit_tokens || u.cached_tokens || 0,
    cacheWriteTokens: 0,
  };
}

/** Optional request parameters some models or servers refuse; dropped (or swapped) and the call re-sent. */
const DROPPABLE = ['temperature', 'stream_options', 'max_completion_tokens', 'max_tokens', 'prompt_cache_key'] as const;
type Droppable = (typeof DROPPABLE)[number];

/**
 * Which optional parameter a 400/422 rejects, if any: OpenAI's reasoning models refuse
 * `temperature` ("Unsupported value: 'temperature' …"), some compatible servers refuse
 * `stream_options` or `max_completion_tokens` ("Extra inputs are not permitted").
 */
function rejectedParameter(err: unknown, sent: Record<string, unknown>): Droppable | undefined {
  if (!(err instanceof OpenAI.APIError) || (err.status !== 400 && err.status !== 422)) return undefined;
  const text = `${err.param ?? ''} ${err.message}`;
  for (const p of DROPPABLE) {
    if (sent[p] === undefined) continue;
    if (err.param === p) return p;
    const name = p.replace(/_/g, '[_ ]');
    const re = new RegExp(`(unsupported|not supported|unrecognized|unknown|extra (inputs|fields)|not permitted|not allowed)[^.]*\\b${name}\\b|\\b${name}\\b[^.]*(unsupported|not supported|unrecognized|not permitted|not allowed|extra (inputs|fields))`, 'i');
    if (re.test(text)) return p;
  }
  return undefined;
}

export class OpenAIAdapter implements ModelAdapter {
  readonly providerName: string;
  readonly kind: 'openai' | 'openai-compatible';
  private readonly client: OpenAI;
  private readonly opts: OpenAIAdapterOptions;
  /** Parameters a model refused once (model id → names): not sent to it again by this adapter. */
  private readonly refused = new Map<string, Set<Droppable>>();
  private readonly tokens: TokenCounter;

  constructor(opts: OpenAIAdapterOptions) {
    this.opts = opts;
    this.tokens = opts.tokenCounter ?? new TokenCounter();
    this.providerName = opts.providerName;
    this.kind = opts.kind;
    const log = opts.logger;
    this.client = new OpenAI({
      apiKey: opts.apiKey || PLACEHOLDER_API_KEY,
      baseURL: opts.baseUrl,
      maxRetries: 0, // the router is the only retry loop
      timeout: SDK_TIMEOUT_MS,
      // Never forward the user's OpenAI organisation / project (read from env by default) elsewhere.
      organization: opts.kind === 'openai' ? undefined : null,
      project: opts.kind === 'openai' ? undefined : null,
      defaultHeaders: opts.headers,
      fetch: normalisingFetch(htmlGuardingFetch(opts.fetch ?? ((input, init) => fetch(input, init)))),
      logLevel: 'warn',
      logger: {
        error: (msg: string) => log.error(`[openai sdk] ${msg}`),
        warn: (msg: string) => log.warn(`[openai sdk] ${msg}`),
        info: (msg: string) => log.info(`[openai sdk] ${msg}`),
        debug: (msg: string) => log.debug(`[openai sdk] ${msg}`),
      },
    });
  }

  private ctx(model: ResolvedModel, signal?: AbortSignal, afterOutput = false): ErrorContext {
    return {
      providerName: this.providerName, kind: this.kind, baseUrl: this.opts.baseUrl, model: model.id,
      apiKeyEnv: this.opts.apiKeyEnv, signal, afterOutput,
    };
  }

  stream(model: ResolvedModel, request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    if (request.messages === undefined && request.prompt !== undefined) return this.streamCompletion(model, request, signal);
    return this.streamChat(model, request, signal);
  }

  private async *streamChat(model: ResolvedModel, request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    let delivered = false;
    try {
      if (!request.messages?.length) {
        throw new ModelError({ kind: 'invalid_request', message: 'A chat request needs at least one message.', provider: this.providerName, model: model.id });
      }
      const body: OpenAI.Chat.ChatCompletionCreateParamsStreaming = {
        model: model.id,
        messages: toOpenAIMessages(request.messages),
        stream: true,
        stream_options: { include_usage: true },
      };
      if (request.tools?.length) {
        body.tools = toOpenAITools(request.tools);
        if (request.toolChoice) body.tool_choice = request.toolChoice;
      }
      if (request.maxTokens !== undefined) {
        // OpenAI's reasoning models reject max_tokens; compatible servers mostly know only max_tokens.
        if (this.kind === 'openai') body.max_completion_tokens = request.maxTokens;
        else body.max_tokens = request.maxTokens;
      }
      if (request.temperature !== undefined) body.temperature = request.temperature;
      if (request.stop?.length) body.stop = request.stop;
      if (request.promptCache) {
        // OpenAI routes requests with one key to the same cache; gateways to Claude take markers instead.
        if (this.kind === 'openai' && request.promptCache.key) body.prompt_cache_key = request.promptCache.key;
        if (this.opts.cacheControl) applyGatewayBreakpoints(body.messages, model.id, this.tokens);
      }

      const { data: stream, response } = await this.createWithFallback(model, body as unknown as Record<string, unknown>, (b) =>
        this.client.chat.completions.create(b as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming, { signal }).withResponse());
      let finish: string | null | undefined;
      let usage: Usage | undefined;
      let providerCost = providerCostFrom(response.headers, undefined);
      let invalidUsage: string | undefined;
      let sawToolCalls = false;
      for await (const chunk of stream) {
        if (chunk.usage) {
          const reading = parseWireUsage(openaiWireUsageSchema, chunk.usage);
          if (reading.ok) usage = normaliseOpenAIUsage(reading.value as WireUsage);
          else invalidUsage = reading.reason;
          providerCost = providerCostFrom(response.headers, chunk.usage) ?? providerCost;
        }
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta;
        if (delta?.content) {
          delivered = true;
          yield { type: 'text', text: delta.content };
        }
        for (const [i, tc] of (delta?.tool_calls ?? []).entries()) {
          delivered = true;
          sawToolCalls = true;
          yield {
            type: 'tool_call_delta',
            index: tc.index ?? i,
            ...(tc.id ? { id: tc.id } : {}),
            ...(tc.function?.name ? { name: tc.function.name } : {}),
            argumentsDelta: tc.function?.arguments ?? '',
          };
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
      if (providerCost !== undefined && !signal.aborted && finish) yield { type: 'provider_cost', costUsd: providerCost };
      yield* this.end(model, signal, delivered, finish, usage, sawToolCalls, invalidUsage);
    } catch (err) {
      yield { type: 'error', error: classifyError(err, this.ctx(model, signal, delivered)) };
    }
  }

  private async *streamCompletion(model: ResolvedModel, request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    let delivered = false;
    try {
      const body: OpenAI.CompletionCreateParamsStreaming = {
        model: model.id,
        prompt: request.prompt ?? '',
        stream: true,
        stream_options: { include_usage: true },
      };
      if (request.suffix !== undefined && model.nativeFim) body.suffix = request.suffix;
      if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
      if (request.temperature !== undefined) body.temperature = request.temperature;
      if (request.stop?.length) body.stop = request.stop;

      const stream = await this.createWithFallback(model, body as unknown as Record<string, unknown>, (b) =>
        this.client.completions.create(b as unknown as OpenAI.CompletionCreateParamsStreaming, { signal }));
      let finish: string | null | undefined;
      let usage: Usage | undefined;
      let invalidUsage: string | undefined;
      for await (const chunk of stream) {
        if (chunk.usage) {
          const reading = parseWireUsage(openaiWireUsageSchema, chunk.usage);
          if (reading.ok) usage = normaliseOpenAIUsage(reading.value as WireUsage);
          else invalidUsage = reading.reason;
        }
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (choice.text) {
          delivered = true;
          yield { type: 'text', text: choice.text };
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
      yield* this.end(model, signal, delivered, finish, usage, false, invalidUsage);
    } catch (err) {
      yield { type: 'error', error: classifyError(err, this.ctx(model, signal, delivered)) };
    }
  }

  /**
   * Sends the request; when the model rejects an optional parameter (before any output), drops
   * it (max_completion_tokens ↔ max_tokens are swapped instead) and sends again, at most twice.
   */
  private async createWithFallback<T>(model: ResolvedModel, body: Record<string, unknown>, send: (body: Record<string, unknown>) => Promise<T>): Promise<T> {
    const refused = this.refused.get(model.id) ?? new Set<Droppable>();
    const apply = () => {
      for (const p of refused) {
        if (body[p] === undefined) continue;
        const value = body[p];
        delete body[p];
        if (p === 'max_completion_tokens' && !refused.has('max_tokens')) body.max_tokens = value;
        if (p === 'max_tokens' && !refused.has('max_completion_tokens')) body.max_completion_tokens = value;
      }
    };
    apply();
    for (let attempt = 0; ; attempt++) {
      try {
        return await send(body);
      } catch (err) {
        const p = attempt < 2 ? rejectedParameter(err, body) : undefined;
        if (!p) throw err;
        this.opts.logger.info(`${this.providerName}/${model.id} rejected the "${p}" parameter; sending without it.`);
        refused.add(p);
        this.refused.set(model.id, refused);
        apply();
      }
    }
  }

  /** The stream's last events: usage then finish, or one error when it did not end properly. */
  private *end(model: ResolvedModel, signal: AbortSignal, delivered: boolean, finish: string | null | undefined, usage: Usage | undefined, sawToolCalls: boolean, invalidUsage?: string): Generator<ModelEvent> {
    // The SDK ends the iteration quietly when the request is aborted mid-stream.
    if (signal.aborted) {
      yield { type: 'error', error: classifyError(signal.reason ?? new Error('aborted'), this.ctx(model, signal, delivered)) };
      return;
    }
    if (!finish) {
      yield {
        type: 'error',
        error: new ModelError({
          kind: delivered ? 'stream_interrupted' : 'malformed_response',
          message: delivered
            ? `The stream from ${this.opts.baseUrl} ended in the middle of the answer (no finish reason).`
            : `The stream from ${this.opts.baseUrl} ended without an answer.`,
          provider: this.providerName,
          model: model.id,
        }),
      };
      return;
    }
    if (invalidUsage !== undefined) yield { type: 'usage_invalid', reason: invalidUsage };
    else if (usage) yield { type: 'usage', usage };
    yield { type: 'finish', reason: mapOpenAIFinish(finish, sawToolCalls) };
  }

  async embed(model: ResolvedModel, inputs: string[], signal: AbortSignal): Promise<EmbeddingResult> {
    const vectors: number[][] = [];
    const usage = emptyUsage();
    let invalidUsage: string | undefined;
    let usageMissing = false;
    try {
      for (let start = 0; start < inputs.length; start += EMBED_BATCH) {
        const batch = inputs.slice(start, start + EMBED_BATCH);
        const res = await this.client.embeddings.create({ model: model.id, input: batch }, { signal });
        const data = [...res.data].sort((a, b) => a.index - b.index);
        if (data.length !== batch.length) {
          throw new ModelError({
            kind: 'malformed_response', provider: this.providerName, model: model.id,
            message: `${this.opts.baseUrl} returned ${data.length} embeddings for ${batch.length} inputs.`,
          });
        }
        for (const d of data) vectors.push(Array.from(d.embedding as ArrayLike<number>));
        const reading = res.usage ? parseWireUsage(openaiWireUsageSchema, res.usage) : undefined;
        if (reading?.ok && typeof reading.value.prompt_tokens === 'number') usage.inputTokens += reading.value.prompt_tokens;
        else if (reading && !reading.ok) invalidUsage = reading.reason;
        else usageMissing = true;
      }
      return { vectors, usage, ...(invalidUsage !== undefined ? { invalidUsage } : usageMissing ? { usageMissing } : {}) };
    } catch (err) {
      throw classifyError(err, this.ctx(model, signal));
    }
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    try {
      const ids: string[] = [];
      for await (const m of this.client.models.list({ signal })) ids.push(m.id);
      return ids;
    } catch (err) {
      throw classifyError(err, { providerName: this.providerName, kind: this.kind, baseUrl: this.opts.baseUrl, apiKeyEnv: this.opts.apiKeyEnv, signal });
    }
  }
}
