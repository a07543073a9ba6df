/**
 * The router: every model call in Switchyard goes through here. It resolves the task's route,
 * gates it by budget and circuit breakers, runs attempts with timeouts, retries and falls back
 * by error class, and writes exactly one ledger record and one trace per call.
 */
import type { Price, SwitchyardConfig } from '../config/schema';
import type { LedgerRecord, Ledger } from '../cost/types';
import { budgetCost, computeCost } from '../cost/pricing';
import { isLocalModel, priceOfModel } from '../cost/local';
import type { Logger } from '../logger';
import { ModelError } from '../models/errors';
import type { FinishReason, ModelAdapter, ModelEvent, ModelRequest, ResolvedModel, ToolCall, Usage } from '../models/types';
import { emptyUsage } from '../models/types';
import { estimateUsage, settleUsage, worseSource, type UsageReport, type UsageSource } from '../models/usage';
import type { Clock } from '../basics';
import { systemClock } from '../basics';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SWITCHYARD_ATTEMPT,
  ATTR_SWITCHYARD_ATTEMPTS,
  ATTR_SWITCHYARD_BUDGET_LEVEL,
  ATTR_SWITCHYARD_CACHE_HIT_RATE,
  ATTR_SWITCHYARD_CACHE_SAVINGS_USD,
  ATTR_SWITCHYARD_PROMPT_CACHE,
  ATTR_SWITCHYARD_PROVIDER_COST_USD,
  ATTR_SWITCHYARD_COST_USD,
  ATTR_SWITCHYARD_LOCAL,
  ATTR_SWITCHYARD_ERROR_CLASS,
  ATTR_SWITCHYARD_FALLBACK_REASON,
  ATTR_SWITCHYARD_FEATURE,
  ATTR_SWITCHYARD_HTTP_STATUS,
  ATTR_SWITCHYARD_LATENCY_MS,
  ATTR_SWITCHYARD_MODEL,
  ATTR_SWITCHYARD_PROMPT,
  ATTR_SWITCHYARD_PROVIDER,
  ATTR_SWITCHYARD_RESPONSE,
  ATTR_SWITCHYARD_ROUTE,
  ATTR_SWITCHYARD_STATUS,
  ATTR_SWITCHYARD_TASK,
  ATTR_SWITCHYARD_TOOL_CALLS,
  ATTR_SWITCHYARD_TTFT_MS,
  ATTR_SWITCHYARD_USAGE_SOURCE,
} from '../trace/attributes';
import type { Span, Tracer } from '../trace/types';
import { AsyncQueue, abortableSleep } from '../util/asyncQueue';
import { CircuitBreaker } from './breaker';
import { candidateNames, noRouteError, providerOrigin, resolveModel, type ModelFacts } from './candidates';
import { summarizeFailure } from './failureSummary';
import { decide, isHealthFailure } from './policy';
import type { AttemptRecord, EmbedRequest, RouteRequest, Router, RouterEvent, RouterResult, RouterStream } from './types';

/** What the router needs from the price catalog. */
export interface PriceLookup {
  lookup(modelId: string): ModelFacts | undefined;
  priceFor(modelId: string, modelOverride?: Price): Price | undefined;
  /** The user's own price only (a local model without one costs $0). */
  explicitPriceFor?(modelId: string, modelOverride?: Price): Price | undefined;
}

/** What the router needs from the budget tracker. */
export interface BudgetGate {
  state(): { level: 'ok' | 'warning' | 'exceeded'; onExceed: 'warn' | 'block' | 'cheapest'; message?: string };
  add(costUsd: number | null, atMs?: number): void;
  /** Resolves once the spend so far is known (read lazily, on the first call). */
  ready?(): Promise<void>;
}

