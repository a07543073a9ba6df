/**
 * The next turn's cost before it is sent: the prompt as the chat service would send it (system
 * prompt, kept history, the draft with its chips) counted with the model family's tokenizer,
 * the prefix the provider cached on the previous turn priced as cache reads, and the output at
 * the conversation's running average. Also the context meter: those tokens of the model's window.
 */
import type { Price } from '../config/schema';
import { computeCost } from '../cost/pricing';
import type { TokenCounter } from '../models/tokens';
import type { ChatMessage } from '../models/types';
import { minCacheableTokens } from '../models/promptCache';
import type { Conversation } from './types';

/** Output assumed before a conversation has any answer to average. */
const DEFAULT_OUTPUT_ESTIMATE = 500;
/** OpenAI and most gateways cache automatically from this many prompt tokens. */
const OPENAI_MIN_CACHED_PREFIX = 1024;

export interface NextTurnEstimate {
  model: string;
  modelId: string;
  inputTokens: number;
  /** Part of inputTokens expected from the provider's prompt cache (priced as cache reads). */
  cachedTokens: number;
  outputTokens: number;
  /** True when outputTokens is the conversation's running average (false: the default guess). */
  outputFromHistory: boolean;
  /** null: the price is unknown. */
  costUsd: number | null;
  /** The model runs locally: its $0 reads "$0 (local)". */
  local?: boolean;
  contextWindow: number;
  /** Chips whose content is only known when sent (@workspace retrieval, MCP resources): not counted. */
  uncountedChips: number;
}

export interface EstimateInput {
  tokens: TokenCounter;
  modelName: string;
  modelId: string;
  providerKind: 'openai' | 'anthropic' | 'openai-compatible';
  price: Price | undefined;
  /** The model runs locally (its price is $0 unless the user priced it). */
  local?: boolean;
  contextWindow: number;
  /** The messages that would be sent, the new user message last. */
  messages: ChatMessage[];
  conversation: Conversation | undefined;
  promptCache: boolean;
  uncountedChips: number;
}

export function estimateNextTurn(input: EstimateInput): NextTurnEstimate {
  const { tokens, modelId } = input;
  const inputTokens = tokens.countMessages(modelId, input.messages);
  const answers = (input.conversation?.messages ?? []).filter((m) => m.role === 'assistant' && m.status === 'ok' && m.usage && m.summaryOf === undefined);
  const outputFromHistory = answers.length > 0;
  const outputTokens = outputFromHistory
    ? Math.round(answers.reduce((n, m) => n + (m.usage?.outputTokens ?? 0), 0) / answers.length)
    : DEFAULT_OUTPUT_ESTIMATE;

  // What the previous request sent is now a prefix of this one: cached, if long enough to be.
  let cachedTokens = 0;
  const last = answers.at(-1);
  if (input.promptCache && last?.usage) {
    const prefix = tokens.countMessages(modelId, input.messages.slice(0, -1));
    const min = input.providerKind === 'anthropic' || /claude/i.test(modelId) ? minCacheableTokens(modelId) : OPENAI_MIN_CACHED_PREFIX;
    const candidate = Math.min(prefix, last.usage.inputTokens);
    if (candidate >= min) cachedTokens = candidate;
  }
  const { costUsd } = computeCost({ inputTokens, outputTokens, cacheReadTokens: cachedTokens, cacheWriteTokens: 0 }, input.price);
  return {
    model: input.modelName,
    modelId,
    inputTokens,
    cachedTokens,
    outputTokens,
    outputFromHistory,
    costUsd,
    ...(input.local ? { local: true } : {}),
    contextWindow: input.contextWindow,
    uncountedChips: input.uncountedChips,
  };
}
