/**
 * The completion engine over the real router with an in-memory adapter: cache and typing-through,
 * in-flight reuse, cancellation, debounce, templates per candidate, outcomes in the ledger.
 */
import assert from 'node:assert/strict';
import { parseConfig, type ConfigInput } from '../../src/core/config/schema';
import { CompletionEngine } from '../../src/core/completion/engine';
import { Debouncer } from '../../src/core/completion/debounce/debouncer';
import { silentLogger } from '../../src/core/logger';
import { ModelError } from '../../src/core/models/errors';
import type { ModelAdapter, ModelEvent, ModelRequest, ResolvedModel } from '../../src/core/models/types';
import { createRouter } from '../../src/core/router/router';
import { MemoryTraceStore } from '../../src/core/trace/store';
import { createTracer } from '../../src/core/trace/tracer';
import type { CompletionRequest } from '../../src/core/completion/types';
import { summarizeTrace } from '../../src/host/panel/traceView';
import { MemoryLedger } from '../support/memoryLedger';

interface Call {
  model: ResolvedModel;
  request: ModelRequest;
  signal: AbortSignal;
  aborted: boolean;
}

type Reply = { chunks: string[]; gate?: Promise<void> };

/** An adapter that answers from a per-model script; a `gate` holds the stream open after the first chunk. */
function scriptedAdapter(reply: (model: ResolvedModel, request: ModelRequest) => Reply, calls: Call[]): ModelAdapter {
  return {
    providerName: 'local',
    kind: 'openai-compatible',
    async *stream(model, request, signal): AsyncIterable<ModelEvent> {
      const call: Call = { model, request, signal, aborted: false };
      calls.push(call);
      signal.addEventListener('abort', () => (call.aborted = true), { once: true });
      const { chunks, gate } = reply(model, request);
      for (let i = 0; i < chunks.length; i++) {
        if (i === 1 && gate) await Promise.race([gate, new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
        if (signal.aborted) {
          yield { type: 'error', error: new ModelError({ kind: 'aborted', message: 'aborted' }) };
          return;
        }
        yield { type: 'text', text: chunks[i] };
      }
      yield { type: 'usage', usage: { inputTokens: 10, outputTokens: chunks.length, cacheReadTokens: 0, cacheWriteTokens: 0 } };
      yield { type: 'finish', reason: 'stop' };
    },
    async embed() {
      throw new Error('not used');
    },
  };
}

function setup(reply: (model: ResolvedModel, request: ModelRequest) => Reply, overrides: Partial<ConfigInput> = {}, engineOpts: { graceMs?: number; sleeps?: number[] } = {}) {
  const config = parseConfig({
    providers: { local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } },
    models: { coder: { provider: 'local', id: 'qwen2.5-coder:1.5b-base' }, chatty: { provider: 'local', id: 'gpt-4.1-mini' } },
    routes: { completion: ['coder', 'chatty'] },
    completion: { debounceMs: 0 },
    ...overrides,
  });
  const calls: Call[] = [];
  const ledger = new MemoryLedger();
  const traces = new MemoryTraceStore({ maxTraces: 100, maxBytes: 1_000_000 });
  const tracer = createTracer({ store: traces });
  const adapter = scriptedAdapter(reply, calls);
  const router = createRouter({
    config,
    adapterFor: async () => adapter,
    catalog: { lookup: () => undefined, priceFor: () => undefined },
    ledger,
    tracer,
    budget: { state: () => ({ level: 'ok', onExceed: 'warn' }), add() {} },
    logger: silentLogger,
  });
  const sleeps = engineOpts.sleeps;
  const engine = new CompletionEngine({
    router,
    config,
    logger: silentLogger,
    ledger,
    tracer,
    graceMs: engineOpts.graceMs ?? 0,
    ...(sleeps ? { sleep: async (ms: number) => void sleeps.push(ms) } : {}),
  });
  return { engine, calls, ledger, router, config, traces };
}

function req(text: string, trigger: CompletionRequest['trigger'] = 'automatic', signal?: AbortSignal): CompletionRequest {
  const offset = text.indexOf('|');
  return { document: { filepath: '/w/a.ts', languageId: 'typescript', text: text.replace('|', ''), offset }, trigger, signal };
}

describe('completion engine', () => {
  it('answers through the router and postprocesses the model text', async () => {
    const { engine, calls } = setup(() => ({ chunks: ['a + ', 'b;', '\nextra'] }));
    const r = await engine.complete(req('const s = |\n'));
    assert.equal(r.status, 'ok');
    assert.equal(r.text, 'a + b;');
    assert.equal(r.model, 'coder');
    assert.equal(r.cacheHit, false);
    assert.equal(calls.length, 1);
    assert.match(calls[0].request.prompt ?? '', /^<\|fim_prefix\|>const s = <\|fim_suffix\|>/);
  });

  it('makes each model call a "completion" trace with the outcome and the router spans under it', async () => {
    const { engine, traces, ledger } = setup(() => ({ chunks: ['```ts\n', 'a + b;', '\n```'] }));
    const r = await engine.complete(req('const s = |\n'));
    await engine.flush();
    const trace = traces.get(r.traceId!);
    assert.ok(trace, 'the result names its trace');
    assert.equal(trace.name, 'completion');
    const root = trace.spans.find((s) => s.parentSpanId === undefined)!;
    assert.equal(root.attributes['switchyard.outcome'], 'shown');
    assert.equal(root.attributes['switchyard.model'], 'coder');
    assert.equal(root.attributes['switchyard.status'], undefined, 'only the router operation span carries a status (the Traces tab sums those)');
    assert.equal(root.attributes['switchyard.response'], 'a + b;');
    assert.deepEqual(root.attributes['switchyard.completion.postprocess'], ['stripFences']);
    assert.ok(trace.spans.some((s) => s.parentSpanId === root.spanId && s.name === 'completion'), 'the router span nests under it');
    assert.equal(ledger.records.find((x) => x.attempts.length > 0)?.traceId, r.traceId);
    const row = summarizeTrace(trace);
    assert.deepEqual([row.name, row.feature, row.model, row.status, row.attempts], ['completion', 'completion', 'coder', 'ok', 1]);
  });

  it('typing through a suggestion is served from the cache without a model call', async () => {
    const { engine, calls } = setup(() => ({ chunks: ['compute(1, 2);'] }));
    const first = await engine.complete(req('const v = |'));
    assert.equal(first.text, 'compute(1, 2);');
    const second = await engine.complete(req('const v = comp|'));
    assert.equal(second.status, 'ok');
    assert.equal(second.text, 'ute(1, 2);');
    assert.equal(second.source, 'cache');
    assert.equal(second.id, first.id, 'typing through keeps the suggestion id');
    const diverged = await engine.complete(req('const v = x|'));
    assert.equal(diverged.source, 'model');
    assert.equal(calls.length, 2);
  });

  it('joins the call in flight when the typed characters match its start', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const { engine, calls } = setup(() => ({ chunks: ['retu', 'rn x;'], gate }), {}, { graceMs: 10_000 });
    const a = new AbortController();
    const first = engine.complete(req('function f(x) {\n  |\n}', 'automatic', a.signal));
    await new Promise((r) => setTimeout(r, 20));
    a.abort(); // VS Code cancels the first request when the user types on
    const second = engine.complete(req('function f(x) {\n  re|\n}'));
    open();
    assert.equal((await first).status, 'cancelled');
    const r = await second;
    assert.equal(r.status, 'ok');
    assert.equal(r.text, 'turn x;');
    assert.equal(r.source, 'inflight');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].aborted, false);
  });

  it('aborts the model call when the caller cancels and nobody joins', async () => {
    const gate = new Promise<void>(() => {});
    const { engine, calls, ledger } = setup(() => ({ chunks: ['a', 'b'], gate }));
    const a = new AbortController();
    const p = engine.complete(req('let q = |', 'automatic', a.signal));
    await new Promise((r) => setTimeout(r, 20));
    a.abort();
    assert.equal((await p).status, 'cancelled');
    await engine.flush();
    assert.equal(calls[0].aborted, true);
    const call = ledger.records.find((r) => r.attempts.length > 0);
    assert.equal(call?.status, 'cancelled');
    assert.equal(call?.outcome, 'cancelled');
    assert.equal(engine.stats().totals.aborted, 1);
  });

  it('keeps a call the user types through alive until the editor asks again, past the usual grace', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const { engine, calls } = setup(() => ({ chunks: ['fo', 'o(1);'], gate }), {}, { graceMs: 5 });
    const a = new AbortController();
    const first = engine.complete(req('let q = |', 'automatic', a.signal));
    await new Promise((r) => setTimeout(r, 20));
    a.abort(); // VS Code cancels (before or after the change event): the usual grace starts
    engine.documentChanged('/w/a.ts', 'let q = f', 'let q = f'.length); // typed the start of "fo"
    await new Promise((r) => setTimeout(r, 30)); // the editor's own debounce
    assert.equal(calls[0].aborted, false);
    const second = engine.complete(req('let q = f|'));
    open();
    assert.equal((await first).status, 'cancelled');
    const r = await second;
    assert.equal(r.text, 'oo(1);');
    assert.equal(r.source, 'inflight');
    assert.equal(calls.length, 1);
  });

  it('aborts at once when the document changes in a way the streamed text contradicts', async () => {
    const gate = new Promise<void>(() => {});
    const { engine, calls } = setup(() => ({ chunks: ['foo', 'bar'], gate }), {}, { graceMs: 10_000 });
    const p = engine.complete(req('let q = |'));
    await new Promise((r) => setTimeout(r, 20));
    engine.documentChanged('/w/a.ts', 'let q = fo', 'let q = fo'.length);
    assert.equal(calls[0].aborted, false, 'typing the start of the suggestion keeps the call');
    engine.documentChanged('/w/a.ts', 'let q = z', 'let q = z'.length);
    assert.equal(calls[0].aborted, true);
    assert.equal((await p).status, 'cancelled');
  });

  it('falls back to the chat model with a hole-filler prompt built for it', async () => {
    const failing = setup((model, request) => {
      if (model.name === 'coder') throw new ModelError({ kind: 'server', message: 'boom', status: 500 });
      return { chunks: request.messages ? ['<fill>x * 2</fill>'] : ['wrong'] };
    }, { router: { maxRetries: 0 } });
    const r = await failing.engine.complete(req('const y = |;'));
    assert.equal(r.status, 'ok');
    assert.equal(r.text, 'x * 2');
    assert.equal(r.model, 'chatty');
    const chatCall = failing.calls.find((c) => c.model.name === 'chatty');
    assert.ok(chatCall?.request.messages?.some((m) => m.content.includes('const y = <<HOLE>>;')));
  });

  it('manual invocation skips the debounce; automatic ones wait it', async () => {
    const sleeps: number[] = [];
    const { engine } = setup(() => ({ chunks: ['1;'] }), { completion: { debounceMs: 150, adaptiveDebounce: false } }, { sleeps });
    await engine.complete(req('let a = |', 'manual'));
    assert.deepEqual(sleeps, []);
    await engine.complete(req('let b = |'));
    assert.deepEqual(sleeps, [150]);
  });

  it('is off when disabled for the language or snoozed', async () => {
    const { engine, calls } = setup(() => ({ chunks: ['1;'] }), { completion: { debounceMs: 0, languages: { typescript: false } } });
    assert.equal((await engine.complete(req('let a = |'))).status, 'disabled');
    const other = setup(() => ({ chunks: ['1;'] }));
    other.engine.snooze(60_000);
    assert.equal((await other.engine.complete(req('let a = |'))).status, 'disabled');
    assert.ok(other.engine.snoozedUntil());
    other.engine.snooze(0);
    assert.equal((await other.engine.complete(req('let a = |'))).status, 'ok');
    assert.equal(calls.length, 0);
  });

  it('counts accepted and rejected suggestions per model and writes them to the ledger', async () => {
    let n = 0;
    const { engine, ledger } = setup(() => ({ chunks: [`v${++n};`] }));
    const first = await engine.complete(req('let a = |'));
    const second = await engine.complete(req('let b = |')); // replaces the first: rejected
    assert.equal(engine.accepted(second.id), true);
    assert.equal(engine.accepted(second.id), false, 'an accept is counted once');
    await engine.flush();
    const outcomes = ledger.records.filter((r) => r.attempts.length === 0).map((r) => [r.outcome, r.model, r.traceId]);
    assert.deepEqual(outcomes, [
      ['rejected', 'coder', first.traceId],
      ['accepted', 'coder', second.traceId],
    ]);
    const stats = engine.stats().byModel['coder'];
    assert.equal(stats.shown, 2);
    assert.equal(stats.accepted, 1);
    assert.equal(stats.acceptRate, 0.5);
  });

  it('an empty postprocessed answer is cached: the same context asks no second time', async () => {
    const { engine, calls } = setup(() => ({ chunks: ['```', '\n```'] }));
    assert.equal((await engine.complete(req('let a = |'))).status, 'empty');
    const again = await engine.complete(req('let a = |'));
    assert.equal(again.status, 'empty');
    assert.equal(again.cacheHit, true);
    assert.equal(calls.length, 1);
  });
});

