/**
 * Local token counting with the model family's BPE (gpt-tokenizer): o200k for OpenAI's current
 * models, cl100k for older OpenAI models and as the nearest public approximation for Claude and
 * open-weight models (Anthropic publishes no tokenizer for Claude 3+). Encoders load on first use
 * (about 0.2 s each), and counts are cached by text, so a caller may ask thousands of times a turn.
 */
import type { ChatMessage, ToolDefinition } from './types';

export type TokenizerEncoding = 'o200k_base' | 'cl100k_base';

interface Encoder {
  countTokens(text: string): number;
}

/** Tokens a chat message costs beyond its text (role and separators), as OpenAI documents for its chat format. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** The encoding for a model id or family name ("gpt-5-mini", "claude-sonnet-4-5", "o200k_base", "openai/gpt-4o"). */
export function encodingFor(modelFamily: string): TokenizerEncoding {
  const id = modelFamily.toLowerCase().split('/').pop() ?? '';
  if (id === 'o200k_base' || id === 'cl100k_base') return id;
  // gpt-4o, gpt-4.1, gpt-4.5, gpt-5+, o1/o3/o4 reasoning models, gpt-oss: o200k.
  if (/^(gpt-4o|gpt-4\.[1-9]|gpt-[5-9]|gpt-oss|chatgpt-4o|o[1-9](-|$)|codex)/.test(id)) return 'o200k_base';
  return 'cl100k_base';
}

function loadEncoder(encoding: TokenizerEncoding): Encoder {
  // Required lazily: each encoding's rank table is megabytes and takes ~0.2 s to load.
  /* eslint-disable @typescript-eslint/no-require-imports */
  return encoding === 'o200k_base'
    ? (require('gpt-tokenizer/encoding/o200k_base') as Encoder)
    : (require('gpt-tokenizer/encoding/cl100k_base') as Encoder);
  /* eslint-enable @typescript-eslint/no-require-imports */
}

export interface TokenCounterOptions {
  /** Cached counts kept (least recently used dropped first). */
  maxEntries?: number;
}

/** Counts tokens; one instance per composition root, shared by every caller. */
export class TokenCounter {
  private readonly encoders = new Map<TokenizerEncoding, Encoder>();
  /** "encoding\u0000text" → count, in least-recently-used order. */
  private readonly cache = new Map<string, number>();
  private readonly maxEntries: number;

  constructor(options: TokenCounterOptions = {}) {
    this.maxEntries = options.maxEntries ?? 4096;
  }

  /** Tokens of `text` for a model id or family; cached. */
  countTokens(modelFamily: string, text: string): number {
    if (!text) return 0;
    const encoding = encodingFor(modelFamily);
    const key = `${encoding}\u0000${text}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    let encoder = this.encoders.get(encoding);
    if (!encoder) {
      encoder = loadEncoder(encoding);
      this.encoders.set(encoding, encoder);
    }
    const count = encoder.countTokens(text);
    this.cache.set(key, count);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    return count;
  }

  /** Tokens of one chat message as sent (text, tool calls, per-message overhead). */
  countMessage(modelFamily: string, message: ChatMessage): number {
    let n = MESSAGE_OVERHEAD_TOKENS + this.countTokens(modelFamily, message.content);
    if (message.role === 'assistant') for (const c of message.toolCalls ?? []) n += this.countTokens(modelFamily, c.name) + this.countTokens(modelFamily, c.arguments);
    return n;
  }

  countMessages(modelFamily: string, messages: ChatMessage[]): number {
    return messages.reduce((n, m) => n + this.countMessage(modelFamily, m), 0);
  }

  /** Tokens of tool definitions as serialised for the model. */
  countTools(modelFamily: string, tools: ToolDefinition[] | undefined): number {
    return (tools ?? []).reduce((n, t) => n + this.countTokens(modelFamily, JSON.stringify(t)), 0);
  }
}