export interface RouterDeps {
  config: SwitchyardConfig;
  /** Adapter for a provider config name; throws ModelError{kind:'config'} when it cannot be built. */
  adapterFor: (providerName: string) => Promise<ModelAdapter>;
  catalog: PriceLookup;
  ledger: Ledger;
  tracer: Tracer;
  budget: BudgetGate;
  logger: Logger;
  clock?: Clock;
  workspace?: string;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** The router as the composition root sees it: the public Router plus health introspection. */
export interface ManagedRouter extends Router {
  breakerState(model: string): 'closed' | 'open' | 'half_open';
  /** Settings changed: routes, models and limits apply from the next call; breaker state is kept. */
  updateConfig(config: SwitchyardConfig): void;
}

const OPERATION_BY_TASK: Record<string, string> = { completion: 'text_completion', embedding: 'embeddings' };

interface AttemptOutcome {
  record: AttemptRecord;
  usage: Usage;
  providerCostUsd?: number;
  /** Where the usage came from; undefined when the attempt used nothing (failed before any output). */
  usageSource?: UsageSource;
  error?: ModelError;
  deliveredOutput: boolean;
  finishReason?: FinishReason;
  vectors?: number[][];
  /** The attempt's span, still open so the caller can record what it decided. */
  span: Span;
}

interface CallState {
  text: string;
  toolCalls: Map<number, ToolCall>;
  attempts: AttemptRecord[];
  usage: Usage;
  costUsd: number | null;
  cacheSavingsUsd: number | null;
  providerCostUsd?: number;
  usageSource?: UsageSource;
  ttftMs?: number;
}

export function createRouter(deps: RouterDeps): ManagedRouter {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;
  // Settings are read per call from the current config; updateConfig() swaps it in place, so the
  // breaker's state and the memory of rejected keys live as long as the router.
  let config = deps.config;
  let settings = config.router;
  const breaker = new CircuitBreaker(settings.breakerFailureThreshold, settings.breakerCooldownMs, clock);
  /** Providers whose key was rejected, with the adapter (so: the key) that was rejected. */
  const rejectedAdapters = new Map<string, ModelAdapter | undefined>();

  const factsFor = (modelId: string) => deps.catalog.lookup(modelId);

  function priceOf(model: ResolvedModel): Price | undefined {
    return priceOfModel(config, deps.catalog, model.name, model.id);
  }

  function resolveCandidates(task: string, explicitModel?: string): ResolvedModel[] {
    const names = candidateNames(config, task, explicitModel);
    if (names.length === 0) throw noRouteError(config, task);
    return names.map((name) => resolveModel(config, name, factsFor));
  }

  /** Applies the budget policy to the candidate list; returns the kept ones and the skipped ones. */
  function gateByBudget(candidates: ResolvedModel[], span: Span): { kept: ResolvedModel[]; refused: ResolvedModel[]; message?: string } {
    const state = deps.budget.state();
    span.setAttribute(ATTR_SWITCHYARD_BUDGET_LEVEL, state.level);
    if (state.level !== 'exceeded') return { kept: candidates, refused: [] };
    const costOf = (m: ResolvedModel) => {
      const p = priceOf(m);
      return p ? p.inputPerMTok + p.outputPerMTok : Number.POSITIVE_INFINITY;
    };
    const message = state.message ?? 'The Switchyard budget is exceeded.';
    if (state.onExceed === 'warn') {
      deps.logger.warn(`${message} Continuing (budget.onExceed is "warn").`);
      return { kept: candidates, refused: [], message };
    }
    if (state.onExceed === 'block') {
      const kept = candidates.filter((m) => costOf(m) === 0);
      return { kept, refused: candidates.filter((m) => !kept.includes(m)), message };
    }
    // Free (local) models are never refused; without one, only the cheapest paid model runs.
    const free = candidates.filter((m) => costOf(m) === 0);
    const kept = free.length ? free : [[...candidates].sort((a, b) => costOf(a) - costOf(b))[0]];
    return { kept, refused: candidates.filter((m) => !kept.includes(m)), message };
  }

  async function runAttempt(
    model: ResolvedModel,
    request: ModelRequest | { embedInputs: string[] },
    route: RouteRequest | EmbedRequest,
    task: string,
    attemptNo: number,
    parent: Span,
    emit: (event: RouterEvent) => void,
  ): Promise<AttemptOutcome> {
    const startMs = clock.now();
    const isEmbed = 'embedInputs' in request;
    const span = parent.child(`${OPERATION_BY_TASK[task] ?? 'chat'} ${model.id}`, {
      [ATTR_GEN_AI_OPERATION_NAME]: OPERATION_BY_TASK[task] ?? 'chat',
      [ATTR_GEN_AI_REQUEST_MODEL]: model.id,
      [ATTR_GEN_AI_PROVIDER_NAME]: model.providerKind === 'anthropic' ? 'anthropic' : 'openai',
      [ATTR_SWITCHYARD_MODEL]: model.name,
      [ATTR_SWITCHYARD_PROVIDER]: model.providerName,
      [ATTR_SWITCHYARD_ATTEMPT]: attemptNo,
    });
    if (!isEmbed) {
      if (request.maxTokens !== undefined) span.setAttribute(ATTR_GEN_AI_REQUEST_MAX_TOKENS, request.maxTokens);
      if (request.temperature !== undefined) span.setAttribute(ATTR_GEN_AI_REQUEST_TEMPERATURE, request.temperature);
    }
    const reportedUsage = emptyUsage();
    let usageReport: UsageReport = 'none';
    let invalidUsage: string | undefined;
    // This attempt's own output, for a local usage count when the provider reports none.
    let attemptText = '';
    const attemptCalls = new Map<number, ToolCall>();
    let providerCostUsd: number | undefined;
    let deliveredOutput = false;
    let finishReason: FinishReason | undefined;
    let vectors: number[][] | undefined;
    let ttftMs: number | undefined;
    let error: ModelError | undefined;

    const controller = new AbortController();
    const callerSignal = route.signal;
    const onCallerAbort = () => controller.abort(new ModelError({ kind: 'aborted', message: 'Cancelled.' }));
    if (callerSignal?.aborted) onCallerAbort();
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    let timedOut: 'ttft_timeout' | 'timeout' | undefined;
    const ttftLimit = isEmbed ? undefined : (route as RouteRequest).ttftTimeoutMs ?? settings.ttftTimeoutMs[task] ?? settings.ttftTimeoutMs['default'];
    const ttftTimer = ttftLimit === undefined ? undefined : setTimeout(() => {
      timedOut = 'ttft_timeout';
      controller.abort();
    }, ttftLimit);
    const totalTimer = setTimeout(() => {
      timedOut = 'timeout';
      controller.abort();
    }, settings.requestTimeoutMs);

    try {
      const adapter = await deps.adapterFor(model.providerName);
      if (rejectedAdapters.has(model.providerName) && rejectedAdapters.get(model.providerName) !== adapter) {
        rejectedAdapters.delete(model.providerName); // the key changed: try the provider again
      }
      const events: AsyncIterable<ModelEvent> = isEmbed
        ? embedAsEvents(adapter, model, request.embedInputs, controller.signal, (v) => (vectors = v))
        : adapter.stream(model, request, controller.signal);
      for await (const event of events) {
        if (event.type === 'text' || event.type === 'tool_call_delta') {
          if (ttftMs === undefined) {
            ttftMs = clock.now() - startMs;
            if (ttftTimer) clearTimeout(ttftTimer);
          }
          deliveredOutput = true;
          if (event.type === 'text') attemptText += event.text;
          else {
            const call = attemptCalls.get(event.index) ?? { id: '', name: '', arguments: '' };
            call.name += event.name ?? '';
            call.arguments += event.argumentsDelta;
            attemptCalls.set(event.index, call);
          }
          emit(event);
        } else if (event.type === 'usage') {
          addUsage(reportedUsage, event.usage);
          if (usageReport !== 'invalid') usageReport = event.partial ? 'partial' : 'reported';
        } else if (event.type === 'usage_invalid') {
          usageReport = 'invalid';
          invalidUsage = event.reason;
        } else if (event.type === 'provider_cost') {
          providerCostUsd = (providerCostUsd ?? 0) + event.costUsd;
        } else if (event.type === 'finish') {
          finishReason = event.reason;
        } else if (event.type === 'error') {
          error = event.error;
        }
      }
      if (!error && finishReason === undefined && !isEmbed) {
        error = new ModelError({ kind: 'stream_interrupted', message: `${model.name}: the stream ended without a finish reason.`, provider: model.providerName, model: model.name });
      }
      if (error && error.kind === 'auth') rejectedAdapters.set(model.providerName, adapter);
    } catch (thrown) {
      error = thrown instanceof ModelError
        ? thrown
        : new ModelError({ kind: 'unknown', message: `${model.name}: ${thrown instanceof Error ? thrown.message : String(thrown)}`, cause: thrown });
      if (error.kind === 'auth' || error.kind === 'config') rejectedAdapters.set(model.providerName, undefined);
    } finally {
      if (ttftTimer) clearTimeout(ttftTimer);
      clearTimeout(totalTimer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }

    if (error && callerSignal?.aborted) {
      error = new ModelError({ kind: 'aborted', message: 'Cancelled.', model: model.name, provider: model.providerName });
    } else if (error && timedOut) {
      error = timedOut === 'ttft_timeout'
        ? new ModelError({ kind: 'ttft_timeout', message: `${model.name} sent no first token within ${ttftLimit} ms.`, model: model.name, provider: model.providerName })
        : new ModelError({ kind: 'timeout', message: `${model.name} did not finish within ${settings.requestTimeoutMs} ms.`, model: model.name, provider: model.providerName });
    }

    const { usage, source: usageSource } = settleUsage(usageReport, reportedUsage, !error || deliveredOutput, () => estimateUsage(request, attemptText, [...attemptCalls.values()]));
    if (invalidUsage !== undefined) {
      deps.logger.warn(`${model.name} (${model.providerName}) sent usage that cannot be right: ${invalidUsage}. The call's cost is recorded as unknown.`);
    }
    const latencyMs = clock.now() - startMs;
    const record: AttemptRecord = {
      model: model.name,
      modelId: model.id,
      provider: model.providerName,
      status: error ? 'error' : 'ok',
      latencyMs,
      ...(ttftMs !== undefined ? { ttftMs } : {}),
      ...(error ? { errorClass: error.kind, reason: error.message, ...(error.status ? { httpStatus: error.status } : {}) } : {}),
    };
    span.setAttributes(usageAttributes(usage));
    if (providerCostUsd !== undefined) span.setAttribute(ATTR_SWITCHYARD_PROVIDER_COST_USD, providerCostUsd);
    if (!isEmbed && request.promptCache) span.setAttribute(ATTR_SWITCHYARD_PROMPT_CACHE, true);
    if (usageSource) span.setAttribute(ATTR_SWITCHYARD_USAGE_SOURCE, usageSource);
    if (ttftMs !== undefined) span.setAttribute(ATTR_SWITCHYARD_TTFT_MS, ttftMs);
    if (finishReason) span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [finishReason]);
    if (error) {
      span.setAttribute(ATTR_ERROR_TYPE, error.kind);
      span.setAttribute(ATTR_SWITCHYARD_ERROR_CLASS, error.kind);
      if (error.status) span.setAttribute(ATTR_SWITCHYARD_HTTP_STATUS, error.status);
      span.setStatus(error.kind === 'aborted' ? 'ok' : 'error', error.message);
    } else {
      span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, model.id);
      span.setStatus('ok');
    }
    span.setAttribute(ATTR_SWITCHYARD_LATENCY_MS, latencyMs);
    return { record, usage, usageSource, providerCostUsd, error, deliveredOutput, finishReason, vectors, span };
  }

