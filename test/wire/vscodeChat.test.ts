/**
 * VS Code's Chat on Switchyard's router, over the wire: messages shaped as VS Code sends them
 * (role 3 system, tool-call and tool-result parts, image data parts, the agent's internal
 * modelOptions) go through the real core and the real OpenAI and Anthropic SDKs to the fake
 * provider server; what reaches each wire, what streams back, and what the ledger records.
 */
import assert from 'node:assert/strict';
import { LM_ROLE, type LmMessageShape } from '../../src/host/lmChat/messages';
import { findLmModel } from '../../src/host/lmChat/models';
import { FEATURE_VSCODE_CHAT, FEATURE_VSCODE_CHAT_UTILITY, LmChatError, respondToLmChat } from '../../src/host/lmChat/respond';
import type { RecordedRequest } from '../support/fakeServer';
import { useWireFixture } from '../support/wireFixture';

const OPENAI_MODEL = 'gpt-4.1-mini';
const ANTHROPIC_MODEL = 'claude-sonnet-4-6';
/** 1×1 transparent PNG. */
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'));

// Shapes of VS Code's part classes (same fields, read by shape).
const text = (value: string) => ({ value });
const toolCall = (callId: string, name: string, input: object) => ({ callId, name, input });
const toolResult = (callId: string, value: string) => ({ callId, content: [text(value)] });
const image = () => ({ mimeType: 'image/png', data: PNG });
const cacheHint = () => ({ mimeType: 'cache_control', data: new TextEncoder().encode('ephemeral') });

/** An agent turn after one tool round: system (role 3), user with image, assistant tool call, user tool result. */
function agentConversation(): LmMessageShape[] {
  return [
    { role: LM_ROLE.system, content: [text('You are the VS Code agent. Use tools.')], name: undefined },
    { role: LM_ROLE.user, content: [text('What does src/app.ts export? See the screenshot.'), image(), cacheHint()], name: undefined },
    { role: LM_ROLE.assistant, content: [text('Reading the file.'), toolCall('call_read_1', 'read_file', { filePath: 'src/app.ts', startLine: 1, endLine: 40 })], name: undefined },
    { role: LM_ROLE.user, content: [toolResult('call_read_1', 'export function main() {}')], name: undefined },
  ];
}

const AGENT_TOOLS = [
  { name: 'read_file', description: 'Read a file', inputSchema: { type: 'object', properties: { filePath: { type: 'string' } }, required: ['filePath'] } },
  { name: 'mcp.server/tool', description: 'A tool whose name neither wire accepts', inputSchema: { type: 'object', properties: {} } },
];

const INTERNAL_OPTIONS = { _conversationId: 'conv-secret-123', _telemetryTurn: 7, _enableThinking: true };

