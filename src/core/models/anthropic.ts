/** The adapter for Anthropic's Messages API over `@anthropic-ai/sdk` (chat and tools; no FIM, no embeddings). */
import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from '../logger';
import { classifyError, type ErrorContext } from './classify';
import { ModelError } from './errors';
import type { ChatMessage, EmbeddingResult, FinishReason, ModelAdapter, ModelEvent, ModelRequest, ResolvedModel, ToolDefinition, Usage } from './types';
import { SDK_TIMEOUT_MS } from './openai';
import { htmlGuardingFetch } from './responseGuard';
import { applyAnthropicBreakpoints } from './promptCache';
import { TokenCounter } from './tokens';
import { anthropicWireUsageSchema, parseWireUsage } from './usage';

export interface AnthropicAdapterOptions {
  providerName: string;
  baseUrl: string;
  apiKey: string;
  apiKeyEnv?: string;
  headers?: Record<string, string>;
  logger: Logger;
  /** Counts the prefix before placing a cache breakpoint (shared with the composition root's counter). */
  tokenCounter?: TokenCounter;
}

/** Anthropic requires max_tokens; used when neither the request nor the model config sets one. */
const DEFAULT_MAX_TOKENS = 4096;

type ContentBlock = Anthropic.Messages.ContentBlockParam;
type Turn = { role: 'user' | 'assistant'; content: ContentBlock[] };

/**
 * Neutral messages → Anthropic's shape: system prompts move to the top-level `system`, tool
 * results become `tool_result` blocks of a user turn, and consecutive same-role turns merge
 * (every tool_result of an assistant turn must sit in the very next user turn).
 */
export function toAnthropicMessages(messages: ChatMessage[]): { system?: string; messages: Anthropic.Messages.MessageParam[] } {
  const system: string[] = [];
  const turns: Turn[] = [];
  const push = (role: Turn['role'], blocks: ContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  const text = (t: string): ContentBlock[] => (t ? [{ type: 'text', text: t }] : []); // empty text blocks are rejected
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        if (m.content) system.push(m.content);
        break;
      case 'user': {
        const images: ContentBlock[] = (m.images ?? []).map((img) => ({
          type: 'image',
          source: { type: 'base64', media_type: img.mimeType as Anthropic.Messages.Base64ImageSource['media_type'], data: img.dataBase64 },
        }));
        push('user', [...images, ...text(m.content)]);
        break;
      }
      case 'assistant': {
        const blocks: ContentBlock[] = text(m.content);
        for (const c of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: parseArgs(c.arguments) });
        push('assistant', blocks);
        break;
      }
      case 'tool': {
        const block: Anthropic.Messages.ToolResultBlockParam = { type: 'tool_result', tool_use_id: m.toolCallId, content: m.content };
        if (m.isError) block.is_error = true;
        // Tool results lead their user turn: put them before any text already merged there.
        const last = turns[turns.length - 1];
        if (last && last.role === 'user') {
          const firstText = last.content.findIndex((b) => b.type !== 'tool_result');
          if (firstText >= 0) last.content.splice(firstText, 0, block);
          else last.content.push(block);
        } else push('user', [block]);
        break;
      }
    }
  }
  return { ...(system.length ? { system: system.join('\n\n') } : {}), messages: turns };
}

function parseArgs(args: string): Record<string, unknown> {
  if (!args) return {};
  try {
    const v: unknown = JSON.parse(args);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    // Anthropic needs an object; keep the model's text so the transcript stays honest.
    return { _unparsedArguments: args };
  }
}

function toAnthropicTools(tools: ToolDefinition[]): Anthropic.Messages.Tool[] {
  return tools.map((t) => ({
    name: t.name,
    ...(t.description ? { description: t.description } : {}),
    input_schema: { type: 'object', ...t.inputSchema } as Anthropic.Messages.Tool.InputSchema,
  }));
}