  /** The shared attempt loop for streams and embeddings. */
  async function run(
    task: string,
    route: RouteRequest | EmbedRequest,
    makeRequest: (model: ResolvedModel) => ModelRequest | { embedInputs: string[] },
    emit: (event: RouterEvent) => void,
    bodies: { prompt?: string },
  ): Promise<RouterResult & { vectors?: number[][] }> {
    const startMs = clock.now();
    const feature = ('feature' in route && route.feature) || task;
    const rootAttributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: OPERATION_BY_TASK[task] ?? 'chat',
      [ATTR_SWITCHYARD_TASK]: task,
      [ATTR_SWITCHYARD_FEATURE]: feature,
      ...('attributes' in route && route.attributes ? route.attributes : {}),
    };
    const span = route.parentSpan ? route.parentSpan.child(task, rootAttributes) : deps.tracer.startTrace(task, rootAttributes);
    if (bodies.prompt !== undefined) span.setAttribute(ATTR_SWITCHYARD_PROMPT, bodies.prompt);

    const state: CallState = { text: '', toolCalls: new Map(), attempts: [], usage: emptyUsage(), costUsd: 0, cacheSavingsUsd: 0 };
    const collect = (event: RouterEvent) => {
      if (event.type === 'text') state.text += event.text;
      if (event.type === 'tool_call_delta') {
        const call = state.toolCalls.get(event.index) ?? { id: '', name: '', arguments: '' };
        if (event.id) call.id = event.id;
        if (event.name) call.name += event.name;
        call.arguments += event.argumentsDelta;
        state.toolCalls.set(event.index, call);
      }
      emit(event);
    };

