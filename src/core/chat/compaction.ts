/**
 * Compaction: when a conversation nears its model's window (or the user asks), its older messages
 * are summarised by the `summarize` route (a cheap model) and the summary stands in for them in
 * later prompts, instead of the oldest turns being dropped silently. The originals are kept,
 * marked `compacted`, and the Chat tab shows the summary as "Summary of N earlier messages".
 */
import type { Router } from '../router/types';
import type { Span } from '../trace/types';
import type { Conversation, StoredMessage } from './types';

/** Messages kept verbatim at the end (the latest question and answer pairs). */
const KEEP_RECENT_MESSAGES = 4;
/** Compact before sending once the prompt would fill this share of its token budget. */
export const COMPACT_AT_FRACTION = 0.8;

const INSTRUCTIONS = [
  'Summarise the earlier part of a conversation between a developer and a coding assistant so the conversation can continue without it.',
  'Keep: the goal, decisions made, code names (files, functions, types), facts established, open questions. Drop pleasantries.',
  'Write compact Markdown bullet points, at most 300 words.',
].join(' ');

/** The messages a compaction would replace: everything before the last KEEP_RECENT_MESSAGES live ones. */
function compactable(conv: Conversation): StoredMessage[] {
  const live = conv.messages.filter((m) => !m.compacted && m.summaryOf === undefined && m.status !== 'streaming');
  const cut = Math.max(0, live.length - KEEP_RECENT_MESSAGES);
  // Never end the replaced part between a question and its answer.
  let end = cut;
  while (end > 0 && live[end - 1]?.role === 'user') end--;
  return live.slice(0, end);
}

export interface CompactionResult {
  conversation: Conversation;
  summary?: StoredMessage;
  /** Why nothing was compacted, or the summarize call's error. */
  reason?: string;
}

/** Summarises the compactable messages through the `summarize` route; the conversation is unchanged on failure. */
export async function compactConversation(
  conv: Conversation,
  deps: { router: Router; newId: () => string; now: () => number; signal?: AbortSignal; parentSpan?: Span },
): Promise<CompactionResult> {
  const old = compactable(conv);
  if (old.length < 2) return { conversation: conv, reason: 'Nothing to compact yet: the conversation is short.' };
  const previous = conv.messages.find((m) => m.summaryOf !== undefined && !m.compacted);
  const transcript = [
    ...(previous ? [`Earlier summary:\n${previous.content}`] : []),
    ...old.map((m) => `${m.role === 'user' ? 'Developer' : 'Assistant'}: ${m.role === 'user' ? m.promptContent ?? m.content : m.content}`),
  ].join('\n\n');
  const result = await deps.router.complete({
    task: 'summarize',
    feature: 'compaction',
    request: { messages: [{ role: 'system', content: INSTRUCTIONS }, { role: 'user', content: transcript }] },
    signal: deps.signal,
    parentSpan: deps.parentSpan,
  });
  if (result.status !== 'ok' || !result.text.trim()) {
    return { conversation: conv, reason: result.error?.message ?? 'The summarize route returned no summary.' };
  }
  const replaced = new Set([...old.map((m) => m.id), ...(previous ? [previous.id] : [])]);
  const count = old.length + (previous?.summaryOf ?? 0);
  const summary: StoredMessage = {
    id: deps.newId(),
    role: 'assistant',
    content: result.text.trim(),
    timeMs: deps.now(),
    status: 'ok',
    summaryOf: count,
    model: result.model,
    traceId: result.traceId,
    usage: result.usage,
    costUsd: result.costUsd,
  };
  // The summary takes the place of the first message it replaces; the originals stay, compacted.
  const messages: StoredMessage[] = [];
  let placed = false;
  for (const m of conv.messages) {
    if (replaced.has(m.id) && !placed) {
      messages.push(summary);
      placed = true;
    }
    messages.push(replaced.has(m.id) ? { ...m, compacted: true } : m);
  }
  return { conversation: { ...conv, messages }, summary };
}
