/**
 * The seam where one chat turn meets the model: a single `router.stream` call, or the tool loop
 * (toolLoop.ts) with the same shape, which reports tool calls via `onToolCall`.
 */
import type { ChatMessage } from '../models/types';
import type { Router, RouterEvent, RouterStream } from '../router/types';
import type { Span } from '../trace/types';
import type { ToolCallView } from './types';
import type { BeforeModelCall } from './spendCap';
import { turnResultOf, type TurnResult } from './turnResult';

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

export interface TurnStream extends AsyncIterable<RouterEvent> {
  /** Resolves when the turn is over (success, failure or cancel); never rejects. */
  readonly result: Promise<TurnResult>;
}

/** Runs one turn. The stream's text events are the answer; its `result` covers the whole turn. */
export type TurnRunner = (input: TurnInput) => TurnStream;

/** One routed call as a turn of its own: the same events, its result as the turn's. */
export function turnStreamOf(stream: RouterStream): TurnStream {
  return {
    result: stream.result.then((call) => turnResultOf([call], { latencyMs: call.latencyMs })),
    [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
  };
}

/** The plain turn: one routed chat call, no tools. */
export function routerTurnRunner(router: () => Router): TurnRunner {
  return (input) =>
    turnStreamOf(router().stream({
      task: 'chat',
      feature: 'chat',
      request: { messages: input.messages },
      signal: input.signal,
      model: input.model,
      parentSpan: input.parentSpan,
      attributes: input.attributes,
      cacheKey: input.cacheKey,
    }));
}
