/**
 * Compaction through the `summarize` route, end to end (chat service, router, SDK, fake provider):
 * near the window, older messages are summarised by the cheap model and the summary replaces them
 * in the prompt, instead of the oldest turns being dropped; the user can also ask for it.
 */
import assert from 'node:assert/strict';
import type { AppServices } from '../../src/core/app';
import { ConversationHistory } from '../../src/core/chat/history';
import { ChatService } from '../../src/core/chat/service';
import { silentLogger } from '../../src/core/logger';
import { useWireFixture } from '../support/wireFixture';

describe('wire: chat compaction through the summarize route', function () {
  this.timeout(30_000);
  const fx = useWireFixture('compact');
  let core: AppServices;
  let chat: ChatService;

  before(async () => {
    core = await fx.core({
      providers: { oa: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl } },
      // A 3,000-token window (2,500 for the prompt): four ~650-token questions pass the 80% mark.
      models: { big: { provider: 'oa', id: 'big-model', contextWindow: 3000, maxOutputTokens: 500 }, cheap: { provider: 'oa', id: 'cheap-model' } },
      routes: { chat: ['big'], summarize: ['cheap'] },
      router: { maxRetries: 0 },
    });
    const store = new Map<string, unknown>();
    chat = new ChatService({ history: new ConversationHistory({ get: (k) => store.get(k), update: async (k, v) => void store.set(k, v) }, silentLogger), core: () => core, logger: silentLogger });
  });

  const question = (n: number) => `Question ${n}: ${Array.from({ length: 300 }, (_, i) => `w${n}x${i}`).join(' ')}`;

  it('summarises older messages instead of dropping them when the prompt nears the window', async () => {
    fx.fake.setDefault('big-model', { type: 'text', text: 'Noted.' });
    fx.fake.setDefault('cheap-model', { type: 'text', text: '- The developer asked questions 1 and 2 about words.' });
    let conversationId: string | undefined;
    const notices: string[] = [];
    for (let n = 1; n <= 4; n++) {
      const a = await chat.send({ conversationId, text: question(n), chips: [] }, (e) => void (e.type === 'notice' && notices.push(e.text)));
      assert.equal(a.status, 'ok', a.error?.message);
      conversationId ??= chat.list()[0]!.id;
    }
    const summarize = fx.fake.requests.filter((r) => r.model === 'cheap-model');
    assert.ok(summarize.length >= 1, 'the summarize route was called');
    assert.match(summarize[0]!.body.messages[0].content, /^Summarise the earlier part of a conversation/);
    assert.match(summarize[0]!.body.messages[1].content, /Developer: Question 1: /);
    const last = fx.fake.requests.filter((r) => r.model === 'big-model').at(-1)!;
    const sent = JSON.stringify(last.body.messages);
    assert.match(sent, /Summary of the \d+ earlier messages of this conversation:\\n- The developer asked questions 1 and 2/);
    assert.doesNotMatch(sent, /Question 1: /, 'the summarised question is not sent again');
    assert.match(sent, /Question 4: /);
    assert.ok(notices.some((n) => /^Summarised \d+ earlier message\(s\) with the summarize route/.test(n)), notices.join(' | '));
    const conv = chat.get(conversationId!)!;
    const summary = conv.messages.find((m) => m.summaryOf !== undefined)!;
    assert.ok(summary.summaryOf! >= 2);
    assert.equal(conv.messages.filter((m) => m.compacted).length >= summary.summaryOf!, true, 'the originals are kept, marked compacted');
  });

  it('on request: a short conversation says why nothing was compacted', async () => {
    fx.fake.setDefault('big-model', { type: 'text', text: 'Hi.' });
    await chat.send({ text: 'hello', chips: [] }, () => undefined);
    const id = chat.list()[0]!.id;
    const out = await chat.compact(id);
    assert.match(out.reason ?? '', /Nothing to compact yet/);
  });
});
