/** The router's public contract: every model call in Switchyard goes through `Router`. */
import type { ErrorClass, ModelError } from '../models/errors';
import type { FinishReason, ModelEvent, ModelRequest, ResolvedModel, ToolCall, Usage } from '../models/types';
import type { UsageSource } from '../models/usage';
import type { Span } from '../trace/types';
import type { ResolvedRoute, RouteNeeds } from './resolve';

export interface RouteRequest {
  /** chat | completion | embedding | summarize | any custom task with a route in config. */
  task: string;
  request: ModelRequest;
  /**
   * Builds the request for one candidate, when it depends on the model (a FIM template, a
   * context-window trim). Overrides `request` for every candidate when given.
   */
  requestFor?: (model: ResolvedModel) => ModelRequest;
  signal?: AbortSignal;
  /** Use exactly this model name (overrides pin and route; still falls back along the route). */
  model?: string;
  /** Ledger feature label; defaults to the task (e.g. "tools" for MCP-driven calls). */
  feature?: string;
  /** Parent span; without one the router starts a new trace. */
  parentSpan?: Span;
  /** Overrides the task's time-to-first-token timeout. */
  ttftTimeoutMs?: number;
  /** Extra attributes on the operation span (e.g. completion outcome). */
  attributes?: Record<string, string | number | boolean>;
  /** Groups calls that share a prompt prefix (a conversation id): OpenAI's prompt_cache_key. */
  cacheKey?: string;
}

export interface AttemptRecord {
  model: string;
  modelId: string;
  provider: string;
  status: 'ok' | 'error' | 'skipped';
  errorClass?: ErrorClass;
  /** Why the router moved on (or stopped), in words. */
  reason?: string;
  httpStatus?: number;
  latencyMs: number;
  ttftMs?: number;
}

export interface RouterResult {
  traceId: string;
  status: 'ok' | 'error' | 'cancelled';
  text: string;
  toolCalls: ToolCall[];
  finishReason?: FinishReason;
  /** Final model config name (the one that answered, or the last tried). */
  model?: string;
  modelId?: string;
  provider?: string;
  attempts: AttemptRecord[];
  usage: Usage;
  /** null when the price of the model or the usage is unknown: never reported as $0. */
  costUsd: number | null;
  /** The answering model runs locally (its $0 is shown as "$0 (local)"). */
  local?: boolean;
  /** What the provider reported the call cost, when it did (summed over attempts that reported). */
  providerCostUsd?: number;
  /** "estimated": the provider reported no (or partial) usage and it was counted locally. */
  usageSource?: UsageSource;
  latencyMs: number;
  ttftMs?: number;
  error?: ModelError;
}

/** The router's stream adds attempt notices to the neutral model events. */
export type RouterEvent =
  | ModelEvent
  | { type: 'attempt'; model: string; provider: string; attempt: number }
  | { type: 'fallback'; from: string; to: string; reason: string };

export interface RouterStream extends AsyncIterable<RouterEvent> {
  /** Resolves when the call is over (success, failure or cancel); never rejects. */
  readonly result: Promise<RouterResult>;
}

export interface EmbedRequest {
  inputs: string[];
  signal?: AbortSignal;
  model?: string;
  parentSpan?: Span;
}

export interface Router {
  stream(request: RouteRequest): RouterStream;
  /** Runs the call to the end; the same as draining `stream`. */
  complete(request: RouteRequest): Promise<RouterResult>;
  /** task 'embedding'; throws ModelError when every candidate failed. */
  embed(request: EmbedRequest): Promise<{ vectors: number[][]; result: RouterResult }>;
  /**
   * The candidates a call of `task` would try now, `pinned` (a model config name) first, with
   * their limits and the ones it would skip with why. Calls nothing; never throws.
   */
  resolve(task: string, pinned?: string, needs?: RouteNeeds): ResolvedRoute;
}