    let candidates: ResolvedModel[] = [];
    let finalModel: ResolvedModel | undefined;
    let finalError: ModelError | undefined;
    let finishReason: FinishReason | undefined;
    let vectors: number[][] | undefined;
    let status: RouterResult['status'] = 'error';

    try {
      candidates = resolveCandidates(task, route.model);
      span.setAttribute(ATTR_SWITCHYARD_ROUTE, candidates.map((c) => c.name));
      await deps.budget.ready?.();
      const gate = gateByBudget(candidates, span);
      for (const refused of gate.refused) {
        state.attempts.push({ model: refused.name, modelId: refused.id, provider: refused.providerName, status: 'skipped', errorClass: 'budget', reason: gate.message, latencyMs: 0 });
      }
      if (gate.kept.length === 0) {
        throw new ModelError({ kind: 'budget', message: `${gate.message} Paid models are blocked (budget.onExceed is "block") and the route has no free model.`, fix: 'Raise switchyard.budget limits, set onExceed to "warn", or add a local model to the route.' });
      }

      let contextLimit: number | undefined; // set after a context-window failure
      /** Origins that accepted no connection in this call: their other candidates are skipped. */
      const unreachableHosts = new Set<string>();
      let attemptNo = 0;
      candidateLoop: for (let i = 0; i < gate.kept.length; i++) {
        const model = gate.kept[i];
        const skip = (errorClass: AttemptRecord['errorClass'], reason: string) => {
          state.attempts.push({ model: model.name, modelId: model.id, provider: model.providerName, status: 'skipped', errorClass, reason, latencyMs: 0 });
        };
        if (contextLimit !== undefined && model.contextWindow !== undefined && model.contextWindow <= contextLimit) {
          skip('context_window', `context window ${model.contextWindow} is not larger than ${contextLimit}`);
          continue;
        }
        const origin = providerOrigin(config, model.providerName);
        if (origin !== undefined && unreachableHosts.has(origin)) {
          skip('network', `${origin} accepted no connection earlier in this call.`);
          continue;
        }
        if (rejectedAdapters.has(model.providerName)) {
          const current = await deps.adapterFor(model.providerName).catch(() => undefined);
          if (current === rejectedAdapters.get(model.providerName)) {
            skip('auth', `provider "${model.providerName}" was rejected earlier and its key has not changed`);
            continue;
          }
        }
        if (!breaker.tryAcquire(model.name)) {
          skip('circuit_open', `cooling down after repeated failures (${Math.ceil(breaker.remainingCooldownMs(model.name) / 1000)} s left)`);
          continue;
        }
        const request = makeRequest(model);
        for (let retries = 0; ; retries++) {
          attemptNo++;
          emit({ type: 'attempt', model: model.name, provider: model.providerName, attempt: attemptNo });
          const outcome = await runAttempt(model, request, route, task, attemptNo, span, collect);
          addUsage(state.usage, outcome.usage);
          addCost(state, outcome.usage, priceOf(model), outcome.usageSource);
          state.usageSource = worseSource(state.usageSource, outcome.usageSource);
          if (outcome.providerCostUsd !== undefined) state.providerCostUsd = (state.providerCostUsd ?? 0) + outcome.providerCostUsd;
          if (outcome.record.ttftMs !== undefined && state.ttftMs === undefined) {
            state.ttftMs = clock.now() - startMs - outcome.record.latencyMs + outcome.record.ttftMs;
          }
          finalModel = model;
          if (!outcome.error) {
            outcome.span.end();
            breaker.onSuccess(model.name);
            state.attempts.push(outcome.record);
            finishReason = outcome.finishReason;
            vectors = outcome.vectors;
            status = 'ok';
            finalError = undefined;
            break candidateLoop;
          }
          const error = outcome.error;
          if (isHealthFailure(error)) breaker.onFailure(model.name);
          else breaker.onNeutral(model.name);
          finalError = error;
          const decision = decide(error, retries, outcome.deliveredOutput, settings, random);
          outcome.span.setAttribute(ATTR_SWITCHYARD_FALLBACK_REASON, `${decision.action}: ${decision.reason}`).end();
          state.attempts.push({ ...outcome.record, reason: `${error.message} → ${decision.action === 'retry' ? 'retry' : decision.action === 'next' ? 'next candidate' : 'stop'}: ${decision.reason}` });
          if (decision.action === 'stop') {
            if (error.kind === 'aborted') status = 'cancelled';
            break candidateLoop;
          }
          if (decision.action === 'retry') {
            try {
              await sleep(decision.delayMs, route.signal);
            } catch {
              status = 'cancelled';
              finalError = new ModelError({ kind: 'aborted', message: 'Cancelled.' });
              break candidateLoop;
            }
            continue;
          }
          if (decision.contextExceeded) contextLimit = model.contextWindow ?? contextLimit;
          if (decision.hostUnreachable) unreachableHosts.add(decision.hostUnreachable);
          const next = gate.kept[i + 1];
          if (next) emit({ type: 'fallback', from: model.name, to: next.name, reason: decision.reason });
          continue candidateLoop;
        }
      }
      if (status === 'error' && !finalError) {
        finalError = new ModelError({ kind: 'unknown', message: 'No candidate could be tried.' });
      }
    } catch (thrown) {
      finalError = thrown instanceof ModelError ? thrown : new ModelError({ kind: 'unknown', message: String(thrown), cause: thrown });
      if (finalError.kind === 'aborted') status = 'cancelled';
    }

