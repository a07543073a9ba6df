/**
 * Cost guardrails on the wire, through the real SDKs and the real core graph: prompt-cache
 * breakpoints (Anthropic, and a gateway that forwards cache_control), OpenAI's prompt_cache_key,
 * the setting that turns caching off, and provider-reported cost recorded beside ours.
 */
import assert from 'node:assert/strict';
import type { AppServices } from '../../src/core/app';
import type { ConfigInput } from '../../src/core/config/schema';
import type { ChatMessage, ToolDefinition } from '../../src/core/models/types';
import { useWireFixture } from '../support/wireFixture';

/** About 1,400 tokens (cl100k) of distinct words: above Sonnet 4.5's 1,024-token minimum, below Haiku 4.5's 4,096. */
const LONG_SYSTEM = `You are a careful reviewer. ${Array.from({ length: 600 }, (_, i) => `rule${i}`).join(' ')}`;
/** Tool definitions long enough (~1,300 tokens) to be a cacheable prefix on their own. */
const TOOLS: ToolDefinition[] = [
  { name: 'read_file', description: `Read a file. ${Array.from({ length: 600 }, (_, i) => `note${i}`).join(' ')}`, inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
  { name: 'search', description: 'Search the workspace', inputSchema: { type: 'object', properties: { query: { type: 'string' } } } },
];

/** Every cache_control marker in a request body, as "where" strings. */
function markers(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'cache_control') out.push(path);
        else walk(x, path ? `${path}.${k}` : k);
      }
    }
  };
  walk(body, '');
  return out.sort();
}

