/**
 * Token usage as it comes off the wire, checked before it is believed: the adapters hand every
 * usage object a provider sends to `parseWireUsage` (numeric strings are coerced, negative,
 * fractional or absurd counts are refused), and the router estimates usage locally with
 * `estimateUsage` when a provider sent none. A refused or missing reading never becomes $0.
 */
import { z } from 'zod';
import type { ModelRequest, ToolCall, Usage } from './types';

/** More tokens than any model reads or writes in one call (context windows top out near 10M). */
const MAX_TOKENS_PER_CALL = 100_000_000;

/** Where a call's token counts came from: the provider, a local count, or nowhere believable. */
export type UsageSource = 'reported' | 'estimated' | 'unknown';

/** A token count: a non-negative integer, or a string of digits ("1000") as some servers send. */
const tokenCount = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.number({ error: 'not a number' }).int('not a whole number').nonnegative('negative').max(MAX_TOKENS_PER_CALL, `above ${MAX_TOKENS_PER_CALL.toLocaleString('en-US')} tokens`),
);
const optionalCount = tokenCount.nullish();

/** OpenAI and compatible servers (DeepSeek's and Moonshot's cache fields included). Unknown fields pass through. */
export const openaiWireUsageSchema = z.looseObject({
  prompt_tokens: optionalCount,
  completion_tokens: optionalCount,
  prompt_tokens_details: z.looseObject({ cached_tokens: optionalCount }).nullish(),
  prompt_cache_hit_tokens: optionalCount,
  cached_tokens: optionalCount,
});

/** Anthropic's message usage (message_start, message_delta, or a whole message). */
export const anthropicWireUsageSchema = z.looseObject({
  input_tokens: optionalCount,
  output_tokens: optionalCount,
  cache_read_input_tokens: optionalCount,
  cache_creation_input_tokens: optionalCount,
});

export type UsageReading<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Validates one wire usage object; the reason names each bad field and what it held. */
export function parseWireUsage<S extends z.ZodType>(schema: S, raw: unknown): UsageReading<z.infer<S>> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const at = (path: PropertyKey[]) => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), raw);
  const reason = parsed.error.issues
    .map((i) => `${i.path.map(String).join('.') || 'usage'} = ${JSON.stringify(at(i.path))?.slice(0, 40)} (${i.message})`)
    .join('; ');
  return { ok: false, reason };
}

/** About 4 characters per token: a billing estimate, so it aims at the middle, not high. */
const CHARS_PER_TOKEN = 4;
/** Role markers and message framing, per message. */
const MESSAGE_OVERHEAD_TOKENS = 4;

const tokensOf = (text: string) => Math.ceil(text.length / CHARS_PER_TOKEN);

/** Usage counted locally from what was sent and what came back, for a provider that reported none. */
export function estimateUsage(request: ModelRequest | { embedInputs: string[] }, outputText: string, toolCalls: ToolCall[] = []): Usage {
  let input = 0;
  if ('embedInputs' in request) {
    for (const t of request.embedInputs) input += tokensOf(t);
  } else {
    for (const m of request.messages ?? []) {
      input += MESSAGE_OVERHEAD_TOKENS + tokensOf(m.content);
      if (m.role === 'assistant') for (const c of m.toolCalls ?? []) input += tokensOf(c.name + c.arguments);
    }
    if (request.prompt !== undefined) input += tokensOf(request.prompt);
    if (request.suffix !== undefined) input += tokensOf(request.suffix);
    for (const t of request.tools ?? []) input += tokensOf(t.name + (t.description ?? '') + JSON.stringify(t.inputSchema));
  }
  let output = tokensOf(outputText);
  for (const c of toolCalls) output += tokensOf(c.name + c.arguments);
  return { inputTokens: input, outputTokens: output, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

/** What one attempt's stream said about usage. */
export type UsageReport = 'none' | 'reported' | 'partial' | 'invalid';

/**
 * One attempt's usage as recorded: the provider's when it reported it; counted locally (marked
 * "estimated") when it reported none or only part (a stream cut after Anthropic's message_start)
 * although the model answered; "unknown" (no tokens, cost null) when what it sent was refused.
 * An attempt that failed before any output and reported nothing used nothing.
 */
export function settleUsage(report: UsageReport, reported: Usage, answered: boolean, estimate: () => Usage): { usage: Usage; source?: UsageSource } {
  switch (report) {
    case 'invalid':
      return { usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, source: 'unknown' };
    case 'reported':
      return { usage: reported, source: 'reported' };
    case 'partial': {
      const local = estimate();
      return {
        usage: { ...reported, inputTokens: Math.max(reported.inputTokens, local.inputTokens), outputTokens: Math.max(reported.outputTokens, local.outputTokens) },
        source: 'estimated',
      };
    }
    case 'none':
      return answered ? { usage: estimate(), source: 'estimated' } : { usage: reported };
  }
}

/** The least certain of two sources (reported < estimated < unknown). */
export function worseSource(a: UsageSource | undefined, b: UsageSource | undefined): UsageSource | undefined {
  const rank = (s: UsageSource | undefined) => (s === undefined ? 0 : s === 'reported' ? 1 : s === 'estimated' ? 2 : 3);
  return rank(a) >= rank(b) ? a : b;
}
