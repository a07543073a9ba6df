/**
 * A route's head as one value: the candidates a task will try, in order, with their limits, and
 * the ones this call would skip with why (budget, an open breaker, a context window too small).
 * The attempt loop, the chat session and the CLI read it from here instead of working it out again.
 */
import type { Price, SwitchyardConfig } from '../config/schema';
import type { ErrorClass } from '../models/errors';
import { ModelError } from '../models/errors';
import type { ResolvedModel } from '../models/types';
import type { BreakerState } from './breaker';
import { candidateNames, noRouteError, pinnedHead, resolveModel, type ModelFacts } from './candidates';

/** One candidate of a route: the model with its limits, and why it would be skipped now. */
export interface RouteCandidate extends ResolvedModel {
  /** First because it was asked for (an explicit model or the task's pin), not by route order. */
  pinned: boolean;
  skipped?: { errorClass: ErrorClass; reason: string };
}

export interface BudgetView {
  level: 'ok' | 'warning' | 'exceeded';
  onExceed: 'warn' | 'block' | 'cheapest';
  message?: string;
}

export interface ResolvedRoute {
  task: string;
  /** Every candidate in route order, skipped ones included. */
  candidates: RouteCandidate[];
  budget?: BudgetView;
  /** Why no candidate can run at all (no route, an unknown model, a budget that blocks every one). */
  error?: ModelError;
}

/** What a call needs from a candidate. */
export interface RouteNeeds {
  /** Prompt size in tokens: a candidate whose known window is not larger is skipped. */
  contextTokens?: number;
}

export interface ResolveInputs {
  config: SwitchyardConfig;
  task: string;
  /** A model config name to put first (overrides the task's pin). */
  pinned?: string;
  needs?: RouteNeeds;
  factsFor: (modelId: string) => ModelFacts | undefined;
  priceOf?: (model: ResolvedModel) => Price | undefined;
  budget?: BudgetView;
  breaker?: { state(model: string): BreakerState; remainingCooldownMs(model: string): number };
}

export function resolveRoute(inputs: ResolveInputs): ResolvedRoute {
  const { config, task } = inputs;
  const names = candidateNames(config, task, inputs.pinned);
  if (names.length === 0) return { task, candidates: [], error: noRouteError(config, task) };
  const head = pinnedHead(config, task, inputs.pinned);
  let candidates: RouteCandidate[];
  try {
    candidates = names.map((name) => ({ ...resolveModel(config, name, inputs.factsFor), pinned: name === head }));
  } catch (err) {
    return { task, candidates: [], error: err instanceof ModelError ? err : new ModelError({ kind: 'config', message: String(err) }) };
  }
  const contextTokens = inputs.needs?.contextTokens;
  for (const c of candidates) {
    const reason = contextTokens === undefined ? undefined : contextWindowSkip(c, contextTokens);
    if (reason) c.skipped = { errorClass: 'context_window', reason };
    else if (inputs.breaker?.state(c.name) === 'open') c.skipped = { errorClass: 'circuit_open', reason: breakerSkipReason(inputs.breaker, c.name) };
  }
  const budget = inputs.budget;
  if (!budget) return { task, candidates };
  const refused = refusedByBudget(candidates, budget, inputs.priceOf ?? (() => undefined));
  for (const c of refused) c.skipped = { errorClass: 'budget', reason: budget.message ?? BUDGET_EXCEEDED };
  if (refused.length === candidates.length) {
    return {
      task,
      candidates,
      budget,
      error: new ModelError({ kind: 'budget', message: `${budget.message ?? BUDGET_EXCEEDED} Paid models are blocked (budget.onExceed is "block") and the route has no free model.`, fix: 'Raise switchyard.budget limits, set onExceed to "warn", or add a local model to the route.' }),
    };
  }
  return { task, candidates, budget };
}

const BUDGET_EXCEEDED = 'The Switchyard budget is exceeded.';

/** Why a model cannot take a prompt of `contextTokens` (undefined when it can, or its window is unknown). */
export function contextWindowSkip(model: ResolvedModel, contextTokens: number): string | undefined {
  return model.contextWindow !== undefined && model.contextWindow <= contextTokens
    ? `context window ${model.contextWindow} is not larger than ${contextTokens}`
    : undefined;
}

export function breakerSkipReason(breaker: { remainingCooldownMs(model: string): number }, model: string): string {
  return `cooling down after repeated failures (${Math.ceil(breaker.remainingCooldownMs(model) / 1000)} s left)`;
}

/**
 * The candidates the budget policy refuses: none unless exceeded; "block" keeps free models only;
 * "cheapest" keeps the free ones, or without one the cheapest paid model.
 */
function refusedByBudget(candidates: RouteCandidate[], budget: BudgetView, priceOf: (m: ResolvedModel) => Price | undefined): RouteCandidate[] {
  if (budget.level !== 'exceeded' || budget.onExceed === 'warn') return [];
  const costOf = (m: ResolvedModel) => {
    const p = priceOf(m);
    return p ? p.inputPerMTok + p.outputPerMTok : Number.POSITIVE_INFINITY;
  };
  const free = candidates.filter((m) => costOf(m) === 0);
  const kept = budget.onExceed === 'block' || free.length ? free : [[...candidates].sort((a, b) => costOf(a) - costOf(b))[0]];
  return candidates.filter((m) => !kept.includes(m));
}
