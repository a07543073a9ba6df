/**
 * Cost control in the built webview (headless Chromium): the Usage tab's prompt-cache and
 * provider-drift tables, the next-turn estimate with its context meter, and the spend-cap dialog.
 */
import assert from 'node:assert/strict';
import type { LedgerRecord } from '../../src/core/cost/types';
import { ConversationHistory } from '../../src/core/chat/history';
import { ChatService, type ChatCore } from '../../src/core/chat/service';
import type { Conversation } from '../../src/core/chat/types';
import { resolveRoute } from '../../src/core/router/resolve';
import { parseConfig } from '../../src/core/config/schema';
import { PriceCatalog } from '../../src/core/cost/catalog';
import { TokenCounter } from '../../src/core/models/tokens';
import { silentLogger } from '../../src/core/logger';
import type { PanelPage } from './harness';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatEvent } from '../../src/core/chat/service';
import { toolLoopTurnRunner } from '../../src/core/chat/toolLoop';
import type { ToolSource } from '../../src/core/mcp/toolSource';
import { CapBroker } from '../../src/host/panel/capPrompts';
import type { HostMessage } from '../../src/protocol/messages';
import { startFakeServer, type FakeStep } from '../support/fakeServer';
import { createTestCore } from '../support/testCore';
import { buildUsageView } from '../../src/host/panel/usageView';
import { openPanel, useBrowser } from './harness';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');

function record(over: Partial<LedgerRecord>): LedgerRecord {
  return {
    v: 1, traceId: Math.random().toString(16).slice(2).padEnd(32, '0'), time: new Date(NOW - 3_600_000).toISOString(), feature: 'chat', task: 'chat',
    route: ['sonnet'], model: 'sonnet', modelId: 'claude-sonnet-4-5', provider: 'an', attempts: [],
    usage: { inputTokens: 10_000, outputTokens: 500, cacheReadTokens: 8_000, cacheWriteTokens: 0 },
    costUsd: 0.01, cacheSavingsUsd: 0.0216, status: 'ok', latencyMs: 900, ...over,
  };
}

/** A conversation with one answered turn (its usage is what the estimate averages and caches). */
function conversation(): Conversation {
  const system = 'x'.repeat(10);
  return {
    v: 1, id: 'conv-1', title: 'Review', createdMs: NOW, updatedMs: NOW, model: 'sonnet',
    messages: [
      { id: 'u1', role: 'user', content: `Review this: ${Array.from({ length: 800 }, (_, i) => `line${i}`).join(' ')}`, timeMs: NOW },
      { id: 'a1', role: 'assistant', content: `Looks fine ${system}`, timeMs: NOW, status: 'ok', model: 'sonnet', usage: { inputTokens: 2400, outputTokens: 300, cacheReadTokens: 0, cacheWriteTokens: 2300 }, costUsd: 0.01 },
    ],
  };
}

/** The real chat service's estimate (real tokenizer, real catalog prices) acting as the host. */
async function chatServiceWith(conv: Conversation): Promise<ChatService> {
  const store = new Map<string, unknown>();
  const history = new ConversationHistory({ get: (k) => store.get(k), update: async (k, v) => void store.set(k, v) }, silentLogger);
  await history.save(conv);
  const config = parseConfig({ providers: { an: { kind: 'anthropic' } }, models: { sonnet: { provider: 'an', id: 'claude-sonnet-4-5' } }, routes: { chat: ['sonnet'] } });
  const catalog = new PriceCatalog();
  const router = { resolve: (task: string, pinned?: string) => resolveRoute({ config, task, pinned, factsFor: (id) => catalog.lookup(id) }) };
  const core = { config, router, clock: { now: () => NOW }, tokens: new TokenCounter(), catalog } as unknown as ChatCore;
  return new ChatService({ history, core: () => core, logger: silentLogger });
}

