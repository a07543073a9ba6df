import assert from 'node:assert/strict';
import {
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_SWITCHYARD_PROMPT,
  ATTR_SWITCHYARD_RESPONSE,
  BODY_ATTRIBUTES,
} from '../../src/core/trace/attributes';
import { MemoryTraceStore } from '../../src/core/trace/store';
import { createTracer, type TraceExporter } from '../../src/core/trace/tracer';
import type { TraceRecord } from '../../src/core/trace/types';
import type { Logger } from '../../src/core/logger';

const KEY = `sk-proj-${'Ab3dE'.repeat(10)}`;

function setup(opts: { recordBodies?: boolean; exporter?: TraceExporter; logger?: Logger } = {}) {
  let now = 1_000;
  const clock = { now: () => now };
  const store = new MemoryTraceStore({ maxTraces: 10, maxBytes: 1_000_000 });
  const tracer = createTracer({ store, clock, ...opts });
  return { tracer, store, tick: (ms: number) => (now += ms) };
}

describe('trace: tracer', () => {
  it('builds a span tree with W3C-sized ids and stores it when the root ends', () => {
    const { tracer, store, tick } = setup();
    const root = tracer.startTrace('chat', { 'switchyard.task': 'chat' });
    assert.match(root.traceId, /^[0-9a-f]{32}$/);
    assert.match(root.spanId, /^[0-9a-f]{16}$/);
    tick(5);
    const attempt = root.child('attempt', { 'switchyard.attempt': 1 });
    const tool = attempt.child('tool');
    assert.equal(attempt.traceId, root.traceId);
    assert.notEqual(attempt.spanId, root.spanId);
    tick(10);
    tool.end();
    attempt.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, 42).setStatus('ok').end();
    assert.equal(store.list().length, 0, 'nothing stored before the root ends');
    tick(1);
    root.end();

    const [trace] = store.list();
    assert.equal(trace.traceId, root.traceId);
    assert.equal(trace.name, 'chat');
    assert.deepEqual([trace.startMs, trace.endMs], [1000, 1016]);
    const byName = Object.fromEntries(trace.spans.map((s) => [s.name, s]));
    assert.equal(byName.chat.parentSpanId, undefined);
    assert.equal(byName.attempt.parentSpanId, root.spanId);
    assert.equal(byName.tool.parentSpanId, attempt.spanId);
    assert.deepEqual([byName.attempt.startMs, byName.attempt.endMs], [1005, 1015]);
    assert.equal(byName.attempt.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS], 42);
    assert.equal(byName.attempt.status, 'ok');
  });

  it('end() is idempotent; later changes do not touch the stored trace', () => {
    const { tracer, store } = setup();
    const root = tracer.startTrace('completion');
    const child = root.child('attempt');
    root.end();
    root.end();
    assert.equal(store.list().length, 1);
    root.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, 'late');
    child.setAttribute('late', true).addEvent('late');
    child.end();
    const [trace] = store.list();
    assert.equal(trace.spans[0].attributes[ATTR_GEN_AI_REQUEST_MODEL], undefined);
    assert.equal(trace.spans[1].endMs, trace.endMs, 'a span still open when the root ends is closed at the root end');
    assert.deepEqual(trace.spans[1].attributes, {});
  });

  it('redacts string attributes, events and status messages; keeps bodies redacted', () => {
    const { tracer, store } = setup();
    const root = tracer.startTrace('chat');
    root.setAttributes({
      [ATTR_SWITCHYARD_PROMPT]: `my key is ${KEY}`,
      [ATTR_SWITCHYARD_RESPONSE]: 'mail me at a@example.com',
      'http.header': `Bearer ${KEY}`,
      'list': ['ok', KEY],
      'count': 3,
    });
    root.addEvent('retry', { reason: `got ${KEY}` });
    root.setStatus('error', `401 for ${KEY}`);
    root.end();
    const text = JSON.stringify(store.list()[0]);
    assert.ok(!text.includes(KEY), 'the key appears nowhere in the trace');
    const span = store.list()[0].spans[0];
    assert.equal(span.attributes[ATTR_SWITCHYARD_PROMPT], 'my key is [REDACTED:openai-key]');
    assert.equal(span.attributes[ATTR_SWITCHYARD_RESPONSE], 'mail me at [REDACTED:email]');
    assert.deepEqual(span.attributes.list, ['ok', '[REDACTED:openai-key]']);
    assert.equal(span.attributes.count, 3);
    assert.equal(span.statusMessage, '401 for [REDACTED:openai-key]');
    assert.equal(span.events[0].attributes!.reason, 'got [REDACTED:openai-key]');
  });

  it('drops body attributes entirely when recordBodies is false', () => {
    const { tracer, store } = setup({ recordBodies: false });
    const root = tracer.startTrace('chat', { [ATTR_SWITCHYARD_PROMPT]: 'hello', [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o' });
    root.addEvent('e', { [ATTR_SWITCHYARD_RESPONSE]: 'world', n: 1 });
    root.end();
    const span = store.list()[0].spans[0];
    assert.deepEqual(span.attributes, { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o' });
    assert.deepEqual(span.events[0].attributes, { n: 1 });
    for (const key of BODY_ATTRIBUTES) assert.match(key, /^(switchyard|gen_ai)\./);
  });

  it('setAttribute(key, undefined) removes the attribute', () => {
    const { tracer, store } = setup();
    const root = tracer.startTrace('x', { a: 1, b: 2 });
    root.setAttribute('a', undefined);
    root.end();
    assert.deepEqual(store.list()[0].spans[0].attributes, { b: 2 });
  });

  it('hands each finished trace to the exporter once; exporter failures are logged, never thrown', async () => {
    const exported: TraceRecord[] = [];
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };
    const ok = setup({ exporter: { export: (t) => void exported.push(t) } });
    const root = ok.tracer.startTrace('chat');
    root.end();
    root.end();
    assert.equal(exported.length, 1);
    assert.equal(exported[0].traceId, root.traceId);

    const throwing = setup({ logger, exporter: { export: () => { throw new Error('boom'); } } });
    assert.doesNotThrow(() => throwing.tracer.startTrace('a').end());
    const rejecting = setup({ logger, exporter: { export: async () => { throw new Error('collector down'); } } });
    rejecting.tracer.startTrace('b').end();
    await new Promise((r) => setImmediate(r));
    assert.equal(rejecting.store.list().length, 1, 'the local store still gets the trace');
    assert.deepEqual(warnings, ['Trace export failed: boom', 'Trace export failed: collector down']);
  });
});
