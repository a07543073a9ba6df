/** The neutral request and event vocabulary every provider adapter speaks. */
import type { ModelError } from './errors';

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, exactly as the model produced it. */
  arguments: string;
}

/** An image in a user message (providers that take images: see the catalog's `vision`). */
export interface ImageInput {
  /** image/png, image/jpeg, image/gif or image/webp. */
  mimeType: string;
  dataBase64: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string; images?: ImageInput[] }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface ToolDefinition {
  /** Must match ^[a-zA-Z0-9_-]{1,64}$ so both OpenAI and Anthropic accept it. */
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  inputSchema: Record<string, unknown>;
}

/**
 * One model request. A chat request carries `messages`; a text-completion (fill-in-the-middle)
 * request carries `prompt` and, for endpoints with a native `suffix` parameter, `suffix`.
 */
export interface ModelRequest {
  messages?: ChatMessage[];
  prompt?: string;
  suffix?: string;
  tools?: ToolDefinition[];
  toolChoice?: 'auto' | 'none' | 'required';
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  /**
   * Prompt caching, set by the router when the `promptCache` setting is on: Anthropic gets
   * cache_control breakpoints, OpenAI a `prompt_cache_key` (`key`, e.g. the conversation id).
   */
  promptCache?: { key?: string };
}

/**
 * Token counts, normalised across providers:
 * `inputTokens` counts every prompt token, cached or not (OpenAI's convention);
 * `cacheReadTokens` and `cacheWriteTokens` are the parts of it read from / written to the cache.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

/**
 * What an adapter's stream yields. A stream ends with exactly one `finish` or one `error`
 * event; adapters never throw from the iterator (a thrown SDK error becomes an `error` event).
 */
export type ModelEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_call_delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  /** What the provider itself billed for the call (OpenRouter `usage.cost`, LiteLLM's cost header), USD. */
  | { type: 'provider_cost'; costUsd: number }
  /** `partial`: what the provider had reported when the stream broke off (e.g. Anthropic's message_start). */
  | { type: 'usage'; usage: Usage; partial?: boolean }
  /** The provider sent usage that cannot be believed (negative, absurd, not a number): the cost is unknown. */
  | { type: 'usage_invalid'; reason: string }
  | { type: 'finish'; reason: FinishReason }
  | { type: 'error'; error: ModelError };

export type ProviderKind = 'openai' | 'anthropic' | 'openai-compatible';

/** A model as the router resolved it from config and the price catalog. */
export interface ResolvedModel {
  /** The config name (e.g. "sonnet"). */
  name: string;
  /** The provider's model id (e.g. "claude-sonnet-4-5"). */
  id: string;
  providerName: string;
  providerKind: ProviderKind;
  contextWindow?: number;
  maxOutputTokens?: number;
  /** Whether the endpoint takes a native `suffix` parameter on /completions. */
  nativeFim: boolean;
}

export interface EmbeddingResult {
  vectors: number[][];
  usage: Usage;
  /** The provider's usage was refused (see usage.ts): the cost is unknown. */
  invalidUsage?: string;
  /** The provider sent no usage: the router counts it locally. */
  usageMissing?: boolean;
}

export interface ModelAdapter {
  readonly providerName: string;
  readonly kind: ProviderKind;
  stream(model: ResolvedModel, request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
  /** Throws ModelError on failure. */
  embed(model: ResolvedModel, inputs: string[], signal: AbortSignal): Promise<EmbeddingResult>;
  /** The model ids the account or server lists (setup); throws ModelError on failure. */
  listModels?(signal?: AbortSignal): Promise<string[]>;
}
