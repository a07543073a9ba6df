/**
 * What one chat turn produced. A turn may hold several model calls (a tool loop's rounds), so its
 * result is not a router result: usage and cost are summed over the calls, the model is the one
 * that answered last, and the tool calls are the ones the user saw.
 */
import type { ModelError } from '../models/errors';
import type { Usage } from '../models/types';
import { worseSource, type UsageSource } from '../models/usage';
import { sumCosts, sumReportedCosts, sumUsage } from '../router/assembly';
import type { AttemptRecord, RouterResult } from '../router/types';
import type { ToolCallView } from './types';

export interface TurnResult {
  status: 'ok' | 'error' | 'cancelled';
  /** The text of every model call, separated by a blank line (the stream may add notes of its own). */
  text: string;
  /** The tool calls shown to the user, in their last state, in the order they were requested. */
  toolCalls: ToolCallView[];
  /** The model config name that answered last (or was tried last); undefined when no call ran. */
  model?: string;
  provider?: string;
  /** Summed over the turn's model calls. */
  usage: Usage;
  /** Summed over the calls; null when any call's cost was unknown, never reported as $0. */
  costUsd: number | null;
  /** Summed over the calls whose provider reported a cost; undefined when none did. */
  providerCostUsd?: number;
  /** Every call ran on a local model (its $0 is shown as "$0 (local)"). */
  local?: boolean;
  /** The least trustworthy usage source of the calls ("estimated" when one was counted locally). */
  usageSource?: UsageSource;
  /** Every call's attempts, in order. */
  attempts: AttemptRecord[];
  /** The traces of the turn's calls, distinct, in order (one when the turn has a parent span). */
  traceIds: string[];
  latencyMs: number;
  /** Set when the turn ended before the model finished its answer (a tool-round limit): why, in words. */
  stoppedEarly?: string;
  error?: ModelError;
}

export interface TurnFacts {
  /** The turn's own trace, when it has one (its calls are children of it). */
  traceId?: string;
  toolCalls?: ToolCallView[];
  latencyMs: number;
}

/**
 * A turn's result from its model calls, in order. Status, model and error are the last call's;
 * without any call the turn is an error unless the caller says otherwise.
 */
export function turnResultOf(calls: readonly RouterResult[], facts: TurnFacts): TurnResult {
  const last = calls.at(-1);
  const providerCostUsd = sumReportedCosts(calls.map((c) => c.providerCostUsd));
  const usageSource = calls.reduce<UsageSource | undefined>((worst, c) => worseSource(worst, c.usageSource), undefined);
  return {
    status: last?.status ?? 'error',
    text: calls.map((c) => c.text).filter(Boolean).join('\n\n'),
    toolCalls: facts.toolCalls ?? [],
    ...(last?.model !== undefined ? { model: last.model } : {}),
    ...(last?.provider !== undefined ? { provider: last.provider } : {}),
    usage: sumUsage(calls.map((c) => c.usage)),
    costUsd: sumCosts(calls.map((c) => c.costUsd)),
    ...(providerCostUsd !== undefined ? { providerCostUsd } : {}),
    ...(calls.length > 0 && calls.every((c) => c.local) ? { local: true } : {}),
    ...(usageSource ? { usageSource } : {}),
    attempts: calls.flatMap((c) => c.attempts),
    traceIds: [...new Set([...(facts.traceId ? [facts.traceId] : []), ...calls.map((c) => c.traceId).filter(Boolean)])],
    latencyMs: facts.latencyMs,
    ...(last?.error ? { error: last.error } : {}),
  };
}
