/**
 * router.resolve(task, pinned): the route's head as one value — the candidates in order with their
 * limits, the pinned one first, and the ones a call would skip now with why.
 */
import assert from 'node:assert/strict';
import { parseConfig, type ConfigInput } from '../../src/core/config/schema';
import { ModelError } from '../../src/core/models/errors';
import type { ModelAdapter, ModelEvent, ResolvedModel } from '../../src/core/models/types';
import { createRouter } from '../../src/core/router/router';
import type { BudgetGate } from '../../src/core/router/runtime';
import { MemoryTraceStore } from '../../src/core/trace/store';
import { createTracer } from '../../src/core/trace/tracer';
import { MemoryLedger } from '../support/memoryLedger';

/** Fails every call to the models named in `failing` with a 500; answers the others. */
class FailingAdapter implements ModelAdapter {
  readonly kind = 'openai-compatible' as const;
  constructor(readonly providerName: string, private readonly failing: Set<string>) {}
  async *stream(model: ResolvedModel): AsyncIterable<ModelEvent> {
    if (this.failing.has(model.name)) {
      yield { type: 'error', error: new ModelError({ kind: 'server', status: 500, message: `${model.name} failed` }) };
      return;
    }
    yield { type: 'text', text: 'ok' };
    yield { type: 'finish', reason: 'stop' };
  }
  async embed(): Promise<never> {
    throw new ModelError({ kind: 'config', message: 'no embeddings' });
  }
}

const catalogFacts: Record<string, { contextWindow: number; maxOutputTokens: number }> = {
  'big-id': { contextWindow: 200_000, maxOutputTokens: 8192 },
  'small-id': { contextWindow: 32_000, maxOutputTokens: 4096 },
};
const prices: Record<string, { inputPerMTok: number; outputPerMTok: number }> = {
  'big-id': { inputPerMTok: 3, outputPerMTok: 15 },
  'small-id': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'local-id': { inputPerMTok: 0, outputPerMTok: 0 },
};

function setup(input: Partial<ConfigInput>, opts: { failing?: string[]; budget?: ReturnType<BudgetGate['state']> } = {}) {
  const config = parseConfig({
    providers: { hosted: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', local: false } },
    models: {
      big: { provider: 'hosted', id: 'big-id' },
      small: { provider: 'hosted', id: 'small-id' },
      // Config limits win over the catalog's.
      local: { provider: 'hosted', id: 'local-id', contextWindow: 8_000, maxOutputTokens: 1_000 },
    },
    router: { maxRetries: 0, breakerFailureThreshold: 1, breakerCooldownMs: 60_000 },
    ...input,
  });
  let now = 1_000_000;
  const clock = { now: () => now };
  const adapter = new FailingAdapter('hosted', new Set(opts.failing ?? []));
  const budget: BudgetGate = { state: () => opts.budget ?? { level: 'ok', onExceed: 'warn' }, add: () => {} };
  const router = createRouter({
    config,
    adapterFor: async () => adapter,
    catalog: { lookup: (id) => catalogFacts[id], priceFor: (id) => prices[id] },
    ledger: new MemoryLedger(),
    tracer: createTracer({ store: new MemoryTraceStore({ maxTraces: 100, maxBytes: 10_000_000 }) }),
    budget,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    clock,
    sleep: async () => {},
  });
  return { router, advance: (ms: number) => (now += ms) };
}

describe('router.resolve', () => {
  it('puts the pinned model first, then the route in order, each with its context window and max output', () => {
    const { router } = setup({ routes: { chat: ['big', 'small', 'local'] }, pinned: { chat: 'small' } });
    const route = router.resolve('chat');
    assert.equal(route.error, undefined);
    assert.deepEqual(
      route.candidates.map((c) => [c.name, c.pinned, c.contextWindow, c.maxOutputTokens, c.skipped]),
      [
        ['small', true, 32_000, 4096, undefined],
        ['big', false, 200_000, 8192, undefined],
        ['local', false, 8_000, 1_000, undefined],
      ],
    );
  });

  it('an explicit model overrides the pin and comes first once', () => {
    const { router } = setup({ routes: { chat: ['big', 'small', 'local'] }, pinned: { chat: 'small' } });
    assert.deepEqual(router.resolve('chat', 'local').candidates.map((c) => [c.name, c.pinned]), [['local', true], ['big', false], ['small', false]]);
  });

  it('marks a model whose context window is too small for the prompt as skipped, with the reason', () => {
    const { router } = setup({ routes: { chat: ['local', 'small', 'big'] } });
    const route = router.resolve('chat', undefined, { contextTokens: 20_000 });
    const byName = Object.fromEntries(route.candidates.map((c) => [c.name, c.skipped]));
    assert.deepEqual(byName.local, { errorClass: 'context_window', reason: 'context window 8000 is not larger than 20000' });
    assert.equal(byName.small, undefined, '32k fits a 20k prompt');
    assert.equal(byName.big, undefined);
  });

  it('reports a candidate whose breaker is open as skipped with the cooldown left, and clears it after the cooldown', async () => {
    const { router, advance } = setup({ routes: { chat: ['big', 'small'] } }, { failing: ['big'] });
    assert.equal(router.resolve('chat').candidates[0]?.skipped, undefined, 'closed before any failure');
    const result = await router.complete({ task: 'chat', request: { messages: [{ role: 'user', content: 'hi' }] } });
    assert.equal(result.model, 'small', 'fell back after the 500');
    const open = router.resolve('chat').candidates;
    assert.deepEqual(open[0]?.skipped, { errorClass: 'circuit_open', reason: 'cooling down after repeated failures (60 s left)' });
    assert.equal(open[1]?.skipped, undefined);
    advance(60_000);
    assert.equal(router.resolve('chat').candidates[0]?.skipped, undefined, 'half-open: a probe may go');
  });

  it('reports the paid candidates a blocking budget refuses, and an error when no free one is left', () => {
    const exceeded = { level: 'exceeded' as const, onExceed: 'block' as const, message: 'Daily budget of $1.00 exceeded.' };
    const withLocal = setup({ routes: { chat: ['big', 'local'] } }, { budget: exceeded }).router.resolve('chat');
    assert.deepEqual(withLocal.candidates.map((c) => [c.name, c.skipped?.errorClass]), [['big', 'budget'], ['local', undefined]]);
    assert.equal(withLocal.error, undefined);
    const paidOnly = setup({ routes: { chat: ['big', 'small'] } }, { budget: exceeded }).router.resolve('chat');
    assert.equal(paidOnly.error?.kind, 'budget');
    assert.match(paidOnly.error?.message ?? '', /Paid models are blocked/);
  });

  it('returns a config error, not a throw, for a task without a route or an unknown model', () => {
    const { router } = setup({ routes: { chat: ['big'] } });
    const none = router.resolve('completion');
    assert.deepEqual([none.candidates.length, none.error?.kind], [0, 'config']);
    assert.match(none.error?.message ?? '', /No route for task "completion"/);
    const unknown = router.resolve('chat', 'gpt9');
    assert.equal(unknown.error?.kind, 'config');
    assert.match(unknown.error?.message ?? '', /Unknown model "gpt9"/);
  });
});