    if (status === 'error' && finalError) finalError = summarizeFailure(task, finalError, state.attempts);
    const toolCalls = [...state.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
    const latencyMs = clock.now() - startMs;
    const result: RouterResult & { vectors?: number[][] } = {
      traceId: span.traceId,
      status,
      text: state.text,
      toolCalls,
      finishReason,
      model: finalModel?.name,
      modelId: finalModel?.id,
      provider: finalModel?.providerName,
      attempts: state.attempts,
      usage: state.usage,
      costUsd: state.costUsd,
      ...(finalModel && isLocalModel(config, finalModel.name) ? { local: true } : {}),
      ...(state.providerCostUsd !== undefined ? { providerCostUsd: state.providerCostUsd } : {}),
      ...(state.usageSource ? { usageSource: state.usageSource } : {}),
      latencyMs,
      ...(state.ttftMs !== undefined ? { ttftMs: state.ttftMs } : {}),
      ...(finalError && status !== 'ok' ? { error: finalError } : {}),
      ...(vectors ? { vectors } : {}),
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

    const record: LedgerRecord = {
      v: 1,
      traceId: span.traceId,
      time: new Date(startMs).toISOString(),
      feature,
      task,
      ...(deps.workspace ? { workspace: deps.workspace } : {}),
      route: candidates.map((c) => c.name),
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
    deps.budget.add(budgetCost(state.costUsd, state.providerCostUsd), startMs);
    // The caller does not wait for the disk: the ledger serialises its appends, its reads wait for
    // them, and dispose() flushes them before the process ends.
    deps.ledger.append(record).catch((err: unknown) => {
      deps.logger.error(`Could not append to the usage ledger: ${err instanceof Error ? err.message : String(err)}`);
    });
    return result;
  }

  /** Adds the prompt-cache request when the setting is on (chat-shaped calls; never per-keystroke FIM). */
  function withPromptCache(route: RouteRequest, request: ModelRequest): ModelRequest {
    if (config.cost?.promptCache === false || route.task === 'completion' || !request.messages?.length || request.promptCache) return request;
    return { ...request, promptCache: route.cacheKey ? { key: route.cacheKey } : {} };
  }

  function stream(route: RouteRequest): RouterStream {
    const queue = new AsyncQueue<RouterEvent>();
    const prompt = config.trace.recordBodies ? promptText(route.request) : undefined;
    const result = run(route.task, route, (model) => withPromptCache(route, route.requestFor ? route.requestFor(model) : route.request), (e) => queue.push(e), { prompt })
      .then((r) => {
        if (r.usage.inputTokens || r.usage.outputTokens) queue.push({ type: 'usage', usage: r.usage });
        if (r.status === 'ok') queue.push({ type: 'finish', reason: r.finishReason ?? 'stop' });
        else queue.push({ type: 'error', error: r.error ?? new ModelError({ kind: r.status === 'cancelled' ? 'aborted' : 'unknown', message: r.status === 'cancelled' ? 'Cancelled.' : 'The call failed.' }) });
        return r;
      })
      .finally(() => queue.close());
    return Object.assign(queue, { result }) as RouterStream;
  }

  return {
    stream,
    async complete(route) {
      const s = stream(route);
      for await (const _event of s) {
        // draining: the result collects text and tool calls
      }
      return s.result;
    },
    async embed(request) {
      const result = await run('embedding', request, () => ({ embedInputs: request.inputs }), () => undefined, {});
      if (result.status !== 'ok' || !result.vectors) {
        throw result.error ?? new ModelError({ kind: 'unknown', message: 'Embedding failed.' });
      }
      const { vectors, ...rest } = result;
      return { vectors, result: rest };
    },
    breakerState: (model) => breaker.state(model),
    updateConfig(next) {
      config = next;
      settings = next.router;
      breaker.updateSettings(settings.breakerFailureThreshold, settings.breakerCooldownMs);
    },
  };
}

async function* embedAsEvents(
  adapter: ModelAdapter,
  model: ResolvedModel,
  inputs: string[],
  signal: AbortSignal,
  onVectors: (vectors: number[][]) => void,
): AsyncIterable<ModelEvent> {
  try {
    const { vectors, usage, invalidUsage, usageMissing } = await adapter.embed(model, inputs, signal);
    onVectors(vectors);
    if (invalidUsage !== undefined) yield { type: 'usage_invalid', reason: invalidUsage };
    else if (!usageMissing) yield { type: 'usage', usage };
    yield { type: 'finish', reason: 'stop' };
  } catch (err) {
    yield {
      type: 'error',
      error: err instanceof ModelError ? err : new ModelError({ kind: 'unknown', message: String(err), cause: err }),
    };
  }
}

function addUsage(into: Usage, add: Usage): void {
  into.inputTokens += add.inputTokens;
  into.outputTokens += add.outputTokens;
  into.cacheReadTokens += add.cacheReadTokens;
  into.cacheWriteTokens += add.cacheWriteTokens;
}

/**
 * Adds one attempt's cost; an attempt that used tokens at an unknown price, or whose usage could
 * not be believed, makes the total unknown (null), never $0.
 */
function addCost(state: CallState, usage: Usage, price: Price | undefined, source: UsageSource | undefined): void {
  if (source === 'unknown') {
    state.costUsd = null;
    state.cacheSavingsUsd = null;
    return;
  }
  const used = usage.inputTokens + usage.outputTokens > 0;
  if (!used) return;
  const { costUsd, cacheSavingsUsd } = computeCost(usage, price);
  state.costUsd = state.costUsd === null || costUsd === null ? null : state.costUsd + costUsd;
  state.cacheSavingsUsd = state.cacheSavingsUsd === null || cacheSavingsUsd === null ? null : state.cacheSavingsUsd + cacheSavingsUsd;
}

function usageAttributes(usage: Usage): Record<string, number> {
  return {
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.inputTokens,
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.outputTokens,
    [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: usage.cacheReadTokens,
    [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: usage.cacheWriteTokens,
  };
}

function promptText(request: ModelRequest): string {
  if (request.messages) return JSON.stringify(request.messages);
  return request.suffix !== undefined ? JSON.stringify({ prompt: request.prompt, suffix: request.suffix }) : request.prompt ?? '';
}
