/**
 * Prompt assembly for a chat turn: the system prompt, the user's question with its context
 * chips expanded, and earlier turns trimmed to fit the model's context window (system prompt and
 * the latest turns are always kept).
 */
import type { ChatMessage } from '../models/types';

export const DEFAULT_SYSTEM_PROMPT = [
  'You are Switchyard, a coding assistant inside VS Code.',
  'Answer precisely and concisely in Markdown. Put code in fenced blocks with a language tag.',
  'When you change code the user gave you, return the complete changed block so it can be applied as is.',
  'If the provided context is not enough to answer, say what is missing.',
].join(' ');

/** One resolved piece of context (a selection, a file, retrieved chunks, an MCP resource). */
export interface ResolvedContext {
  kind: 'selection' | 'file' | 'workspace' | 'mcp-resource' | 'instructions';
  /** e.g. "src/a.ts:10-20", "workspace", "github/README". */
  title: string;
  language?: string;
  content: string;
}

/** Longest fence of backticks inside `text`, so the wrapping fence can be longer. */
function fenceFor(text: string): string {
  let longest = 2;
  for (const m of text.matchAll(/`{3,}/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(longest + 1);
}

/** The user message as sent: context blocks first, then the question. */
export function renderUserPrompt(question: string, contexts: ResolvedContext[]): string {
  if (contexts.length === 0) return question;
  const blocks = contexts.map((c) => {
    const fence = fenceFor(c.content);
    return `<context kind="${c.kind}" source="${c.title.replace(/"/g, "'")}">\n${fence}${c.language ?? ''}\n${c.content}\n${fence}\n</context>`;
  });
  return `${blocks.join('\n\n')}\n\n${question}`;
}

/**
 * A provider-neutral token estimate (about 3.5 characters per token, plus per-message overhead).
 * It errs high: a trimmed prompt must fit whichever tokenizer the answering model uses.
 */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

export function estimateMessageTokens(m: ChatMessage): number {
  const overhead = 6;
  if (m.role === 'assistant') {
    const calls = (m.toolCalls ?? []).reduce((n, c) => n + estimateTokens(c.name + c.arguments), 0);
    return overhead + estimateTokens(m.content) + calls;
  }
  return overhead + estimateTokens(m.content);
}

export interface TrimOptions {
  contextWindow: number;
  /** Tokens kept free for the answer. */
  reserveForOutput: number;
}

export interface TrimResult {
  messages: ChatMessage[];
  /** Earlier messages left out. */
  droppedMessages: number;
  estimatedTokens: number;
  budgetTokens: number;
  /** True when even the system prompt plus the latest user turn exceed the budget (sent anyway). */
  overBudget: boolean;
}

/**
 * Keeps every system message and the newest non-system messages that fit the budget. The latest
 * message is always kept; the kept history never starts with an assistant or tool message (some
 * providers reject that), and a tool result is never kept without the assistant call before it.
 */
export function trimToContextWindow(messages: ChatMessage[], options: TrimOptions): TrimResult {
  const budgetTokens = Math.max(256, options.contextWindow - options.reserveForOutput);
  const system = messages.filter((m) => m.role === 'system');
  const rest = messages.filter((m) => m.role !== 'system');
  let used = system.reduce((n, m) => n + estimateMessageTokens(m), 0);
  let start = rest.length;
  for (let i = rest.length - 1; i >= 0; i--) {
    const cost = estimateMessageTokens(rest[i]!);
    if (i < rest.length - 1 && used + cost > budgetTokens) break;
    used += cost;
    start = i;
  }
  // Do not open the kept history on an assistant or tool message.
  while (start < rest.length - 1 && rest[start]!.role !== 'user') {
    used -= estimateMessageTokens(rest[start]!);
    start++;
  }
  const kept = rest.slice(start);
  return {
    messages: [...system, ...kept],
    droppedMessages: start,
    estimatedTokens: used,
    budgetTokens,
    overBudget: used > budgetTokens,
  };
}

/** Tokens to keep free for the answer: the model's max output, capped at a quarter of the window. */
export function outputReserve(contextWindow: number, maxOutputTokens?: number): number {
  const quarter = Math.floor(contextWindow / 4);
  return Math.min(maxOutputTokens ?? 4096, quarter);
}