describe('completion engine: streaming and context', () => {
  it('settles a multiline completion at the end of its block while the stream goes on', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { engine, calls } = setup(() => ({ chunks: ['  a();\n  b();\n}\n', 'function next() {}'], gate }));
    const r = await engine.complete(req('function f() {\n|\n}'));
    assert.equal(r.status, 'ok');
    assert.equal(r.multiline, true);
    assert.equal(r.text, '  a();\n  b();');
    assert.equal(calls[0].aborted, false, 'the call is not aborted: it finishes and is recorded');
    release();
    await engine.flush();
  });

  it('puts index snippets in the prompt, and leaves them out when the index is too slow', async () => {
    const make = (delayMs: number) => {
      const base = setup(() => ({ chunks: ['1;'] }));
      const seen: string[] = [];
      const engine = new CompletionEngine({
        router: base.router,
        config: base.config,
        logger: silentLogger,
        indexTimeoutMs: 50,
        indexSnippets: async (query, signal) => {
          seen.push(query.prefix);
          await new Promise((r) => setTimeout(r, delayMs));
          return signal.aborted ? [] : [{ filepath: 'lib/money.ts', text: 'export function toCents(x: number) {}', kind: 'index' }];
        },
      });
      return { engine, calls: base.calls, seen };
    };
    const fast = make(0);
    await fast.engine.complete(req('const c = |'));
    assert.deepEqual(fast.seen, ['const c = ']);
    assert.match(fast.calls[0].request.prompt ?? '', /<\|file_sep\|>lib\/money\.ts\nexport function toCents/);
    const slow = make(400);
    const r = await slow.engine.complete(req('const c = |'));
    assert.equal(r.status, 'ok');
    assert.doesNotMatch(slow.calls[0].request.prompt ?? '', /money/);
  });
});