export function mapAnthropicStop(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

interface WireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** Anthropic's input_tokens EXCLUDES cache reads and writes; the neutral inputTokens includes them. */
export function normaliseAnthropicUsage(u: WireUsage): Usage {
  const read = u.cache_read_input_tokens ?? 0;
  const write = u.cache_creation_input_tokens ?? 0;
  return { inputTokens: (u.input_tokens ?? 0) + read + write, outputTokens: u.output_tokens ?? 0, cacheReadTokens: read, cacheWriteTokens: write };
}

export class AnthropicAdapter implements ModelAdapter {
  readonly providerName: string;
  readonly kind = 'anthropic' as const;
  private readonly client: Anthropic;
  private readonly opts: AnthropicAdapterOptions;
  private readonly tokens: TokenCounter;

  constructor(opts: AnthropicAdapterOptions) {
    this.opts = opts;
    this.tokens = opts.tokenCounter ?? new TokenCounter();
    this.providerName = opts.providerName;
    const log = opts.logger;
    this.client = new Anthropic({
      apiKey: opts.apiKey,
      baseURL: opts.baseUrl,
      maxRetries: 0, // the router is the only retry loop
      timeout: SDK_TIMEOUT_MS,
      defaultHeaders: opts.headers,
      fetch: htmlGuardingFetch((input, init) => fetch(input, init)),
      // Switchyard traces every call itself (with redaction); no second set of spans from the SDK.
      openTelemetry: false,
      logLevel: 'warn',
      logger: {
        error: (msg: string) => log.error(`[anthropic sdk] ${msg}`),
        warn: (msg: string) => log.warn(`[anthropic sdk] ${msg}`),
        info: (msg: string) => log.info(`[anthropic sdk] ${msg}`),
        debug: (msg: string) => log.debug(`[anthropic sdk] ${msg}`),
      },
    });
  }

  private ctx(model: ResolvedModel, signal?: AbortSignal, afterOutput = false): ErrorContext {
    return { providerName: this.providerName, kind: 'anthropic', baseUrl: this.opts.baseUrl, model: model.id, apiKeyEnv: this.opts.apiKeyEnv, signal, afterOutput };
  }

  async *stream(model: ResolvedModel, request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    let delivered = false;
    /** Usage fields as received (message_start, then message_delta's cumulative ones); undefined before message_start. */
    let wire: Record<string, unknown> | undefined;
    /** What the provider had reported so far, for a stream that ends badly: input is billed once message_start came. */
    const usageSoFar = (partial: boolean): ModelEvent[] => {
      if (!wire) return [];
      const reading = parseWireUsage(anthropicWireUsageSchema, wire);
      if (!reading.ok) return [{ type: 'usage_invalid', reason: reading.reason }];
      return [{ type: 'usage', usage: normaliseAnthropicUsage(reading.value), ...(partial ? { partial } : {}) }];
    };
    try {
      if (!request.messages?.length) {
        throw new ModelError({
          kind: 'invalid_request',
          provider: this.providerName,
          model: model.id,
          message: request.prompt !== undefined
            ? `Anthropic has no text-completion endpoint, so model "${model.name}" cannot take a raw prompt/suffix request.`
            : 'A chat request needs at least one message.',
          fix: request.prompt !== undefined ? `Set models.${model.name}.fim to "chat" so completions use a hole-filler chat prompt.` : undefined,
        });
      }
      const { system, messages } = toAnthropicMessages(request.messages);
      if (messages.length === 0) {
        throw new ModelError({ kind: 'invalid_request', provider: this.providerName, model: model.id, message: 'Anthropic needs at least one user or assistant message besides the system prompt.' });
      }
      const body: Anthropic.Messages.MessageCreateParamsStreaming = {
        model: model.id,
        max_tokens: request.maxTokens ?? model.maxOutputTokens ?? DEFAULT_MAX_TOKENS,
        messages,
        stream: true,
      };
      if (system) body.system = system;
      if (request.tools?.length) {
        body.tools = toAnthropicTools(request.tools);
        if (request.toolChoice) body.tool_choice = { type: request.toolChoice === 'required' ? 'any' : request.toolChoice };
      }
      // The Messages API of this SDK generation has no `temperature` parameter: it is not sent.
      if (request.stop?.length) body.stop_sequences = request.stop;
      if (request.promptCache) applyAnthropicBreakpoints(body, model.id, this.tokens);

      const stream = await this.client.messages.create(body, { signal });
      let stop: string | null | undefined;
      let stopped = false;
      const toolIndex = new Map<number, number>(); // content block index → tool call index
      for await (const ev of stream) {
        switch (ev.type) {
          case 'message_start':
            if (ev.message.usage) wire = { ...(ev.message.usage as object) };
            break;
          case 'content_block_start':
            if (ev.content_block.type === 'tool_use') {
              const index = toolIndex.size;
              toolIndex.set(ev.index, index);
              delivered = true;
              const input = ev.content_block.input as Record<string, unknown> | undefined;
              yield {
                type: 'tool_call_delta', index, id: ev.content_block.id, name: ev.content_block.name,
                argumentsDelta: input && Object.keys(input).length ? JSON.stringify(input) : '',
              };
            } else if (ev.content_block.type === 'text' && ev.content_block.text) {
              delivered = true;
              yield { type: 'text', text: ev.content_block.text };
            }
            break;
          case 'content_block_delta':
            if (ev.delta.type === 'text_delta') {
              if (ev.delta.text) {
                delivered = true;
                yield { type: 'text', text: ev.delta.text };
              }
            } else if (ev.delta.type === 'input_json_delta') {
              const index = toolIndex.get(ev.index);
              if (index !== undefined && ev.delta.partial_json) yield { type: 'tool_call_delta', index, argumentsDelta: ev.delta.partial_json };
            }
            break;
          case 'message_delta': {
            stop = ev.delta.stop_reason ?? stop;
            // message_delta usage is cumulative: its non-null fields replace message_start's.
            const u = (ev.usage ?? {}) as unknown as Record<string, unknown>;
            for (const k of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const) {
              if (u[k] !== null && u[k] !== undefined) (wire ??= {})[k] = u[k];
            }
            break;
          }
          case 'message_stop':
            stopped = true;
            break;
        }
      }
      if (signal.aborted) {
        yield* usageSoFar(true);
        yield { type: 'error', error: classifyError(signal.reason ?? new Error('aborted'), this.ctx(model, signal, delivered)) };
        return;
      }
      if (!stopped || !stop) {
        yield* usageSoFar(true);
        yield {
          type: 'error',
          error: new ModelError({
            kind: delivered ? 'stream_interrupted' : 'malformed_response',
            provider: this.providerName,
            model: model.id,
            message: delivered
              ? `The Anthropic stream from ${this.opts.baseUrl} ended in the middle of the answer (no message_stop).`
              : `The Anthropic stream from ${this.opts.baseUrl} ended without an answer.`,
          }),
        };
        return;
      }
      yield* usageSoFar(false);
      yield { type: 'finish', reason: mapAnthropicStop(stop) };
    } catch (err) {
      yield* usageSoFar(true);
      yield { type: 'error', error: classifyError(err, this.ctx(model, signal, delivered)) };
    }
  }

  async embed(model: ResolvedModel): Promise<EmbeddingResult> {
    throw new ModelError({
      kind: 'config',
      provider: this.providerName,
      model: model.id,
      message: `Anthropic has no embeddings API, so model "${model.name}" cannot embed text.`,
      fix: 'Route the "embedding" task to an OpenAI or OpenAI-compatible embedding model (e.g. text-embedding-3-small, or nomic-embed-text on Ollama).',
    });
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    try {
      const ids: string[] = [];
      for await (const m of this.client.models.list({}, { signal })) ids.push(m.id);
      return ids;
    } catch (err) {
      throw classifyError(err, { providerName: this.providerName, kind: 'anthropic', baseUrl: this.opts.baseUrl, apiKeyEnv: this.opts.apiKeyEnv, signal });
    }
  }
}
