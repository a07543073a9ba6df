/**
 * The end of a router call: its totals (usage, cost, tool calls) become the caller's result, the
 * operation span's attributes and exactly one ledger record; the budget counts the spend.
 */
import type { Price } from '../config/schema';
import type { LedgerRecord } from '../cost/types';
import { budgetCost, computeCost } from '../cost/pricing';
import { isLocalModel } from '../cost/local';
import type { ModelError } from '../models/errors';
import type { FinishReason, ModelRequest, ResolvedModel, Usage } from '../models/types';
import type { UsageSource } from '../models/usage';
import {
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SWITCHYARD_ATTEMPTS,
  ATTR_SWITCHYARD_CACHE_HIT_RATE,
  ATTR_SWITCHYARD_CACHE_SAVINGS_USD,
  ATTR_SWITCHYARD_COST_USD,
  ATTR_SWITCHYARD_LOCAL,
  ATTR_SWITCHYARD_LATENCY_MS,
  ATTR_SWITCHYARD_MODEL,
  ATTR_SWITCHYARD_PROVIDER,
  ATTR_SWITCHYARD_PROVIDER_COST_USD,
  ATTR_SWITCHYARD_RESPONSE,
  ATTR_SWITCHYARD_STATUS,
  ATTR_SWITCHYARD_TOOL_CALLS,
  ATTR_SWITCHYARD_TTFT_MS,
  ATTR_SWITCHYARD_USAGE_SOURCE,
} from '../trace/attributes';
import type { Span } from '../trace/types';
import { sumCosts, type ToolCallAssembly } from './assembly';
import type { RouterRuntime } from './runtime';
import type { AttemptRecord, EmbedRequest, RouteRequest, RouterResult } from './types';

/** What a call has gathered so far, over all its attempts. */
export interface CallState {
  text: string;
  toolCalls: ToolCallAssembly;
  attempts: AttemptRecord[];
  usage: Usage;
  costUsd: number | null;
  cacheSavingsUsd: number | null;
  providerCostUsd?: number;
  usageSource?: UsageSource;
  ttftMs?: number;
}

/** How the call ended. */
export interface CallEnd {
  task: string;
  feature: string;
  route: RouteRequest | EmbedRequest;
  span: Span;
  startMs: number;
  /** The route's candidate names, for the ledger. */
  routeNames: string[];
  status: RouterResult['status'];
  finalModel?: ResolvedModel;
  finalError?: ModelError;
  finishReason?: FinishReason;
  vectors?: number[][];
}

