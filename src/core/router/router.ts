/**
 * The router: every model call in Switchyard goes through here. It resolves the task's route
 * (resolve.ts), runs the attempt loop with retries and fallback (call.ts, attempt.ts) and writes
 * exactly one ledger record and one trace per call (record.ts). This module holds what lives as
 * long as the router — settings, breaker, rejected keys — and the public calls.
 */
import type { SwitchyardConfig } from '../config/schema';
import { priceOfModel } from '../cost/local';
import { ModelError } from '../models/errors';
import type { ModelRequest } from '../models/types';
import { systemClock } from '../basics';
import { AsyncQueue, abortableSleep } from '../util/asyncQueue';
import { CircuitBreaker } from './breaker';
import { runCall } from './call';
import { promptText } from './record';
import { resolveRoute } from './resolve';
import { RejectedKeys, type RouterDeps, type RouterRuntime } from './runtime';
import type { RouteRequest, Router, RouterEvent, RouterStream } from './types';

export type { BudgetGate, RouterDeps } from './runtime';

/** The router as the composition root sees it: the public Router plus health introspection. */
export interface ManagedRouter extends Router {
  breakerState(model: string): 'closed' | 'open' | 'half_open';
  /** Settings changed: routes, models and limits apply from the next call; breaker state is kept. */
  updateConfig(config: SwitchyardConfig): void;
}

export function createRouter(deps: RouterDeps): ManagedRouter {
  // Settings are read per call from the current config; updateConfig() swaps it in place, so the
  // breaker's state and the memory of rejected keys live as long as the router.
  let config = deps.config;
  const clock = deps.clock ?? systemClock;
  const breaker = new CircuitBreaker(config.router.breakerFailureThreshold, config.router.breakerCooldownMs, clock);
  const rt: RouterRuntime = {
    deps,
    clock,
    sleep: deps.sleep ?? abortableSleep,
    random: deps.random ?? Math.random,
    breaker,
    rejectedKeys: new RejectedKeys(),
    config: () => config,
    priceOf: (model) => priceOfModel(config, deps.catalog, model.name, model.id),
    resolve: (task, pinned, needs) =>
      resolveRoute({ config, task, pinned, needs, factsFor: (id) => deps.catalog.lookup(id), priceOf: rt.priceOf, budget: deps.budget.state(), breaker }),
  };

  /** Adds the prompt-cache request when the setting is on (chat-shaped calls; never per-keystroke FIM). */
  function withPromptCache(route: RouteRequest, request: ModelRequest): ModelRequest {
    if (config.cost?.promptCache === false || route.task === 'completion' || !request.messages?.length || request.promptCache) return request;
    return { ...request, promptCache: route.cacheKey ? { key: route.cacheKey } : {} };
  }

  function stream(route: RouteRequest): RouterStream {
    const queue = new AsyncQueue<RouterEvent>();
    const prompt = config.trace.recordBodies ? promptText(route.request) : undefined;
    const result = runCall(rt, route.task, route, (model) => withPromptCache(route, route.requestFor ? route.requestFor(model) : route.request), (e) => queue.push(e), { prompt })
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
      const result = await runCall(rt, 'embedding', request, () => ({ embedInputs: request.inputs }), () => undefined, {});
      if (result.status !== 'ok' || !result.vectors) {
        throw result.error ?? new ModelError({ kind: 'unknown', message: 'Embedding failed.' });
      }
      const { vectors, ...rest } = result;
      return { vectors, result: rest };
    },
    resolve: (task, pinned, needs) => rt.resolve(task, pinned, needs),
    breakerState: (model) => breaker.state(model),
    updateConfig(next) {
      config = next;
      breaker.updateSettings(next.router.breakerFailureThreshold, next.router.breakerCooldownMs);
    },
  };
}
