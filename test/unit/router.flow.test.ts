/**
 * Router flow with an in-process adapter double (the wire tests drive the real SDKs; these pin
 * down the policy decisions: budget modes, auth skip until the key changes, breaker skips,
 * larger-context fallback, one ledger record and one trace per call).
 */
import assert from 'node:assert/strict';
import { parseConfig, type ConfigInput } from '../../src/core/config/schema';
import { ModelError, type ErrorClass } from '../../src/core/models/errors';
import type { ModelAdapter, ModelEvent, ResolvedModel } from '../../src/core/models/types';
import { createRouter, type BudgetGate } from '../../src/core/router/router';
import { MemoryTraceStore } from '../../src/core/trace/store';
import { createTracer } from '../../src/core/trace/tracer';
import { MemoryLedger } from '../support/memoryLedger';

type Step = { text: string } | { fail: ErrorClass; status?: number };

class ScriptedAdapter implements ModelAdapter {
  readonly kind = 'openai-compatible' as const;
  calls: string[] = [];
  constructor(readonly providerName: string, private readonly steps: Record<string, Step[]>) {}
  async *stream(model: ResolvedModel): AsyncIterable<ModelEvent> {
    this.calls.push(model.name);
    const step = this.steps[model.name]?.shift() ?? { text: `hello from ${model.name}` };
    if ('fail' in step) {
      yield { type: 'error', error: new ModelError({ kind: step.fail, status: step.status, message: `${model.name} failed with ${step.fail}` }) };
      return;
    }
    yield { type: 'text', text: step.text };
    yield { type: 'usage', usage: { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0 } };
    yield { type: 'finish', reason: 'stop' };
  }
  async embed(): Promise<never> {
    throw new ModelError({ kind: 'config', message: 'no embeddings' });
  }
}

const prices: Record<string, { inputPerMTok: number; outputPerMTok: number }> = {
  big: { inputPerMTok: 3, outputPerMTok: 15 },
  small: { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  local: { inputPerMTok: 0, outputPerMTok: 0 },
};
const windows: Record<string, number> = { big: 200_000, small: 32_000, local: 8_000 };

function setup(input: Partial<ConfigInput>, steps: Record<string, Step[]>, budgetLevel: 'ok' | 'exceeded' = 'ok', onExceed: 'warn' | 'block' | 'cheapest' = 'warn') {
  const config = parseConfig({
    // Stand-ins for paid hosted servers: `local: false` keeps the loopback URL from making them free.
    providers: { p1: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', local: false }, p2: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', local: false } },
    models: {
      big: { provider: 'p1', id: 'big' },
      small: { provider: 'p2', id: 'small' },
      local: { provider: 'p2', id: 'local' },
      big2: { provider: 'p1', id: 'big' },
    },
    router: { backoffBaseMs: 1, backoffMaxMs: 2, breakerFailureThreshold: 2 },
    ...input,
  });
  const adapters = new Map<string, ScriptedAdapter>([['p1', new ScriptedAdapter('p1', steps)], ['p2', new ScriptedAdapter('p2', steps)]]);
  const ledger = new MemoryLedger();
  const store = new MemoryTraceStore({ maxTraces: 100, maxBytes: 10_000_000 });
  const spent: (number | null)[] = [];
  const budget: BudgetGate = { state: () => ({ level: budgetLevel, onExceed, message: 'Daily budget of $1.00 exceeded.' }), add: (c) => void spent.push(c) };
  const router = createRouter({
    config,
    adapterFor: async (name) => adapters.get(name)!,
    catalog: { lookup: (id) => ({ contextWindow: windows[id], maxOutputTokens: 4096 }), priceFor: (id) => prices[id] },
    ledger,
    tracer: createTracer({ store }),
    budget,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    sleep: async () => {},
  });
  return { router, adapters, ledger, store, spent };
}

const ask = { task: 'chat', request: { messages: [{ role: 'user' as const, content: 'hi' }] } };

