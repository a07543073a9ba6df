import assert from 'node:assert/strict';
import { ConversationHistory, type KeyValueStore } from '../../src/core/chat/history';
import { estimateMessageTokens, renderUserPrompt, trimToContextWindow } from '../../src/core/chat/prompt';
import { ChatService, type ChatEvent } from '../../src/core/chat/service';
import { chatErrorFrom } from '../../src/core/chat/chatError';
import type { TurnInput, TurnStream } from '../../src/core/chat/turn';
import { workspaceResolver } from '../../src/core/chat/workspaceContext';
import { parseConfig } from '../../src/core/config/schema';
import { silentLogger } from '../../src/core/logger';
import { ModelError } from '../../src/core/models/errors';
import type { ChatMessage } from '../../src/core/models/types';
import type { RouterEvent } from '../../src/core/router/types';
import type { TurnResult } from '../../src/core/chat/turnResult';
import type { Attributes, Span, Tracer } from '../../src/core/trace/types';
import { resolvingRouter } from '../support/resolvingRouter';

class MapStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get(key: string) {
    const v = this.data.get(key);
    return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
  }
  async update(key: string, value: unknown) {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

interface RecordedSpan { name: string; attributes: Attributes; events: string[]; status?: string; ended: boolean }
function recordingTracer() {
  const spans: RecordedSpan[] = [];
  const make = (name: string, attributes: Attributes = {}): Span => {
    const rec: RecordedSpan = { name, attributes: { ...attributes }, events: [], ended: false };
    spans.push(rec);
    const span: Span = {
      traceId: 't1',
      spanId: `s${spans.length}`,
      setAttribute(k, v) { if (v !== undefined) rec.attributes[k] = v; return span; },
      setAttributes(a) { Object.assign(rec.attributes, a); return span; },
      addEvent(n) { rec.events.push(n); return span; },
      setStatus(s) { rec.status = s; return span; },
      child: (n, a) => make(n, a),
      end() { rec.ended = true; },
    };
    return span;
  };
  const tracer: Tracer = { startTrace: (n, a) => make(n, a) };
  return { tracer, spans };
}

function streamOf(events: RouterEvent[], result: Partial<TurnResult>, signal?: AbortSignal): TurnStream {
  const full: TurnResult = {
    traceIds: ['t1'], status: 'ok', text: '', toolCalls: [], attempts: [],
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.0012, latencyMs: 40, model: 'fast', ...result,
  };
  let resolve!: (r: TurnResult) => void;
  const done = new Promise<TurnResult>((r) => (resolve = r));
  return {
    result: done,
    async *[Symbol.asyncIterator]() {
      for (const ev of events) {
        if (signal?.aborted) { resolve({ ...full, status: 'cancelled' }); return; }
        yield ev;
        await new Promise((r) => setImmediate(r));
      }
      resolve(full);
    },
  };
}

const config = parseConfig({
  providers: { p: { kind: 'openai' } },
  models: { fast: { provider: 'p', id: 'gpt-fast', contextWindow: 1000, maxOutputTokens: 200 }, big: { provider: 'p', id: 'gpt-big', contextWindow: 100_000 } },
  routes: { chat: ['fast', 'big'] },
});

function setup(run: (input: TurnInput) => TurnStream) {
  const store = new MapStore();
  const { tracer, spans } = recordingTracer();
  let t = 1000;
  let n = 0;
  const history = new ConversationHistory(store, silentLogger);
  const inputs: TurnInput[] = [];
  const service = new ChatService({
    history,
    logger: silentLogger,
    core: () => ({ config, tracer, clock: { now: () => (t += 10) }, router: resolvingRouter(config) }),
    runTurn: (input) => { inputs.push(input); return run(input); },
    newId: () => `id${++n}`,
  });
  return { store, history, service, spans, inputs };
}

describe('chat: trimming to the context window', () => {
  const sys: ChatMessage = { role: 'system', content: 'S'.repeat(350) };
  const turn = (i: number): ChatMessage[] => [
    { role: 'user', content: `question ${i} `.repeat(30) },
    { role: 'assistant', content: `answer ${i} `.repeat(30) },
  ];

  it('keeps everything when it fits', () => {
    const msgs = [sys, ...turn(1), { role: 'user', content: 'last' } as ChatMessage];
    const r = trimToContextWindow(msgs, { contextWindow: 100_000, reserveForOutput: 1000 });
    assert.equal(r.droppedMessages, 0);
    assert.deepEqual(r.messages, msgs);
  });

  it('keeps the system prompt and the latest turns, dropping the oldest', () => {
    const last: ChatMessage = { role: 'user', content: 'the newest question' };
    const msgs = [sys, ...turn(1), ...turn(2), ...turn(3), ...turn(4), last];
    const r = trimToContextWindow(msgs, { contextWindow: 700, reserveForOutput: 100 });
    assert.ok(r.droppedMessages > 0, 'something was dropped');
    assert.equal(r.messages[0], sys);
    assert.equal(r.messages.at(-1), last);
    assert.equal(r.messages[1]!.role, 'user', 'kept history starts on a user turn');
    // The kept part is a suffix of the original.
    assert.deepEqual(r.messages.slice(1), msgs.slice(1 + r.droppedMessages));
    assert.ok(r.estimatedTokens <= r.budgetTokens);
    assert.equal(r.estimatedTokens, r.messages.reduce((s, m) => s + estimateMessageTokens(m), 0));
  });

  it('always keeps the latest question even when it alone is over budget', () => {
    const huge: ChatMessage = { role: 'user', content: 'x'.repeat(20_000) };
    const r = trimToContextWindow([sys, ...turn(1), huge], { contextWindow: 1000, reserveForOutput: 100 });
    assert.deepEqual(r.messages, [sys, huge]);
    assert.equal(r.overBudget, true);
  });
});

describe('chat: prompt assembly', () => {
  it('wraps context in a fence longer than any fence inside it', () => {
    const p = renderUserPrompt('why?', [{ kind: 'selection', title: 'a.md:1-3', language: 'md', content: '```js\nx\n```' }]);
    assert.match(p, /^<context kind="selection" source="a.md:1-3">\n````md\n```js/);
    assert.ok(p.endsWith('</context>\n\nwhy?'));
  });
});

describe('chat: service turn', () => {
  it("stores the turn result's tool calls, model and unknown cost; streams the live tool-call states", async () => {
    const { service } = setup((input) => {
      input.onToolCall({ id: 'c1', name: 'get-sum', server: 'everything', arguments: '{}', status: 'running' });
      return streamOf([{ type: 'text', text: '2' }], {
        model: 'big',
        costUsd: null,
        toolCalls: [{ id: 'c1', name: 'get-sum', server: 'everything', arguments: '{}', status: 'done', result: '2' }],
      }, input.signal);
    });
    const events: ChatEvent[] = [];
    const answer = await service.send({ text: '1 + 1?', chips: [] }, (e) => events.push(e));
    assert.deepEqual(events.filter((e) => e.type === 'toolCall').map((e) => (e as { call: { status: string } }).call.status), ['running']);
    assert.deepEqual(answer.toolCalls?.map((c) => [c.id, c.status, c.result]), [['c1', 'done', '2']]);
    assert.equal(answer.model, 'big');
    assert.equal(answer.costUsd, null);
    assert.equal(answer.traceId, 't1');
  });

  it('streams an answer, stores it with usage and cost, and survives a reload of the store', async () => {
    const { service, store, history, inputs } = setup((input) =>
      streamOf([{ type: 'text', text: 'Hello ' }, { type: 'text', text: '**world**' }], { model: 'fast', costUsd: 0.0012 }, input.signal));
    const events: ChatEvent[] = [];
    const answer = await service.send({ text: 'Explain this', chips: [{ kind: 'selection', id: 'c', path: 'a.ts', startLine: 1, endLine: 2, language: 'ts', text: 'let a = 1;' }] }, (e) => events.push(e));
    assert.equal(answer.status, 'ok');
    assert.equal(answer.content, 'Hello **world**');
    assert.equal(answer.costUsd, 0.0012);
    assert.deepEqual(events.filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text), ['Hello ', '**world**']);
    const sent = inputs[0]!.messages;
    assert.equal(sent[0]!.role, 'system');
    assert.match(sent[1]!.content, /let a = 1;/);
    assert.match(sent[1]!.content, /Explain this$/);
    // A new store object over the same data (a reload) sees the conversation.
    const reloaded = new ConversationHistory({ get: (k) => store.get(k), update: (k, v) => store.update(k, v) }, silentLogger);
    const list = reloaded.list();
    assert.equal(list.length, 1);
    assert.equal(list[0]!.title, 'Explain this');
    assert.equal(reloaded.get(list[0]!.id)!.messages[1]!.content, 'Hello **world**');
    assert.equal(history.get(list[0]!.id)!.messages.length, 2);
  });

  it('trims a long history, records it on the trace and tells the user', async () => {
    const { service, spans, inputs } = setup((input) => streamOf([{ type: 'text', text: 'ok '.repeat(200) }], {}, input.signal));
    let convId: string | undefined;
    for (let i = 0; i < 6; i++) {
      await service.send({ conversationId: convId, text: `question ${i} `.repeat(60), chips: [] }, () => {});
      convId = service.list()[0]!.id;
    }
    const last = inputs.at(-1)!;
    const dropped = last.attributes['switchyard.chat.trimmed_messages'];
    assert.ok(typeof dropped === 'number' && dropped > 0, `trimmed ${String(dropped)}`);
    assert.equal(last.attributes['switchyard.chat.context_window'], 1000, 'smallest window on the route');
    assert.equal(last.messages[0]!.role, 'system');
    assert.match(last.messages.at(-1)!.content, /question 5/);
    const root = spans.filter((s) => s.name === 'chat').at(-1)!;
    assert.equal(root.attributes['switchyard.chat.trimmed_messages'], dropped);
    assert.ok(root.events.includes('chat.history_trimmed'));
    assert.ok(root.ended);
    const stored = service.get(convId!)!;
    assert.equal(stored.messages.at(-1)!.trimmedMessages, dropped);
    assert.ok(stored.messages.at(-1)!.notices?.some((n) => /left out/.test(n)));
  });

  it('uses the larger window of an explicitly chosen model', async () => {
    const { service, inputs } = setup((input) => streamOf([{ type: 'text', text: 'x' }], {}, input.signal));
    await service.send({ text: 'q', chips: [], model: 'big' }, () => {});
    assert.equal(inputs[0]!.model, 'big');
    assert.equal(inputs[0]!.attributes['switchyard.chat.context_window'], 1000, 'fallback to fast still has to fit');
  });

  it('turns an auth failure into an inline error with set-key and settings actions', async () => {
    const err = new ModelError({ kind: 'auth', message: 'OpenAI rejected the API key (401).', provider: 'p', fix: 'Run Switchyard: Set API Key' });
    const { service } = setup((input) => streamOf([{ type: 'error', error: err }], { status: 'error', error: err, costUsd: null }, input.signal));
    const answer = await service.send({ text: 'q', chips: [] }, () => {});
    assert.equal(answer.status, 'error');
    assert.equal(answer.error?.kind, 'auth');
    assert.deepEqual(answer.error?.actions.map((a) => a.action), ['setKey', 'openSettings']);
    assert.equal(answer.error?.actions[0]!.provider, 'p');
  });

  it('shows a fix once when the message already ends with it', () => {
    const fix = 'Run Switchyard: Set API Key (VS Code) or set OPENAI_API_KEY in the environment (CLI) for provider "oa".';
    const e = chatErrorFrom(new ModelError({ kind: 'config', provider: 'oa', message: `No API key for provider "oa" (openai). ${fix}`, fix }));
    assert.equal(e.message, 'No API key for provider "oa" (openai).');
    assert.equal(e.fix, fix);
    assert.equal(chatErrorFrom(new ModelError({ kind: 'auth', message: 'Rejected.', fix })).message, 'Rejected.');
  });

  it('maps budget and all-failed errors to their fixes', () => {
    assert.deepEqual(chatErrorFrom(new ModelError({ kind: 'budget', message: 'b' })).actions.map((a) => a.action), ['openSettings', 'switchModel']);
    assert.deepEqual(chatErrorFrom(new ModelError({ kind: 'server', message: 's' })).actions.map((a) => a.action), ['retry', 'switchModel']);
  });

  it('stops a running turn and stores it as cancelled', async () => {
    const { service } = setup((input) => streamOf(Array.from({ length: 50 }, () => ({ type: 'text', text: 'x' }) as RouterEvent), {}, input.signal));
    let stopped = false;
    let seenMidStream: string | undefined;
    const answer = await service.send({ text: 'q', chips: [] }, (e) => {
      if (e.type === 'delta' && !stopped) {
        // A panel reloaded mid-answer gets the text streamed so far.
        seenMidStream = service.get(e.conversationId)!.messages.at(-1)!.content;
        stopped = service.stop(e.conversationId);
      }
    });
    assert.equal(seenMidStream, 'x');
    assert.equal(stopped, true);
    assert.equal(answer.status, 'cancelled');
    assert.ok(answer.content.length < 50);
  });

  it('retries an answer with another model, replacing it', async () => {
    let call = 0;
    const { service, inputs } = setup((input) => streamOf([{ type: 'text', text: `answer ${++call}` }], { model: input.model ?? 'fast' }, input.signal));
    const first = await service.send({ text: 'q', chips: [] }, () => {});
    const id = service.list()[0]!.id;
    const second = await service.retry(id, first.id, 'big', () => {});
    assert.equal(second.model, 'big');
    assert.equal(inputs[1]!.model, 'big');
    const conv = service.get(id)!;
    assert.deepEqual(conv.messages.map((m) => m.content), ['q', 'answer 2']);
    assert.equal(conv.model, 'big');
  });

  it('renames and deletes conversations; an invalid stored entry is skipped, not fatal', async () => {
    const { service, store } = setup((input) => streamOf([], {}, input.signal));
    const a = await service.create();
    const b = await service.create();
    await service.rename(a.id, 'Renamed');
    await service.delete(b.id);
    store.data.set('switchyard.chat.conversation.bogus', { v: 1, id: 'bogus' });
    const idx = store.get('switchyard.chat.index') as { v: 1; ids: string[] };
    await store.update('switchyard.chat.index', { v: 1, ids: [...idx.ids, 'bogus'] });
    assert.deepEqual(service.list().map((c) => c.title), ['Renamed']);
  });
});

describe('chat: @workspace context', () => {
  const chunk = (path: string, text: string, start: number) => ({ id: `${path}#${start}`, path, startLine: start, endLine: start + 9, symbol: 'fn', language: 'typescript', text });

  it('turns hits into context in rank order, records every chunk with its score on the span, and respects the size cap', async () => {
    const { tracer, spans } = recordingTracer();
    const span = tracer.startTrace('ctx');
    const queries: string[] = [];
    const resolve = workspaceResolver(async (q, opts) => {
      queries.push(q);
      assert.equal(opts?.parentSpan, span, 'the index nests its retrieval span under the chat trace');
      return {
        mode: 'hybrid',
        hits: [
          { chunk: chunk('a.ts', 'A'.repeat(60), 1), score: 0.03, vectorRank: 1, lexicalRank: 2 },
          { chunk: chunk('b.ts', 'B'.repeat(60), 20), score: 0.02, lexicalRank: 1 },
          { chunk: chunk('c.ts', 'C'.repeat(10), 5), score: 0.01, vectorRank: 2 },
        ],
      };
    }, { maxChars: 100 });
    const got = await resolve({ kind: 'workspace', id: 'w' }, 'where is retry?', new AbortController().signal, span);
    assert.deepEqual(queries, ['where is retry?']);
    assert.deepEqual(got.map((g) => g.title), ['a.ts:1-10 (fn)', 'c.ts:5-14 (fn)'], 'b.ts would pass the 100-character cap');
    assert.deepEqual(spans[0]!.events, ['chunk', 'chunk', 'chunk']);
  });

  it('fails with the index hint when nothing matches, so the answer says why', async () => {
    const resolve = workspaceResolver(async () => ({ mode: 'lexical-only', hits: [], warning: undefined }));
    await assert.rejects(resolve({ kind: 'workspace', id: 'w' }, 'q', new AbortController().signal), /Index Workspace/);
  });
});
