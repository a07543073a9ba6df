/**
 * Spend caps that pause and ask, end to end: the chat service with the tool loop, the real router
 * and SDK against the fake provider, a local tool. Crossing the per-turn cap mid-loop asks once, and
 * each answer does what it says: continue (more rounds), switch (the next call goes to the cheaper
 * model, which the conversation keeps), stop (no further call). The per-conversation cap asks
 * before the first call.
 */
import assert from 'node:assert/strict';
import { ConversationHistory } from '../../src/core/chat/history';
import { ChatService } from '../../src/core/chat/service';
import type { CapDecision, CapPrompt } from '../../src/core/chat/spendCap';
import { toolLoopTurnRunner } from '../../src/core/chat/toolLoop';
import type { ConfigInput } from '../../src/core/config/schema';
import { silentLogger } from '../../src/core/logger';
import type { ToolSource } from '../../src/core/mcp/toolSource';
import type { FakeStep } from '../support/fakeServer';
import { useWireFixture } from '../support/wireFixture';

/** A real local tool: reports the length of its argument. */
const tools: ToolSource = {
  definitions: () => [{ name: 'measure', description: 'Length of a text', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } }],
  resolve: (name) => (name === 'measure' ? { name, tool: 'measure', inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } } : undefined),
  call: async (_name, args) => ({ content: String(String(args.text).length), isError: false }),
};

/** $1.00 per round at the "pricey" price ($100 per 1M input tokens). */
const toolRound: FakeStep = { type: 'tool_calls', calls: [{ name: 'measure', arguments: { text: 'abc' } }], usage: { inputTokens: 10_000, outputTokens: 0 } };

describe('wire: spend caps pause the chat turn and ask (tool loop)', function () {
  this.timeout(30_000);
  const fx = useWireFixture('caps');

  async function chatWith(cost: ConfigInput['cost'], decide: CapDecision) {
    const core = await fx.core({
      providers: { oa: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl } },
      models: { pricey: { provider: 'oa', id: 'pricey-model' }, cheap: { provider: 'oa', id: 'cheap-model' } },
      routes: { chat: ['pricey'] },
      prices: { 'pricey-model': { inputPerMTok: 100, outputPerMTok: 100 }, 'cheap-model': { inputPerMTok: 1, outputPerMTok: 1 } },
      router: { maxRetries: 0 },
      cost,
    }, { dataDir: fx.freshDir() });
    const store = new Map<string, unknown>();
    const asked: CapPrompt[] = [];
    const chat = new ChatService({
      history: new ConversationHistory({ get: (k) => store.get(k), update: async (k, v) => void store.set(k, v) }, silentLogger),
      core: () => core,
      logger: silentLogger,
      askCap: async (prompt) => {
        asked.push(prompt);
        return decide;
      },
      runTurn: toolLoopTurnRunner({ router: () => core.router, tools: () => tools, approve: async () => true, maxRounds: () => 8, logger: silentLogger }),
    });
    return { chat, asked };
  }

  const models = () => fx.fake.requests.filter((r) => r.endpoint === 'chat').map((r) => r.model);

  it('stop: the turn ends at the cap, no further model call, the answer says why', async () => {
    fx.fake.script('pricey-model', [toolRound, toolRound, { type: 'text', text: 'never sent' }]);
    const { chat, asked } = await chatWith({ maxTurnUsd: 1.5 }, 'stop');
    const answer = await chat.send({ text: 'measure abc twice', chips: [] }, () => undefined);
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.scope, 'turn');
    assert.equal(asked[0]!.spentUsd, 2);
    assert.equal(asked[0]!.capUsd, 1.5);
    assert.equal(asked[0]!.extraUsd, 1.5);
    assert.equal(asked[0]!.cheaperModel, 'cheap');
    assert.deepEqual(models(), ['pricey-model', 'pricey-model'], 'no third call');
    assert.match(answer.content, /This turn has cost \$2\.00, reaching its cap of \$1\.50\. Stopped at the spend cap\./);
    assert.equal(answer.costUsd, 2);
  });

  it('continue: the cap rises by about $X and the loop goes on to its answer', async () => {
    fx.fake.script('pricey-model', [toolRound, toolRound, { type: 'text', text: 'The length is 3.', usage: { inputTokens: 100, outputTokens: 5 } }]);
    const { chat, asked } = await chatWith({ maxTurnUsd: 1.5 }, 'continue');
    const answer = await chat.send({ text: 'measure abc twice', chips: [] }, () => undefined);
    assert.equal(asked.length, 1, 'asked once: the raised cap ($3.00) is not crossed again');
    assert.deepEqual(models(), ['pricey-model', 'pricey-model', 'pricey-model']);
    assert.match(answer.content, /The length is 3\.$/);
    assert.equal(answer.status, 'ok');
  });

  it('switch: the next call goes to the cheaper model, and the conversation keeps it', async () => {
    fx.fake.script('pricey-model', [toolRound, toolRound]);
    fx.fake.script('cheap-model', [{ type: 'text', text: 'Cheaply: 3.' }]);
    const { chat, asked } = await chatWith({ maxTurnUsd: 1.5 }, 'switch');
    const notices: string[] = [];
    const answer = await chat.send({ text: 'measure abc twice', chips: [] }, (e) => void (e.type === 'notice' && notices.push(e.text)));
    assert.equal(asked.length, 1);
    assert.deepEqual(models(), ['pricey-model', 'pricey-model', 'cheap-model']);
    assert.match(answer.content, /Cheaply: 3\.$/);
    assert.deepEqual(notices, ['Switched to cheap at the spend cap.']);
    const conv = chat.list()[0]!;
    assert.equal(chat.get(conv.id)?.model, 'cheap');
  });

  it('the conversation cap asks before the first call of a turn; stop sends nothing', async () => {
    fx.fake.script('pricey-model', [toolRound, { type: 'text', text: 'first answer' }]);
    const { chat, asked } = await chatWith({ maxConversationUsd: 0.5 }, 'stop');
    const first = await chat.send({ text: 'one', chips: [] }, () => undefined);
    // The first turn starts at $0 and crosses $0.50 in its first round: asked before round two.
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.scope, 'conversation');
    const sent = fx.fake.count({ endpoint: 'chat' });
    const second = await chat.send({ conversationId: chat.list()[0]!.id, text: 'two', chips: [] }, () => undefined);
    assert.equal(asked.length, 2, 'asked again before the next turn');
    assert.equal(fx.fake.count({ endpoint: 'chat' }), sent, 'no call once stopped');
    assert.equal(second.status, 'cancelled');
    assert.match(second.notices?.join(' ') ?? '', /This conversation has cost \$1\.00, reaching its cap of \$0\.50/);
    assert.equal(first.costUsd, 1);
  });
});