describe('wire: cost guardrails (prompt caching, provider-reported cost)', function () {
  this.timeout(30_000);
  const fx = useWireFixture('cost');

  /** A core in a folder of its own: each reads only its own ledger. */
  function core(extra: Partial<ConfigInput> = {}): Promise<AppServices> {
    return fx.core({
      providers: {
        an: { kind: 'anthropic', baseUrl: fx.fake.anthropicBaseUrl },
        oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl },
        router: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl },
        gateway: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl, cacheControl: true },
      },
      models: {
        sonnet: { provider: 'an', id: 'claude-sonnet-4-5-test' },
        haiku: { provider: 'an', id: 'claude-haiku-4-5-test' },
        mini: { provider: 'oa', id: 'gpt-5-mini' },
        routed: { provider: 'router', id: 'openai/gpt-5-mini' },
        gwclaude: { provider: 'gateway', id: 'anthropic/claude-sonnet-4.5' },
      },
      routes: { chat: ['sonnet'] },
      router: { maxRetries: 0 },
      ...extra,
    }, { dataDir: fx.freshDir() });
  }

  const turn1: ChatMessage[] = [{ role: 'system', content: LONG_SYSTEM }, { role: 'user', content: 'Review src/a.ts' }];
  const turn2: ChatMessage[] = [...turn1, { role: 'assistant', content: 'It looks fine.' }, { role: 'user', content: 'And src/b.ts?' }];

  it('Anthropic: breakpoints on the last tool, the system prompt and the last user turn (at most 4)', async () => {
    const c = await core();
    const r = await c.router.complete({ task: 'chat', model: 'sonnet', request: { messages: turn1, tools: TOOLS } });
    assert.equal(r.status, 'ok', r.error?.message);
    const body = fx.fake.requests[0]!.body;
    assert.deepEqual(markers(body), ['messages[0].content[0]', 'system[0]', 'tools[1]']);
    assert.deepEqual(body.system, [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral' } }]);
    assert.equal(body.tools[0].cache_control, undefined, 'only the last tool definition is marked');
  });

  it('Anthropic: a follow-up turn keeps the cached prefix byte-identical and marks the previous and the last user turn', async () => {
    const c = await core();
    await c.router.complete({ task: 'chat', model: 'sonnet', request: { messages: turn1, tools: TOOLS }, cacheKey: 'conv-1' });
    await c.router.complete({ task: 'chat', model: 'sonnet', request: { messages: turn2, tools: TOOLS }, cacheKey: 'conv-1' });
    const [a, b] = fx.fake.requests.map((q) => q.body);
    const prefix = (x: { tools: unknown; system: unknown; messages: unknown[] }, n: number) => JSON.stringify([x.tools, x.system, x.messages.slice(0, n)]);
    assert.equal(prefix(b, a.messages.length), prefix(a, a.messages.length), 'tools, system and turn 1 are sent exactly as before');
    assert.deepEqual(markers(b), ['messages[0].content[0]', 'messages[2].content[0]', 'system[0]', 'tools[1]'], 'four: the most Anthropic accepts');
  });

  it('Anthropic: no breakpoints when the prefix is below the model minimum or the setting is off', async () => {
    const c = await core();
    await c.router.complete({ task: 'chat', model: 'sonnet', request: { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] } });
    assert.deepEqual(markers(fx.fake.requests[0]!.body), [], 'a short prompt gets no marker');
    assert.equal(typeof fx.fake.requests[0]!.body.system, 'string');
    await c.router.complete({ task: 'chat', model: 'sonnet', request: { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }], tools: [{ name: 'ls', inputSchema: {} }] } });
    assert.deepEqual(markers(fx.fake.requests[1]!.body), [], 'nor short tool definitions');

    await c.router.complete({ task: 'chat', model: 'haiku', request: { messages: turn1 } });
    assert.deepEqual(markers(fx.fake.requests[2]!.body), [], 'Haiku 4.5 caches from 4,096 tokens: ~1,400 is too short');

    const off = await core({ cost: { promptCache: false } });
    await off.router.complete({ task: 'chat', model: 'sonnet', request: { messages: turn1, tools: TOOLS } });
    assert.deepEqual(markers(fx.fake.requests[3]!.body), [], 'cost.promptCache: false sends no marker');
  });

  it('OpenAI: the request carries prompt_cache_key per conversation; not when off, not to other servers', async () => {
    const c = await core();
    await c.router.complete({ task: 'chat', model: 'mini', request: { messages: turn1 }, cacheKey: 'conv-42' });
    assert.equal(fx.fake.requests[0]!.body.prompt_cache_key, 'conv-42');
    await c.router.complete({ task: 'chat', model: 'routed', request: { messages: turn1 }, cacheKey: 'conv-42' });
    assert.equal(fx.fake.requests[1]!.body.prompt_cache_key, undefined, 'an OpenAI-compatible server is not sent an OpenAI-only field');
    assert.deepEqual(markers(fx.fake.requests[1]!.body), [], 'nor cache_control without the provider flag');
    const off = await core({ cost: { promptCache: false } });
    await off.router.complete({ task: 'chat', model: 'mini', request: { messages: turn1 }, cacheKey: 'conv-42' });
    assert.equal(fx.fake.requests[2]!.body.prompt_cache_key, undefined);
  });

  it('a gateway with cacheControl gets cache_control on the system prompt and the last user turns', async () => {
    const c = await core();
    const r = await c.router.complete({ task: 'chat', model: 'gwclaude', request: { messages: turn2 } });
    assert.equal(r.status, 'ok', r.error?.message);
    const body = fx.fake.requests[0]!.body;
    assert.deepEqual(markers(body), ['messages[0].content[0]', 'messages[1].content[0]', 'messages[3].content[0]']);
    assert.deepEqual(body.messages[3], { role: 'user', content: [{ type: 'text', text: 'And src/b.ts?', cache_control: { type: 'ephemeral' } }] });
  });

  it("records the provider's own cost (OpenRouter usage.cost, LiteLLM header) in the result, ledger and trace; the budget counts the higher", async () => {
    const c = await core({ routes: { chat: ['routed'] }, prices: { 'openai/gpt-5-mini': { inputPerMTok: 1, outputPerMTok: 2 } } });
    fx.fake.script('openai/gpt-5-mini', [
      { type: 'text', text: 'ok', wireUsage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, cost: 0.0025 } },
      { type: 'text', text: 'ok', usage: { inputTokens: 1000, outputTokens: 500 }, headers: { 'x-litellm-response-cost': '0.0019' } },
    ]);
    const a = await c.router.complete({ task: 'chat', request: { messages: turn1 } });
    assert.equal(a.costUsd, 0.002);
    assert.equal(a.providerCostUsd, 0.0025);
    const b = await c.router.complete({ task: 'chat', request: { messages: turn1 } });
    assert.equal(b.providerCostUsd, 0.0019);
    await c.ledger.flush?.();
    const records = await c.ledger.read();
    assert.deepEqual(records.map((r) => r.providerCostUsd), [0.0025, 0.0019]);
    const trace = await c.traceStore.find(a.traceId);
    assert.equal(trace?.spans.find((s: { parentSpanId?: string }) => !s.parentSpanId)?.attributes['switchyard.provider_cost_usd'], 0.0025);
    // 0.0025 (provider, higher) + 0.002 (ours, higher than 0.0019)
    assert.ok(Math.abs(c.budget.state().dailySpentUsd - 0.0045) < 1e-12, `budget ${c.budget.state().dailySpentUsd}`);
  });
});
