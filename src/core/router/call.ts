/**
 * The attempt loop of one router call, shared by streams and embeddings: resolve the route, then
 * per candidate skip what cannot answer now (context window, a dead host, a rejected key, an open
 * breaker), run attempts, and retry, fall back or stop by error class.
 */
import { ModelError } from '../models/errors';
import type { FinishReason, ResolvedModel } from '../models/types';
import { emptyUsage } from '../models/types';
import { worseSource } from '../models/usage';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_SWITCHYARD_BUDGET_LEVEL,
  ATTR_SWITCHYARD_FALLBACK_REASON,
  ATTR_SWITCHYARD_FEATURE,
  ATTR_SWITCHYARD_PROMPT,
  ATTR_SWITCHYARD_ROUTE,
  ATTR_SWITCHYARD_TASK,
} from '../trace/attributes';
import { addUsage, sumReportedCosts, ToolCallAssembly } from './assembly';
import { runAttempt, type AttemptRequest } from './attempt';
import { providerOrigin } from './candidates';
import { summarizeFailure } from './failureSummary';
import { decide, isHealthFailure } from './policy';
import { addCost, recordCall, type CallState } from './record';
import { breakerSkipReason, contextWindowSkip } from './resolve';
import { OPERATION_BY_TASK, type RouterRuntime } from './runtime';
import type { AttemptRecord, EmbedRequest, RouteRequest, RouterEvent, RouterResult } from './types';

export async function runCall(
  rt: RouterRuntime,
  task: string,
  route: RouteRequest | EmbedRequest,
  makeRequest: (model: ResolvedModel) => AttemptRequest,
  emit: (event: RouterEvent) => void,
  bodies: { prompt?: string },
): Promise<RouterResult & { vectors?: number[][] }> {
  const { clock, breaker } = rt;
  const config = rt.config();
  const settings = config.router;
  const startMs = clock.now();
  const feature = ('feature' in route && route.feature) || task;
  const rootAttributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: OPERATION_BY_TASK[task] ?? 'chat',
    [ATTR_SWITCHYARD_TASK]: task,
    [ATTR_SWITCHYARD_FEATURE]: feature,
    ...('attributes' in route && route.attributes ? route.attributes : {}),
  };
  const span = route.parentSpan ? route.parentSpan.child(task, rootAttributes) : rt.deps.tracer.startTrace(task, rootAttributes);
  if (bodies.prompt !== undefined) span.setAttribute(ATTR_SWITCHYARD_PROMPT, bodies.prompt);

  const state: CallState = { text: '', toolCalls: new ToolCallAssembly(), attempts: [], usage: emptyUsage(), costUsd: 0, cacheSavingsUsd: 0 };
  const collect = (event: RouterEvent) => {
    if (event.type === 'text') state.text += event.text;
    if (event.type === 'tool_call_delta') state.toolCalls.add(event);
    emit(event);
  };

  let routeNames: string[] = [];
  let finalModel: ResolvedModel | undefined;
  let finalError: ModelError | undefined;
  let finishReason: FinishReason | undefined;
  let vectors: number[][] | undefined;
  let status: RouterResult['status'] = 'error';

  try {
    await rt.deps.budget.ready?.();
    const resolved = rt.resolve(task, route.model);
    routeNames = resolved.candidates.map((c) => c.name);
    if (routeNames.length) span.setAttribute(ATTR_SWITCHYARD_ROUTE, routeNames);
    if (resolved.budget) span.setAttribute(ATTR_SWITCHYARD_BUDGET_LEVEL, resolved.budget.level);
    const refused = resolved.candidates.filter((c) => c.skipped?.errorClass === 'budget');
    for (const c of refused) {
      state.attempts.push({ model: c.name, modelId: c.id, provider: c.providerName, status: 'skipped', errorClass: 'budget', reason: c.skipped?.reason, latencyMs: 0 });
    }
    if (resolved.error) throw resolved.error;
    if (resolved.budget?.level === 'exceeded' && resolved.budget.onExceed === 'warn') {
      rt.deps.logger.warn(`${resolved.budget.message ?? 'The Switchyard budget is exceeded.'} Continuing (budget.onExceed is "warn").`);
    }
    // Breaker-open candidates stay in the list: the breaker decides at their turn (a half-open probe may start meanwhile).
    const kept = resolved.candidates.filter((c) => c.skipped?.errorClass !== 'budget');

    let contextLimit: number | undefined; // set after a context-window failure
    /** Origins that accepted no connection in this call: their other candidates are skipped. */
    const unreachableHosts = new Set<string>();
    let attemptNo = 0;
    candidateLoop: for (let i = 0; i < kept.length; i++) {
      const model = kept[i];
      const skip = (errorClass: AttemptRecord['errorClass'], reason: string) => {
        state.attempts.push({ model: model.name, modelId: model.id, provider: model.providerName, status: 'skipped', errorClass, reason, latencyMs: 0 });
      };
      const tooSmall = contextLimit === undefined ? undefined : contextWindowSkip(model, contextLimit);
      if (tooSmall) {
        skip('context_window', tooSmall);
        continue;
      }
      const origin = providerOrigin(config, model.providerName);
      if (origin !== undefined && unreachableHosts.has(origin)) {
        skip('network', `${origin} accepted no connection earlier in this call.`);
        continue;
      }
      if (await rt.rejectedKeys.stillRejected(model.providerName, rt.deps.adapterFor)) {
        skip('auth', `provider "${model.providerName}" was rejected earlier and its key has not changed`);
        continue;
      }
      if (!breaker.tryAcquire(model.name)) {
        skip('circuit_open', breakerSkipReason(breaker, model.name));
        continue;
      }
      const request = makeRequest(model);
      for (let retries = 0; ; retries++) {
        attemptNo++;
        emit({ type: 'attempt', model: model.name, provider: model.providerName, attempt: attemptNo });
        const outcome = await runAttempt(rt, model, request, route, task, attemptNo, span, collect);
        addUsage(state.usage, outcome.usage);
        addCost(state, outcome.usage, rt.priceOf(model), outcome.usageSource);
        state.usageSource = worseSource(state.usageSource, outcome.usageSource);
        state.providerCostUsd = sumReportedCosts([state.providerCostUsd, outcome.providerCostUsd]);
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
        const decision = decide(error, retries, outcome.deliveredOutput, settings, rt.random);
        outcome.span.setAttribute(ATTR_SWITCHYARD_FALLBACK_REASON, `${decision.action}: ${decision.reason}`).end();
        state.attempts.push({ ...outcome.record, reason: `${error.message} → ${decision.action === 'retry' ? 'retry' : decision.action === 'next' ? 'next candidate' : 'stop'}: ${decision.reason}` });
        if (decision.action === 'stop') {
          if (error.kind === 'aborted') status = 'cancelled';
          break candidateLoop;
        }
        if (decision.action === 'retry') {
          try {
            await rt.sleep(decision.delayMs, route.signal);
          } catch {
            status = 'cancelled';
            finalError = new ModelError({ kind: 'aborted', message: 'Cancelled.' });
            break candidateLoop;
          }
          continue;
        }
        if (decision.contextExceeded) contextLimit = model.contextWindow ?? contextLimit;
        if (decision.hostUnreachable) unreachableHosts.add(decision.hostUnreachable);
        const next = kept[i + 1];
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
  return recordCall(rt, state, { task, feature, route, span, startMs, routeNames, status, finalModel, finalError, finishReason, vectors });
}