describe('completion engine: robustness', () => {
  it('answers with an error (never hangs) when the router stream itself throws', async () => {
    const base = setup(() => ({ chunks: ['x'] }));
    const broken = {
      stream: () => Object.assign({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('boom')) }) }, { result: new Promise<never>(() => {}) }),
      complete: () => Promise.reject(new Error('unused')),
      embed: () => Promise.reject(new Error('unused')),
      resolve: (task: string) => base.router.resolve(task),
    };
    const engine = new CompletionEngine({ router: broken, config: base.config, logger: silentLogger });
    const r = await engine.complete(req('let z = |'));
    assert.equal(r.status, 'error');
    assert.match(r.error?.message ?? '', /boom/);
  });
});

describe('adaptive debounce', () => {
  it('follows the typing rhythm within half and three times the base', () => {
    let now = 0;
    const d = new Debouncer({ baseMs: 100, adaptive: true }, { now: () => now }, async () => {});
    assert.equal(d.noteKeystroke(), 100, 'no rhythm yet: the base');
    for (let i = 0; i < 10; i++) {
      now += 40;
      d.noteKeystroke();
    }
    assert.equal(d.currentDelay(), 60, 'fast typing: 1.5 × the gap');
    for (let i = 0; i < 20; i++) {
      now += 10;
      d.noteKeystroke();
    }
    assert.equal(d.currentDelay(), 50, 'clamped at half the base');
    for (let i = 0; i < 20; i++) {
      now += 400;
      d.noteKeystroke();
    }
    assert.equal(d.currentDelay(), 300, 'clamped at three times the base');
    const fixed = new Debouncer({ baseMs: 100, adaptive: false }, { now: () => now }, async () => {});
    now += 10;
    fixed.noteKeystroke();
    now += 10;
    assert.equal(fixed.noteKeystroke(), 100);
  });

  it('a newer wait supersedes an older one', async () => {
    const d = new Debouncer({ baseMs: 5, adaptive: false }, { now: () => 0 }, (ms) => new Promise((r) => setTimeout(r, ms)));
    const older = d.wait(5);
    const newer = d.wait(5);
    assert.equal(await older, false);
    assert.equal(await newer, true);
  });
});