describe('VS Code Chat → router → both wires', function () {
  this.timeout(20_000);
  const fx = useWireFixture('vscodechat');

  async function build() {
    const core = await fx.core(
      {
        providers: { oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl }, an: { kind: 'anthropic', baseUrl: fx.fake.anthropicBaseUrl } },
        models: { mini: { provider: 'oa', id: OPENAI_MODEL }, sonnet: { provider: 'an', id: ANTHROPIC_MODEL } },
        routes: { chat: ['sonnet', 'mini'] },
        router: { maxRetries: 0, requestTimeoutMs: 10_000 },
      },
    );
    return core;
  }

  function collector() {
    const texts: string[] = [];
    const calls: Array<{ callId: string; name: string; input: object }> = [];
    return { texts, calls, sink: { text: (t: string) => texts.push(t), toolCall: (callId: string, name: string, input: object) => calls.push({ callId, name, input }) } };
  }

  const only = (model: string): RecordedRequest => {
    const reqs = fx.fake.requests.filter((r) => r.model === model);
    assert.equal(reqs.length, 1, `one request to ${model}`);
    return reqs[0];
  };

  it('maps system, image, tool call and tool result to OpenAI; internal modelOptions never reach the body', async () => {
    const core = await build();
    fx.fake.script(OPENAI_MODEL, [{ type: 'text', text: 'It exports main.' }]);
    const entry = findLmModel(core.config, core.catalog, 'model:mini')!;
    const out = collector();
    await respondToLmChat(core.router, { ...entry, target: { task: 'chat', model: 'mini' } }, agentConversation(), { tools: AGENT_TOOLS, toolMode: 1, modelOptions: INTERNAL_OPTIONS }, out.sink, new AbortController().signal);
    const body = only(OPENAI_MODEL).body;
    assert.equal(out.texts.join(''), 'It exports main.');
    assert.deepEqual(body.messages.map((m: { role: string }) => m.role), ['system', 'user', 'assistant', 'tool']);
    assert.equal(body.messages[0].content, 'You are the VS Code agent. Use tools.');
    const userParts = body.messages[1].content;
    assert.equal(userParts[0].type, 'image_url');
    assert.match(userParts[0].image_url.url, /^data:image\/png;base64,iVBOR/);
    assert.deepEqual(userParts[1], { type: 'text', text: 'What does src/app.ts export? See the screenshot.' }, 'the cache_control hint part is not content');
    assert.equal(body.messages[2].tool_calls[0].id, 'call_read_1');
    assert.deepEqual(JSON.parse(body.messages[2].tool_calls[0].function.arguments), { filePath: 'src/app.ts', startLine: 1, endLine: 40 });
    assert.deepEqual({ tool_call_id: body.messages[3].tool_call_id, content: body.messages[3].content }, { tool_call_id: 'call_read_1', content: 'export function main() {}' });
    assert.deepEqual(body.tools.map((t: { function: { name: string } }) => t.function.name), ['read_file', 'mcp_server_tool']);
    const raw = JSON.stringify(body);
    for (const key of Object.keys(INTERNAL_OPTIONS)) assert.ok(!raw.includes(key), `${key} must not reach the request`);
    assert.ok(!raw.includes('conv-secret-123'));
  });

  it('maps the same conversation to Anthropic: system on top, image block, tool_use and tool_result', async () => {
    const core = await build();
    fx.fake.script(ANTHROPIC_MODEL, [{ type: 'text', text: 'main' }]);
    const entry = findLmModel(core.config, core.catalog, 'route:chat')!;
    const out = collector();
    await respondToLmChat(core.router, entry, agentConversation(), { tools: AGENT_TOOLS, toolMode: 2, modelOptions: INTERNAL_OPTIONS }, out.sink, new AbortController().signal);
    const body = only(ANTHROPIC_MODEL).body;
    const system = typeof body.system === 'string' ? body.system : body.system.map((b: { text: string }) => b.text).join('');
    assert.equal(system, 'You are the VS Code agent. Use tools.');
    assert.deepEqual(body.messages.map((m: { role: string }) => m.role), ['user', 'assistant', 'user']);
    assert.equal(body.messages[0].content[0].type, 'image');
    assert.equal(body.messages[0].content[0].source.media_type, 'image/png');
    const toolUse = body.messages[1].content.find((b: { type: string }) => b.type === 'tool_use');
    assert.deepEqual({ id: toolUse.id, name: toolUse.name, input: toolUse.input }, { id: 'call_read_1', name: 'read_file', input: { filePath: 'src/app.ts', startLine: 1, endLine: 40 } });
    assert.deepEqual(body.messages[2].content[0].type, 'tool_result');
    assert.equal(body.messages[2].content[0].tool_use_id, 'call_read_1');
    assert.equal(body.tool_choice?.type, 'any', 'toolMode Required → any tool');
    const raw = JSON.stringify(body);
    for (const key of Object.keys(INTERNAL_OPTIONS)) assert.ok(!raw.includes(key), `${key} must not reach the request`);
  });

  for (const wire of ['openai', 'anthropic'] as const) {
    it(`streams a tool call back with VS Code's own tool name (${wire})`, async () => {
      const core = await build();
      const model = wire === 'openai' ? OPENAI_MODEL : ANTHROPIC_MODEL;
      fx.fake.script(model, [{ type: 'tool_calls', calls: [{ id: 'toolu_1', name: 'mcp_server_tool', arguments: { q: 'x' } }, { id: 'toolu_2', name: 'read_file', arguments: { filePath: 'a.ts' } }] }]);
      const entry = findLmModel(core.config, core.catalog, wire === 'openai' ? 'model:mini' : 'model:sonnet')!;
      const out = collector();
      const result = await respondToLmChat(core.router, entry, [{ role: LM_ROLE.user, content: [text('go')], name: undefined }], { tools: AGENT_TOOLS, toolMode: 1 }, out.sink, new AbortController().signal);
      assert.equal(result.status, 'ok');
      assert.deepEqual(out.calls, [
        { callId: 'toolu_1', name: 'mcp.server/tool', input: { q: 'x' } },
        { callId: 'toolu_2', name: 'read_file', input: { filePath: 'a.ts' } },
      ]);
    });
  }

  it('a route whose first model returns 503 still answers from the next, recorded once as vscode-chat', async () => {
    const core = await build();
    fx.fake.script(ANTHROPIC_MODEL, [{ type: 'server_error', status: 503 }]);
    fx.fake.script(OPENAI_MODEL, [{ type: 'text', text: 'from mini', usage: { inputTokens: 30, outputTokens: 3 } }]);
    const entry = findLmModel(core.config, core.catalog, 'route:chat')!;
    const out = collector();
    const result = await respondToLmChat(core.router, entry, agentConversation(), { tools: AGENT_TOOLS, toolMode: 1 }, out.sink, new AbortController().signal);
    assert.equal(out.texts.join(''), 'from mini');
    assert.equal(result.model, 'mini');
    assert.deepEqual(result.attempts.map((a) => [a.model, a.status]), [['sonnet', 'error'], ['mini', 'ok']]);
    await core.ledger.flush?.();
    const records = await core.ledger.read();
    assert.equal(records.length, 1);
    assert.equal(records[0].feature, FEATURE_VSCODE_CHAT);
    assert.equal(records[0].model, 'mini');
    assert.ok((records[0].costUsd ?? 0) > 0, 'a paid model is priced');
  });

  it('a request without tools (titles, summaries) is recorded as a utility call', async () => {
    const core = await build();
    fx.fake.script(ANTHROPIC_MODEL, [{ type: 'text', text: 'Reading app.ts' }]);
    const entry = findLmModel(core.config, core.catalog, 'route:chat')!;
    await respondToLmChat(core.router, entry, [{ role: LM_ROLE.user, content: [text('Write a short title for this chat')], name: undefined }], {}, collector().sink, new AbortController().signal);
    await core.ledger.flush?.();
    const [record] = await core.ledger.read();
    assert.equal(record.feature, FEATURE_VSCODE_CHAT_UTILITY);
  });

  it('when every candidate fails, the error names the failure and the models tried', async () => {
    const core = await build();
    fx.fake.script(ANTHROPIC_MODEL, [{ type: 'server_error', status: 503 }]);
    fx.fake.script(OPENAI_MODEL, [{ type: 'auth', status: 401 }]);
    const entry = findLmModel(core.config, core.catalog, 'route:chat')!;
    await assert.rejects(
      respondToLmChat(core.router, entry, agentConversation(), {}, collector().sink, new AbortController().signal),
      (err: unknown) => err instanceof LmChatError && /sonnet, mini/.test(err.message) && /key/i.test(err.message),
    );
  });

  it('a model that takes no images gets a note instead of the image', async () => {
    const core = await fx.core(
      { providers: { local: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl } }, models: { coder: { provider: 'local', id: 'qwen2.5-coder:7b' } }, routes: { chat: ['coder'] }, router: { maxRetries: 0 } },
    );
    fx.fake.script('qwen2.5-coder:7b', [{ type: 'text', text: 'ok' }]);
    const entry = findLmModel(core.config, core.catalog, 'model:coder')!;
    assert.equal(entry.capabilities.imageInput, false);
    await respondToLmChat(core.router, entry, agentConversation().slice(0, 2), {}, collector().sink, new AbortController().signal);
    const body = only('qwen2.5-coder:7b').body;
    assert.equal(typeof body.messages[1].content, 'string');
    assert.match(body.messages[1].content, /1 image\(s\) omitted/);
  });
});