/** Waits for a chat/estimate request for `text` with `chips` chips, answers the newest with the service's estimate. */
async function answerEstimate(p: PanelPage, chat: ChatService, text: string, chips = 0): Promise<{ seq: number; text: string; chips: unknown[] }> {
  await p.page.waitForFunction(([t, c]) => {
    const last = (window as unknown as { __posted: Array<{ type: string; text?: string; chips?: unknown[] }> }).__posted.filter((m) => m.type === 'chat/estimate').at(-1);
    return last?.text === t && last.chips?.length === c;
  }, [text, chips] as const);
  const reqs = (await p.posted()).filter((m) => m.type === 'chat/estimate') as unknown as Array<{ seq: number; conversationId?: string; text: string; chips: never[]; model?: string }>;
  const req = reqs.at(-1)!;
  const estimate = await chat.estimate({ conversationId: req.conversationId, text: req.text, chips: req.chips, model: req.model });
  await p.send([{ type: 'chat/estimate', seq: req.seq, estimate: estimate ?? null }]);
  return req;
}

describe('webview: cost control (headless Chromium)', function () {
  this.timeout(60_000);
  const browser = useBrowser();

  it('Usage tab: cache hit rate and savings per model and day, provider drift flagged over 2%, prices as of', async () => {
    const records = [
      record({}),
      record({ model: 'routed', modelId: 'openai/gpt-5-mini', provider: 'or', costUsd: 0.0100, providerCostUsd: 0.0105, cacheSavingsUsd: 0 }),
      record({ model: 'routed', modelId: 'openai/gpt-5-mini', provider: 'or', costUsd: 0.0100, providerCostUsd: 0.0105, cacheSavingsUsd: 0 }),
      record({ model: 'litellm', modelId: 'gpt-5', provider: 'll', costUsd: 0.0200, providerCostUsd: 0.0201, usage: { inputTokens: 1000, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 }, cacheSavingsUsd: 0 }),
    ];
    const usage = buildUsageView(records, { nowMs: NOW, rangeDays: 7, prices: { asOf: '2026-11-01', source: 'published list prices' }, caps: { maxTurnUsd: 0.5 } });
    const p = await openPanel(browser(), { width: 760, height: 1600 });
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false, tab: 'usage' }, { type: 'usage/data', usage }]);
    const flagged = p.page.locator('.drift tr.drift-flagged');
    assert.equal(await flagged.count(), 1, 'one model drifts over 2%');
    assert.equal(await flagged.getAttribute('data-model'), 'routed', 'models are named by their config name, as in Chat and Traces');
    assert.match(await flagged.innerText(), /^routed\s+2\s+\$0\.02\s+\$0\.021\s+\+5\.0%\s+over 2%$/);
    assert.match(await p.page.locator('.drift tr[data-model="litellm"]').innerText(), /\+0\.5%[\s\S]*ok/);
    const sonnet = p.page.locator('.cache-by-model tbody tr', { hasText: 'sonnet' });
    assert.equal(await sonnet.locator('.cache-hit-rate').innerText(), '80.0%');
    assert.equal(await sonnet.locator('.cache-saved').innerText(), '$0.0216');
    assert.equal(await p.page.locator('.cache-by-day tbody tr').count(), 1);
    assert.equal(await p.page.locator('.prices-as-of').innerText(), 'Prices as of 2026-11-01');
    // The caps are editable here: empty = no cap; a bad value is refused with the reason.
    assert.equal(await p.page.locator('input.cap-turn').inputValue(), '0.5');
    await p.page.locator('input.cap-conversation').fill('-3');
    await p.page.locator('button.cap-save').click();
    assert.match(await p.page.locator('.cap-error').innerText(), /positive amount in USD/);
    await p.page.locator('input.cap-conversation').fill('5');
    await p.page.locator('input.cap-turn').fill('');
    await p.page.locator('button.cap-save').click();
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'cost/setCaps'), [{ type: 'cost/setCaps', maxTurnUsd: null, maxConversationUsd: 5 }]);
    await p.page.locator('.cost-control').scrollIntoViewIfNeeded();
    await p.screenshot('usage-cost-control');
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  it('chat input: the next-turn estimate and context meter appear and update as the user types and adds chips', async () => {
    const conv = conversation();
    const chat = await chatServiceWith(conv);
    const p = await openPanel(browser(), { width: 600, height: 900 });
    await p.send([{ type: 'init', models: [{ name: 'sonnet', provider: 'an', id: 'claude-sonnet-4-5', contextWindow: 200000 }], conversations: [], active: conv, running: false }]);
    const input = p.page.locator('textarea.input');
    const line = p.page.locator('.turn-estimate .estimate-cost');

    await input.fill('Why');
    const first = await answerEstimate(p, chat, 'Why');
    assert.equal(first.text, 'Why');
    const shown1 = await line.innerText();
    // The earlier turn (~1.7k tokens) is a cached prefix now; output at the conversation's average (300).
    assert.match(shown1, /^Next turn ≈ \$0\.\d+ · 1\.\dk in \(1\.\dk cached\) · ~300 out$/);
    const meter1 = Number(await p.page.locator('.context-meter').getAttribute('aria-valuenow'));
    assert.match(await p.page.locator('.context-label').innerText(), /^1\.\dk \/ 200k tokens of context$/);

    // Typing more: a new request with the new text, and a larger figure.
    const more = ' does the retry loop back off exponentially and where is the cap set in this code base today';
    await input.pressSequentially(more, { delay: 5 });
    const second = await answerEstimate(p, chat, `Why${more}`);
    assert.match(second.text, /^Why does the retry loop/);
    assert.ok(second.seq > first.seq);
    const tokensOf = (s: string) => Number(/· ([\d.]+)k in/.exec(s)?.[1] ?? NaN);
    await p.page.waitForFunction((before) => document.querySelector('.turn-estimate .estimate-cost')?.textContent !== before, shown1);
    const shown2 = await line.innerText();
    assert.ok(tokensOf(shown2) >= tokensOf(shown1), `${shown2} vs ${shown1}`);
    assert.notEqual(shown2, shown1);

    // A chip with a large selection: counted, so the estimate and the meter grow.
    await p.send([{ type: 'chat/addChip', chip: { kind: 'selection', id: 's1', path: 'src/retry.ts', startLine: 1, endLine: 400, text: Array.from({ length: 3000 }, (_, i) => `const v${i} = ${i};`).join('\n') } }]);
    const third = await answerEstimate(p, chat, `Why${more}`, 1);
    assert.equal(third.chips.length, 1);
    await p.page.waitForFunction((prev) => document.querySelector('.turn-estimate .estimate-cost')?.textContent !== prev, shown2);
    const shown3 = await line.innerText();
    assert.ok(tokensOf(shown3) > tokensOf(shown2) + 10, `the selection adds >10k tokens: ${shown3}`);
    const meter3 = Number(await p.page.locator('.context-meter').getAttribute('aria-valuenow'));
    assert.ok(meter3 > meter1, `context meter grew: ${meter1}% → ${meter3}%`);

    // A late answer to an older request does not overwrite the newest one.
    await p.send([{ type: 'chat/estimate', seq: first.seq, estimate: { model: 'sonnet', modelId: 'x', inputTokens: 1, cachedTokens: 0, outputTokens: 1, outputFromHistory: false, costUsd: 9, contextWindow: 10, uncountedChips: 0 } }]);
    assert.equal(await line.innerText(), shown3);
    await p.screenshot('chat-turn-estimate');
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  it('chat: a compaction summary shows collapsed as "Summary of N earlier messages", originals inside; Compact asks the host', async () => {
    const conv: Conversation = {
      v: 1, id: 'conv-c', title: 'Long', createdMs: NOW, updatedMs: NOW,
      messages: [
        { id: 's1', role: 'assistant', content: '- **Goal**: retry with backoff', timeMs: NOW, status: 'ok', summaryOf: 2 },
        { id: 'u1', role: 'user', content: 'first question about retries', timeMs: NOW, compacted: true },
        { id: 'a1', role: 'assistant', content: 'first answer', timeMs: NOW, status: 'ok', compacted: true },
        { id: 'u2', role: 'user', content: 'latest question', timeMs: NOW },
        { id: 'a2', role: 'assistant', content: 'latest answer', timeMs: NOW, status: 'ok' },
      ],
    };
    const p = await openPanel(browser(), { width: 600, height: 700 });
    await p.send([{ type: 'init', models: [], conversations: [{ id: 'conv-c', title: 'Long', updatedMs: NOW, messageCount: 5 }], active: conv, running: false }]);
    const summary = p.page.locator('#panel-chat details.msg.summary');
    assert.equal(await summary.count(), 1);
    assert.equal(await summary.locator('> summary').innerText(), 'Summary of 2 earlier message(s)');
    assert.equal(await summary.getAttribute('open'), null, 'collapsed');
    assert.equal(await p.page.locator('#panel-chat .user-text', { hasText: 'first question' }).count(), 0, 'the originals are not listed as turns');
    await summary.locator('> summary').click();
    // The summary's markdown renders in the panel's next frames (the incremental renderer): wait for it.
    await summary.locator('.md', { hasText: 'Goal: retry with backoff' }).waitFor({ timeout: 10_000 });
    await summary.locator('.compacted-originals > summary').click();
    assert.deepEqual(await summary.locator('.compacted').allInnerTexts(), ['first question about retries', 'first answer']);
    await p.page.locator('#panel-chat select.more').selectOption('compact');
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'chat/compact'), [{ type: 'chat/compact', conversationId: 'conv-c' }]);
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  describe('cap dialog during a tool loop (real chat service, tool loop, router and SDK against the fake provider)', () => {
    const tools: ToolSource = {
      definitions: () => [{ name: 'measure', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }],
      resolve: (name) => (name === 'measure' ? { name, tool: 'measure', inputSchema: { type: 'object' } } : undefined),
      call: async (_n, args) => ({ content: String(String(args.text ?? '').length), isError: false }),
    };
    /** $1.00 a round at $100 per 1M input tokens; the turn cap is $1.50, so the pause comes before round three. */
    const round: FakeStep = { type: 'tool_calls', calls: [{ name: 'measure', arguments: { text: 'abc' } }], usage: { inputTokens: 10_000, outputTokens: 0 } };

    async function runWithDialog(choice: 'continue' | 'switch' | 'stop', label: RegExp) {
      const fake = await startFakeServer();
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-capdlg-'));
      const core = await createTestCore({
        providers: { oa: { kind: 'openai-compatible', baseUrl: fake.openaiBaseUrl } },
        models: { pricey: { provider: 'oa', id: 'pricey-model' }, cheap: { provider: 'oa', id: 'cheap-model' } },
        routes: { chat: ['pricey'] },
        prices: { 'pricey-model': { inputPerMTok: 100, outputPerMTok: 100 }, 'cheap-model': { inputPerMTok: 1, outputPerMTok: 1 } },
        router: { maxRetries: 0 },
        cost: { maxTurnUsd: 1.5 },
      }, dir);
      fake.script('pricey-model', [round, round, { type: 'text', text: 'Pricey answer: 3.' }]);
      fake.script('cheap-model', [{ type: 'text', text: 'Cheap answer: 3.' }]);
      const p = await openPanel(browser(), { width: 600, height: 900 });
      try {
        await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false }]);
        const pending: HostMessage[] = [];
        const broker = new CapBroker((prompt) => pending.push({ type: 'chat/capPrompt', ...prompt }), async () => 'stop', () => true);
        const store = new Map<string, unknown>();
        const chat = new ChatService({
          history: new ConversationHistory({ get: (k) => store.get(k), update: async (k, v) => void store.set(k, v) }, silentLogger),
          core: () => core, logger: silentLogger, askCap: broker.ask,
          runTurn: toolLoopTurnRunner({ router: () => core.router, tools: () => tools, approve: async () => true, maxRounds: () => 8 }),
        });
        const forward = (e: ChatEvent) => {
          if (e.type === 'conversation') pending.push({ type: 'chat/conversation', conversation: e.conversation, running: true });
          else if (e.type === 'toolCall') pending.push({ type: 'chat/toolCall', conversationId: e.conversationId, messageId: e.messageId, call: e.call });
          else if (e.type === 'delta') pending.push({ type: 'chat/delta', conversationId: e.conversationId, messageId: e.messageId, text: e.text });
          else if (e.type === 'notice') pending.push({ type: 'chat/notice', conversationId: e.conversationId, messageId: e.messageId, text: e.text });
          else if (e.type === 'done') pending.push({ type: 'chat/done', conversationId: e.conversationId, message: e.message });
        };
        let finished = false;
        const turn = chat.send({ text: 'measure abc', chips: [] }, forward).finally(() => (finished = true));
        // Relay: host messages to the page, the page's cap decisions to the broker.
        let decided = 0;
        while (!finished || pending.length) {
          if (pending.length) await p.send(pending.splice(0));
          const decisions = (await p.posted()).filter((m) => m.type === 'chat/capDecide') as unknown as Array<{ conversationId: string; decision: 'continue' | 'switch' | 'stop' }>;
          for (const d of decisions.slice(decided)) broker.decide(d.conversationId, d.decision);
          decided = decisions.length;
          const dialog = p.page.locator('.cap-dialog');
          if (decided === 0 && (await dialog.isVisible())) {
            assert.match(await dialog.locator('.cap-message').innerText(), /This turn has cost \$2\.00, reaching its cap of \$1\.50\. The turn is paused\./);
            assert.deepEqual(await dialog.locator('button').allInnerTexts(), ['Continue for about $1.50 more', 'Switch to cheap', 'Stop']);
            assert.equal(fake.count({ endpoint: 'chat' }), 2, 'paused after two tool rounds: no third call while the dialog is open');
            if (choice === 'continue') await p.screenshot('chat-cap-dialog');
            await dialog.locator('button', { hasText: label }).click();
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        const answer = await turn;
        assert.equal(decided, 1, 'one decision');
        assert.equal(await p.page.locator('.cap-dialog').isVisible(), false, 'the dialog closes with the answer');
        return { answer, models: fake.requests.filter((r) => r.endpoint === 'chat').map((r) => r.model), p, chat };
      } finally {
        assert.deepEqual(p.errors, []);
        await p.page.close();
        await core.dispose();
        await fake.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }

    it('"Continue for about $X more": the loop goes on with the same model to its answer', async () => {
      const r = await runWithDialog('continue', /^Continue/);
      assert.deepEqual(r.models, ['pricey-model', 'pricey-model', 'pricey-model']);
      assert.match(r.answer.content, /Pricey answer: 3\.$/);
    });

    it('"Switch to <cheaper model>": the next call goes to the cheaper model', async () => {
      const r = await runWithDialog('switch', /^Switch/);
      assert.deepEqual(r.models, ['pricey-model', 'pricey-model', 'cheap-model']);
      assert.match(r.answer.content, /Cheap answer: 3\.$/);
      assert.equal(r.chat.get(r.chat.list()[0]!.id)?.model, 'cheap');
    });

    it('"Stop": no further call; the answer says it stopped at the cap', async () => {
      const r = await runWithDialog('stop', /^Stop$/);
      assert.deepEqual(r.models, ['pricey-model', 'pricey-model']);
      assert.match(r.answer.content, /Stopped at the spend cap\.\_?$/);
    });
  });
});
