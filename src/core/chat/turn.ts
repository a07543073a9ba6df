/**
 * The seam where one chat turn meets the model: today a single `router.stream` call; the tool
 * loop (toolLoop.ts) plugs in here with the same shape and reports tool calls via `onToolCall`.
 */
import type { ChatMessage } from '../models/types';
import type { Router, RouterStream } from '../router/types';
import type { Span } from '../trace/types';
import type { ToolCallView } from './types';
import type { BeforeModelCall } from './spendCap';

export interface TurnInput {
  messages: ChatMessage[];
  /** The conversation's model; undefined = the chat route. */
  model?: string;
  signal: AbortSignal;
  parentSpan?: Span;
  /** Attributes for the operation span (e.g. the trimming facts). */
  attributes: Record<string, string | number | boolean>;
  /** A tool call changed state (requested, approved, denied, running, done, error). */
  onToolCall: (call: ToolCallView) => void;
  /** Groups the turn's calls for the provider's prompt cache (the conversation id). */
  cacheKey?: string;
  /** Spend caps: asked before each model call after the first (the chat service checks the first). */
  beforeModelCall?: BeforeModelCall;
}

/**
 * Runs one turn. The stream's text events are the answer; its `result` must cover the whole turn
 * (for a tool loop: usage and cost summed over every model call, the final model and traceId).
 */
export type TurnRunner = (input: TurnInput) => RouterStream;

/** The plain turn: one routed chat call, no tools. */
export function routerTurnRunner(router: () => Router): TurnRunner {
  return (input) =>
    router().stream({
      task: 'chat',
      feature: 'chat',
      request: { messages: input.messages },
      signal: input.signal,
      model: input.model,
      parentSpan: input.parentSpan,
      attributes: input.attributes,
      cacheKey: input.cacheKey,
    });
}