describe('router flow', () => {
  it('answers from the head of the route and writes one ledger record and one trace', async () => {
    const { router, ledger, store } = setup({ routes: { chat: ['big', 'small'] } }, {});
    const result = await router.complete(ask);
    assert.equal(result.status, 'ok');
    assert.equal(result.text, 'hello from big');
    assert.equal(result.costUsd, (1000 * 3 + 100 * 15) / 1e6);
    assert.equal(ledger.records.length, 1);
    assert.equal(ledger.records[0].traceId, result.traceId);
    const trace = store.get(result.traceId);
    assert.ok(trace, 'trace stored');
    assert.equal(trace.spans.length, 2, 'operation span + one attempt span');
  });

  it('falls back on overload and records why', async () => {
    const { router, ledger } = setup({ routes: { chat: ['big', 'small'] } }, { big: [{ fail: 'overloaded', status: 529 }] });
    const events: string[] = [];
    const s = router.stream(ask);
    for await (const e of s) events.push(e.type);
    const result = await s.result;
    assert.equal(result.text, 'hello from small');
    assert.deepEqual(result.attempts.map((a) => [a.model, a.status, a.errorClass]), [['big', 'error', 'overloaded'], ['small', 'ok', undefined]]);
    assert.match(result.attempts[0].reason ?? '', /overloaded/);
    assert.ok(events.includes('fallback'));
    assert.equal(events.at(-1), 'finish');
    assert.equal(ledger.records[0].attempts.length, 2);
  });

  it('stops without fallback on an invalid request', async () => {
    const { router } = setup({ routes: { chat: ['big', 'small'] } }, { big: [{ fail: 'invalid_request', status: 400 }] });
    const result = await router.complete(ask);
    assert.equal(result.status, 'error');
    assert.equal(result.attempts.length, 1);
    assert.equal(result.error?.kind, 'invalid_request');
  });

  it('skips a provider whose key was rejected, on later calls too, until its adapter (key) changes', async () => {
    const { router, adapters } = setup({ routes: { chat: ['big', 'small', 'big2'] } }, { big: [{ fail: 'auth', status: 401 }] });
    const first = await router.complete(ask);
    assert.equal(first.text, 'hello from small');
    assert.deepEqual(first.attempts.map((a) => a.status), ['error', 'ok']);
    const second = await router.complete(ask);
    assert.deepEqual(second.attempts.map((a) => [a.model, a.status, a.errorClass]), [['big', 'skipped', 'auth'], ['small', 'ok', undefined]]);
    adapters.set('p1', new ScriptedAdapter('p1', {})); // a new key → a new adapter
    const third = await router.complete(ask);
    assert.equal(third.text, 'hello from big');
  });

  it('moves to a larger context window after a context-window error, skipping smaller ones', async () => {
    const { router } = setup({ routes: { chat: ['small', 'local', 'big'] } }, { small: [{ fail: 'context_window', status: 400 }] });
    const result = await router.complete(ask);
    assert.equal(result.text, 'hello from big');
    assert.deepEqual(result.attempts.map((a) => [a.model, a.status]), [['small', 'error'], ['local', 'skipped'], ['big', 'ok']]);
  });

  it('opens the breaker after repeated failures and skips the model while it cools down', async () => {
    const { router, adapters } = setup({ routes: { chat: ['big', 'small'] }, router: { maxRetries: 0, breakerFailureThreshold: 2, backoffBaseMs: 1 } }, { big: [{ fail: 'server', status: 500 }, { fail: 'server', status: 500 }] });
    await router.complete(ask);
    await router.complete(ask);
    const third = await router.complete(ask);
    assert.deepEqual(third.attempts.map((a) => [a.model, a.status, a.errorClass]), [['big', 'skipped', 'circuit_open'], ['small', 'ok', undefined]]);
    assert.equal(adapters.get('p1')!.calls.length, 2);
  });

  it('retries server errors on the same model before falling back', async () => {
    const { router } = setup({ routes: { chat: ['big', 'small'] } }, { big: [{ fail: 'server', status: 503 }] });
    const result = await router.complete(ask);
    assert.equal(result.text, 'hello from big');
    assert.deepEqual(result.attempts.map((a) => a.status), ['error', 'ok']);
    assert.match(result.attempts[0].reason ?? '', /retry/);
  });

  it('budget "block" refuses paid models and keeps free ones', async () => {
    const { router } = setup({ routes: { chat: ['big', 'local'] } }, {}, 'exceeded', 'block');
    const result = await router.complete(ask);
    assert.equal(result.text, 'hello from local');
    assert.deepEqual(result.attempts.map((a) => [a.model, a.status, a.errorClass]), [['big', 'skipped', 'budget'], ['local', 'ok', undefined]]);
    assert.equal(result.costUsd, 0);
  });

  it('budget "block" with only paid models fails with a clear message', async () => {
    const { router, ledger } = setup({ routes: { chat: ['big', 'small'] } }, {}, 'exceeded', 'block');
    const result = await router.complete(ask);
    assert.equal(result.status, 'error');
    assert.equal(result.error?.kind, 'budget');
    assert.match(result.error?.message ?? '', /budget/i);
    assert.equal(ledger.records.length, 1, 'a refused call is still recorded');
  });

  it('budget "cheapest" uses only the cheapest candidate', async () => {
    const { router } = setup({ routes: { chat: ['big', 'small'] } }, {}, 'exceeded', 'cheapest');
    const result = await router.complete(ask);
    assert.equal(result.text, 'hello from small');
  });

  it('reports cost as unknown (null), never $0, when the price is unknown', async () => {
    const { router, spent } = setup({ models: { mystery: { provider: 'p1', id: 'mystery' } }, providers: { p1: { kind: 'openai-compatible', baseUrl: 'https://llm.example.com/v1' }, p2: { kind: 'openai-compatible', baseUrl: 'https://llm.example.com/v1' } }, routes: { chat: ['mystery'] } }, {});
    const result = await router.complete(ask);
    assert.equal(result.status, 'ok');
    assert.equal(result.costUsd, null);
    assert.deepEqual(spent, [null]);
  });

  describe('local means $0', () => {
    const loopback = (url: string, extra: Record<string, unknown> = {}) => ({
      providers: { p1: { kind: 'openai-compatible' as const, baseUrl: url, ...extra }, p2: { kind: 'openai-compatible' as const, baseUrl: 'https://llm.example.com/v1' } },
      models: { mystery: { provider: 'p1', id: 'mystery' }, big: { provider: 'p2', id: 'big' } },
    });

    for (const url of ['http://127.0.0.1:11434/v1', 'http://localhost:1234/v1', 'http://[::1]:8080/v1', 'http://127.3.2.1:8000/v1']) {
      it(`an unpriced model on ${url} costs $0 and says it is local`, async () => {
        const { router, spent, ledger } = setup({ ...loopback(url), routes: { chat: ['mystery'] } }, {});
        const result = await router.complete(ask);
        assert.equal(result.costUsd, 0);
        assert.equal(result.local, true);
        assert.equal(ledger.records[0]?.costUsd, 0);
        assert.deepEqual(spent, [0]);
      });
    }

    it('a remote unpriced model is not local; `local: true` makes any provider local', async () => {
      const remote = setup({ ...loopback('https://llm.example.com/v1'), routes: { chat: ['mystery'] } }, {});
      const r1 = await remote.router.complete(ask);
      assert.deepEqual([r1.costUsd, r1.local], [null, undefined]);
      const declared = setup({ ...loopback('http://10.0.0.5:8000/v1', { local: true }), routes: { chat: ['mystery'] } }, {});
      const r2 = await declared.router.complete(ask);
      assert.deepEqual([r2.costUsd, r2.local], [0, true]);
    });

    it('a price set by the user still applies to a local model', async () => {
      const { router } = setup({ ...loopback('http://127.0.0.1:11434/v1'), models: { mystery: { provider: 'p1', id: 'mystery', price: { inputPerMTok: 1, outputPerMTok: 2 } } }, routes: { chat: ['mystery'] } }, {});
      const result = await router.complete(ask);
      assert.ok((result.costUsd ?? 0) > 0, `priced: ${result.costUsd}`);
    });

    for (const mode of ['block', 'cheapest'] as const) {
      it(`an exceeded budget in "${mode}" mode never blocks a local model`, async () => {
        const { router } = setup({ ...loopback('http://127.0.0.1:11434/v1'), routes: { chat: ['big', 'mystery'] } }, {}, 'exceeded', mode);
        const result = await router.complete(ask);
        assert.equal(result.status, 'ok', result.error?.message);
        assert.equal(result.text, 'hello from mystery');
        assert.equal(result.costUsd, 0);
        assert.deepEqual(result.attempts.map((a) => [a.model, a.status]), [['big', 'skipped'], ['mystery', 'ok']]);
      });
    }
  });

  it('explains a task with no route', async () => {
    const { router } = setup({}, {});
    const result = await router.complete({ ...ask, task: 'embedding' });
    assert.equal(result.error?.kind, 'config');
    assert.match(result.error?.message ?? '', /routes\.embedding/);
  });
});
