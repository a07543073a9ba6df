/** What Switchyard offers in VS Code's model picker, and what @switchyard sends and shows. */
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/core/config/schema';
import { PriceCatalog } from '../../src/core/cost/catalog';
import { TokenCounter } from '../../src/core/models/tokens';
import { ASSUMED_CONTEXT_WINDOW, findLmModel, listLmModels } from '../../src/host/lmChat/models';
import { costLabel, costReport, participantMessages } from '../../src/host/lmChat/participantPrompt';
import { LM_ROLE, toNeutralMessages, ToolNames } from '../../src/host/lmChat/messages';

const config = parseConfig({
  providers: { an: { kind: 'anthropic' }, oa: { kind: 'openai' }, local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' } },
  models: {
    sonnet: { provider: 'an', id: 'claude-sonnet-4-6' },
    mini: { provider: 'oa', id: 'gpt-4.1-mini' },
    coder: { provider: 'local', id: 'qwen2.5-coder:7b' },
    embed: { provider: 'local', id: 'nomic-embed-text' },
    small: { provider: 'oa', id: 'gpt-4.1-mini', contextWindow: 16_000, maxOutputTokens: 2_000 },
  },
  routes: { chat: ['sonnet', 'mini'], review: ['small', 'sonnet'], completion: ['coder'], embedding: ['embed'] },
});
const catalog = new PriceCatalog();

describe('VS Code Chat: the model picker entries', () => {
  const entries = listLmModels(config, catalog);
  const ids = entries.map((e) => e.id);

  it('offers every chat route with its fallback order, and no completion or embedding route', () => {
    assert.deepEqual(ids.filter((id) => id.startsWith('route:')), ['route:chat', 'route:review']);
    const chat = entries.find((e) => e.id === 'route:chat')!;
    assert.equal(chat.name, 'Switchyard · chat (sonnet → mini)');
    assert.deepEqual(chat.target, { task: 'chat' });
    assert.deepEqual(chat.modelIds, ['claude-sonnet-4-6', 'gpt-4.1-mini']);
  });

  it('offers each model that can chat, not one used only for completions or embeddings', () => {
    assert.deepEqual(ids.filter((id) => id.startsWith('model:')), ['model:sonnet', 'model:mini', 'model:small']);
    assert.deepEqual(findLmModel(config, catalog, 'model:mini')?.target, { task: 'chat', model: 'mini' });
    assert.equal(findLmModel(config, catalog, 'model:embed'), undefined);
  });

  it("sizes a route to its smallest candidate, so a fallback can take the agent's whole prompt", () => {
    const review = entries.find((e) => e.id === 'route:review')!;
    const small = entries.find((e) => e.id === 'model:small')!;
    assert.equal(review.maxInputTokens, small.maxInputTokens);
    assert.equal(small.maxInputTokens, 14_000);
    assert.equal(review.maxOutputTokens, 2_000);
    const sonnet = entries.find((e) => e.id === 'model:sonnet')!;
    assert.ok(sonnet.maxInputTokens > 100_000, 'catalog window for Claude');
  });

  it('says when a local model window is unknown, and assumes a conservative one', () => {
    const local = listLmModels(parseConfig({ providers: { l: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1' } }, models: { m: { provider: 'l', id: 'my-finetune' } } }), catalog)[0];
    assert.ok(local.maxInputTokens < ASSUMED_CONTEXT_WINDOW);
    assert.match(local.tooltip, /contextWindow/);
    assert.equal(local.detail, '$0 (local)', 'a loopback server costs nothing unless priced');
  });

  it('declares images only where every model of the entry takes them', () => {
    assert.equal(entries.find((e) => e.id === 'route:chat')!.capabilities.imageInput, true);
    assert.equal(listLmModels(parseConfig({ providers: { l: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' } }, models: { c: { provider: 'l', id: 'qwen2.5-coder:7b' } } }), catalog)[0].capabilities.imageInput, false);
  });

  it('follows the settings: a removed route is no longer found', () => {
    const without = parseConfig({ ...config, routes: { chat: ['mini'] } });
    assert.equal(findLmModel(without, catalog, 'route:review'), undefined);
    assert.ok(findLmModel(without, catalog, 'route:chat'));
  });
});

describe('VS Code Chat: token counts for provideTokenCount', () => {
  it('counts with the family tokenizer and returns the same count from its cache', () => {
    const counter = new TokenCounter();
    const text = 'function add(a: number, b: number) { return a + b; }';
    const first = counter.countTokens('gpt-4.1-mini', text);
    assert.ok(first > 10 && first < text.length, `a BPE count (${first}), not characters`);
    assert.equal(counter.countTokens('gpt-4.1-mini', text), first);
  });

  it('counts a message as its text and tool-call parts', () => {
    const message = { role: LM_ROLE.assistant, content: [{ value: 'Reading.' }, { callId: 'c1', name: 'read_file', input: { filePath: 'src/app.ts' } }] };
    const [neutral] = toNeutralMessages([message], new ToolNames(), false);
    assert.equal(neutral.role, 'assistant');
    assert.equal(neutral.role === 'assistant' && neutral.toolCalls?.[0].arguments, '{"filePath":"src/app.ts"}');
  });
});

describe('@switchyard: prompt and cost footer', () => {
  it('puts the command instruction in the system prompt, earlier turns in order, context before the question', () => {
    const messages = participantMessages({
      command: 'fix',
      question: '',
      history: [{ question: 'what is this?', answer: 'A parser.' }],
      contexts: [{ kind: 'selection', title: 'src/a.ts:1-3', language: 'ts', content: 'let x = 1' }],
    });
    assert.deepEqual(messages.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.match(messages[0].content, /Find the bugs/);
    assert.match(messages[3].content, /<context kind="selection" source="src\/a.ts:1-3">[\s\S]*let x = 1[\s\S]*Fix the problems in this code\.$/);
  });

  it('never shows $0 for an unknown cost; local models say so', () => {
    assert.equal(costLabel(null, false), 'cost unknown');
    assert.equal(costLabel(0, true), '$0 (local)');
    assert.equal(costLabel(0.0012, false), '$0.0012');
  });

  it('/cost reports today, the month and this conversation, and counts unknown costs apart', () => {
    const text = costReport({ dailySpentUsd: 1.5, monthlySpentUsd: 12, dailyLimitUsd: 5, level: 'ok', onExceed: 'warn' }, { costs: [0.01, null, 0.02], answers: 3 });
    assert.match(text, /Today:\*\* \$1\.50 of \$5\.00/);
    assert.match(text, /this month:\*\* \$12\.00/);
    assert.match(text, /This conversation:\*\* \$0\.03 over 3 answers \(1 with unknown cost, not counted\)/);
  });
});