/** Builds the result, ends the span, counts the spend and appends the ledger record (not awaited). */
export function recordCall(rt: RouterRuntime, state: CallState, end: CallEnd): RouterResult & { vectors?: number[][] } {
  const { span, status, finalModel, finalError, startMs } = end;
  const toolCalls = state.toolCalls.calls();
  const latencyMs = rt.clock.now() - startMs;
  const result: RouterResult & { vectors?: number[][] } = {
    traceId: span.traceId,
    status,
    text: state.text,
    toolCalls,
    finishReason: end.finishReason,
    model: finalModel?.name,
    modelId: finalModel?.id,
    provider: finalModel?.providerName,
    attempts: state.attempts,
    usage: state.usage,
    costUsd: state.costUsd,
    ...(finalModel && isLocalModel(rt.config(), finalModel.name) ? { local: true } : {}),
    ...(state.providerCostUsd !== undefined ? { providerCostUsd: state.providerCostUsd } : {}),
    ...(state.usageSource ? { usageSource: state.usageSource } : {}),
    latencyMs,
    ...(state.ttftMs !== undefined ? { ttftMs: state.ttftMs } : {}),
    ...(finalError && status !== 'ok' ? { error: finalError } : {}),
    ...(end.vectors ? { vectors: end.vectors } : {}),
  };

  span.setAttributes({ ...usageAttributes(state.usage), [ATTR_SWITCHYARD_STATUS]: status, [ATTR_SWITCHYARD_ATTEMPTS]: state.attempts.length, [ATTR_SWITCHYARD_LATENCY_MS]: latencyMs });
  if (state.cacheSavingsUsd !== null && state.cacheSavingsUsd > 0) span.setAttribute(ATTR_SWITCHYARD_CACHE_SAVINGS_USD, state.cacheSavingsUsd);
  if (finalModel) span.setAttributes({ [ATTR_GEN_AI_REQUEST_MODEL]: finalModel.id, [ATTR_SWITCHYARD_MODEL]: finalModel.name, [ATTR_SWITCHYARD_PROVIDER]: finalModel.providerName });
  if (state.costUsd !== null) span.setAttribute(ATTR_SWITCHYARD_COST_USD, state.costUsd);
  if (result.local) span.setAttribute(ATTR_SWITCHYARD_LOCAL, true);
  if (state.providerCostUsd !== undefined) span.setAttribute(ATTR_SWITCHYARD_PROVIDER_COST_USD, state.providerCostUsd);
  if (state.usage.inputTokens > 0) span.setAttribute(ATTR_SWITCHYARD_CACHE_HIT_RATE, state.usage.cacheReadTokens / state.usage.inputTokens);
  if (state.usageSource) span.setAttribute(ATTR_SWITCHYARD_USAGE_SOURCE, state.usageSource);
  if (state.ttftMs !== undefined) span.setAttribute(ATTR_SWITCHYARD_TTFT_MS, state.ttftMs);
  if (state.text) span.setAttribute(ATTR_SWITCHYARD_RESPONSE, state.text);
  if (toolCalls.length) span.setAttribute(ATTR_SWITCHYARD_TOOL_CALLS, JSON.stringify(toolCalls));
  span.setStatus(status === 'error' ? 'error' : 'ok', finalError?.message);
  span.end();

  const { route } = end;
  const record: LedgerRecord = {
    v: 1,
    traceId: span.traceId,
    time: new Date(startMs).toISOString(),
    feature: end.feature,
    task: end.task,
    ...(rt.deps.workspace ? { workspace: rt.deps.workspace } : {}),
    route: end.routeNames,
    ...(finalModel ? { model: finalModel.name, modelId: finalModel.id, provider: finalModel.providerName } : {}),
    attempts: state.attempts,
    usage: state.usage,
    costUsd: state.costUsd,
    ...(result.local ? { local: true as const } : {}),
    cacheSavingsUsd: state.cacheSavingsUsd,
    ...(state.providerCostUsd !== undefined ? { providerCostUsd: state.providerCostUsd } : {}),
    ...(state.usageSource ? { usageSource: state.usageSource } : {}),
    status,
    latencyMs,
    ...(state.ttftMs !== undefined ? { ttftMs: state.ttftMs } : {}),
    ...('attributes' in route && typeof route.attributes?.outcome === 'string' ? { outcome: route.attributes.outcome } : {}),
  };
  // Where the provider billed more than we computed, the budget counts what the bill will say.
  rt.deps.budget.add(budgetCost(state.costUsd, state.providerCostUsd), startMs);
  // The caller does not wait for the disk: the ledger serialises its appends, its reads wait for
  // them, and dispose() flushes them before the process ends.
  rt.deps.ledger.append(record).catch((err: unknown) => {
    rt.deps.logger.error(`Could not append to the usage ledger: ${err instanceof Error ? err.message : String(err)}`);
  });
  return result;
}

/**
 * Adds one attempt's cost; an attempt that used tokens at an unknown price, or whose usage could
 * not be believed, makes the total unknown (null), never $0.
 */
export function addCost(state: CallState, usage: Usage, price: Price | undefined, source: UsageSource | undefined): void {
  if (source === 'unknown') {
    state.costUsd = null;
    state.cacheSavingsUsd = null;
    return;
  }
  const used = usage.inputTokens + usage.outputTokens > 0;
  if (!used) return;
  const { costUsd, cacheSavingsUsd } = computeCost(usage, price);
  state.costUsd = sumCosts([state.costUsd, costUsd]);
  state.cacheSavingsUsd = sumCosts([state.cacheSavingsUsd, cacheSavingsUsd]);
}

export function usageAttributes(usage: Usage): Record<string, number> {
  return {
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.inputTokens,
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.outputTokens,
    [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: usage.cacheReadTokens,
    [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: usage.cacheWriteTokens,
  };
}

/** The prompt as recorded on the trace (when trace bodies are on). */
export function promptText(request: ModelRequest): string {
  if (request.messages) return JSON.stringify(request.messages);
  return request.suffix !== undefined ? JSON.stringify({ prompt: request.prompt, suffix: request.suffix }) : request.prompt ?? '';
}
