/**
 * The chat tool loop end to end: the router and the real SDKs talk to the fake provider server,
 * which issues tool calls in OpenAI and Anthropic format; the tools are a real MCP server
 * (server-everything over stdio) behind the hub. Approval granted, denied, skipped for bad
 * arguments; the round limit; approval time not counted against the call timeout.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { openCliTools } from '../../src/cli/commands/mcp';
import { join } from 'node:path';
import { runToolLoop, toolLoopTurnRunner, type ToolLoopEvent } from '../../src/core/chat/toolLoop';
import type { ToolCallView } from '../../src/core/chat/types';
import { silentLogger } from '../../src/core/logger';
import { createListApprover, type ToolApprovalRequest } from '../../src/core/mcp/approval';
import { McpHub } from '../../src/core/mcp/hub';
import { hubToolSource, type ToolSource } from '../../src/core/mcp/toolSource';
import type { ChatMessage } from '../../src/core/models/types';
import type { RouterEvent } from '../../src/core/router/types';
import { useWireFixture } from '../support/wireFixture';
import { everythingBin, fixture, nodeSpec } from '../fixtures/mcp/testUtils';

const OPENAI_MODEL = 'gpt-4.1-mini';
const ANTHROPIC_MODEL = 'claude-sonnet-4-6';

describe('chat tool loop over the wire (router + fake provider + real MCP server)', function () {
  this.timeout(30_000);
  const fx = useWireFixture('toolloop');
  let hub: McpHub;

  before(async () => {
    hub = new McpHub({ logger: silentLogger, loginShellPath: async () => undefined });
    await hub.update([nodeSpec('everything', everythingBin, ['stdio']), nodeSpec('flaky', fixture('flaky-server.mjs'))]);
    assert.equal(hub.server('everything')?.state, 'connected');
  });
  after(() => hub.dispose());

  async function build() {
    const core = await fx.core({
      providers: { oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl }, an: { kind: 'anthropic', baseUrl: fx.fake.anthropicBaseUrl } },
      models: { mini: { provider: 'oa', id: OPENAI_MODEL }, sonnet: { provider: 'an', id: ANTHROPIC_MODEL } },
      routes: { chat: ['mini'] },
      router: { maxRetries: 0, requestTimeoutMs: 10_000 },
    });
    return { router: core.router, store: core.traceStore, tracer: core.tracer, ledger: core.ledger };
  }

  /** The hub's tools, counting the calls that actually reach a server. */
  function countingSource(): { source: ToolSource; calls: string[] } {
    const inner = hubToolSource(hub);
    const calls: string[] = [];
    return {
      calls,
      source: { ...inner, call: (name, args, o) => (calls.push(name), inner.call(name, args, o)) },
    };
  }

  const question: ChatMessage[] = [{ role: 'user', content: 'What is 2 + 40? Use the tool.' }];

  it('OpenAI format: runs an approved tool call, feeds the untrusted result back, and traces it', async () => {
    fx.fake.script(OPENAI_MODEL, [
      { type: 'tool_calls', text: 'Let me add.', calls: [{ id: 'call_1', name: 'everything__get-sum', arguments: { a: 2, b: 40 } }], usage: { inputTokens: 100, outputTokens: 10 } },
      { type: 'text', text: 'The sum is 42.', usage: { inputTokens: 150, outputTokens: 5 } },
    ]);
    const { router, store, tracer } = await build();
    const { source, calls } = countingSource();
    const asked: ToolApprovalRequest[] = [];
    const events: ToolLoopEvent[] = [];
    const out = await runToolLoop({
      router, messages: question, tools: source, tracer,
      approve: async (req) => (asked.push(req), { allowed: true, scope: 'once' }),
      onEvent: (e) => events.push(e),
    });

    assert.equal(out.stopReason, 'done');
    assert.equal(out.text, 'The sum is 42.');
    assert.deepEqual(calls, ['everything__get-sum']);
    assert.deepEqual(asked.map((a) => [a.callId, a.server, a.tool, a.arguments]), [['call_1', 'everything', 'get-sum', { a: 2, b: 40 }]]);
    assert.deepEqual(out.messages.map((m) => m.role), ['assistant', 'tool', 'assistant']);
    const toolMsg = out.messages[1] as Extract<ChatMessage, { role: 'tool' }>;
    assert.equal(toolMsg.toolCallId, 'call_1');
    assert.match(toolMsg.content, /^<tool_result server="everything" tool="get-sum" trust="untrusted">/);
    assert.match(toolMsg.content, /42/);

    // The provider saw the namespaced tool list, then the tool result as a `tool` message.
    const [first, second] = fx.fake.requests.filter((r) => r.endpoint === 'chat');
    assert.ok(first.body.tools.some((t: { function: { name: string } }) => t.function.name === 'everything__get-sum'));
    const sent = second.body.messages.find((m: { role: string }) => m.role === 'tool');
    assert.equal(sent.tool_call_id, 'call_1');
    assert.match(sent.content, /trust="untrusted"/);

    assert.deepEqual(events.filter((e) => e.type.startsWith('tool_call')).map((e) => e.type), ['tool_call_requested', 'tool_call_approved', 'tool_call_result']);
    // One trace: the turn's root with both model calls and the tool call as children.
    const trace = (await store.find(out.traceId!))!;
    const root = trace.spans.find((s) => !s.parentSpanId)!;
    const toolSpan = trace.spans.find((s) => s.name === 'execute_tool everything__get-sum')!;
    assert.equal(toolSpan.parentSpanId, root.spanId);
    assert.equal(toolSpan.attributes['gen_ai.tool.name'], 'everything__get-sum');
    assert.equal(toolSpan.attributes['switchyard.mcp.server'], 'everything');
    assert.equal(toolSpan.attributes['switchyard.tool.approval'], 'once');
    assert.match(String(toolSpan.attributes['gen_ai.tool.call.arguments']), /"a":2/);
    assert.ok(Number(toolSpan.attributes['switchyard.tool.result_bytes']) > 0);
    assert.equal(typeof toolSpan.attributes['switchyard.tool.duration_ms'], 'number');
    assert.equal(trace.spans.filter((s) => s.parentSpanId === root.spanId && s.name === 'chat').length, 2);
  });

  it('Anthropic format: a denied call is not run and the model is told so', async () => {
    fx.fake.script(ANTHROPIC_MODEL, [
      { type: 'tool_calls', calls: [{ id: 'toolu_1', name: 'everything__echo', arguments: { message: 'hi' } }] },
      { type: 'text', text: 'Understood, I will not use it.' },
    ]);
    const { router } = await build();
    const { source, calls } = countingSource();
    const events: ToolLoopEvent[] = [];
    const out = await runToolLoop({ router, model: 'sonnet', messages: question, tools: source, approve: async () => false, onEvent: (e) => events.push(e) });

    assert.equal(out.stopReason, 'done');
    assert.deepEqual(calls, [], 'the denied tool never reached the server');
    assert.ok(events.some((e) => e.type === 'tool_call_denied' && /denied/.test(e.reason)));
    const [, second] = fx.fake.requests.filter((r) => r.endpoint === 'messages');
    const results = second.body.messages.flatMap((m: { content: unknown }) => (Array.isArray(m.content) ? m.content : [])).filter((b: { type: string }) => b.type === 'tool_result');
    assert.equal(results.length, 1);
    assert.equal(results[0].tool_use_id, 'toolu_1');
    assert.equal(results[0].is_error, true);
    assert.match(JSON.stringify(results[0].content), /denied/);
    assert.ok(second.body.tools.some((t: { name: string }) => t.name === 'everything__echo'));
  });

  it('Anthropic format: an approved call runs and its result goes back as a tool_result', async () => {
    fx.fake.script(ANTHROPIC_MODEL, [
      { type: 'tool_calls', calls: [{ id: 'toolu_2', name: 'everything__echo', arguments: { message: 'ping from claude' } }] },
      { type: 'text', text: 'Echoed.' },
    ]);
    const { router } = await build();
    const { source, calls } = countingSource();
    const out = await runToolLoop({ router, model: 'sonnet', messages: question, tools: source, approve: async () => ({ allowed: true, scope: 'session' }) });
    assert.equal(out.stopReason, 'done');
    assert.deepEqual(calls, ['everything__echo']);
    const [, second] = fx.fake.requests.filter((r) => r.endpoint === 'messages');
    const result = second.body.messages.flatMap((m: { content: unknown }) => (Array.isArray(m.content) ? m.content : [])).find((b: { type: string }) => b.type === 'tool_result');
    assert.match(JSON.stringify(result.content), /ping from claude/);
    assert.notEqual(result.is_error, true);
  });

  it('refuses arguments that do not match the tool schema without asking or calling', async () => {
    fx.fake.script(OPENAI_MODEL, [
      { type: 'tool_calls', calls: [{ id: 'call_bad', name: 'everything__get-sum', arguments: { a: 'two' } }] },
      { type: 'text', text: 'Sorry.' },
    ]);
    const { router } = await build();
    const { source, calls } = countingSource();
    let asked = 0;
    const out = await runToolLoop({ router, messages: question, tools: source, approve: async () => (asked++, true) });
    assert.equal(asked, 0);
    assert.deepEqual(calls, []);
    const toolMsg = out.messages.find((m) => m.role === 'tool') as Extract<ChatMessage, { role: 'tool' }>;
    assert.equal(toolMsg.isError, true);
    assert.match(toolMsg.content, /a: must be number/);
    assert.match(toolMsg.content, /b: is required/);
  });

  it('stops after maxRounds and answers the pending calls as not run', async () => {
    const call = (i: number) => ({ type: 'tool_calls' as const, calls: [{ id: `c${i}`, name: 'everything__get-sum', arguments: { a: i, b: 1 } }] });
    fx.fake.script(OPENAI_MODEL, [call(1), call(2), call(3), { type: 'text', text: 'never reached' }]);
    const { router } = await build();
    const { source, calls } = countingSource();
    const out = await runToolLoop({ router, messages: question, tools: source, approve: async () => true, maxRounds: 2 });
    assert.equal(out.stopReason, 'max_rounds');
    assert.equal(out.results.length, 3);
    assert.equal(calls.length, 2);
    const last = out.messages.at(-1) as Extract<ChatMessage, { role: 'tool' }>;
    assert.equal(last.toolCallId, 'c3');
    assert.match(last.content, /limit of 2 tool rounds/);
  });

  it('does not count the approval wait against the per-call timeout', async () => {
    fx.fake.script(OPENAI_MODEL, [
      { type: 'tool_calls', calls: [{ id: 'slow', name: 'flaky__ok', arguments: { text: 'after a slow approval' } }] },
      { type: 'text', text: 'done' },
    ]);
    const { router } = await build();
    hub.setCallTimeout(250);
    try {
      const events: ToolLoopEvent[] = [];
      await runToolLoop({
        router, messages: question, tools: hubToolSource(hub),
        approve: () => new Promise((r) => setTimeout(() => r(true), 700)),
        onEvent: (e) => events.push(e),
      });
      const result = events.find((e) => e.type === 'tool_call_result');
      assert.ok(result && result.type === 'tool_call_result');
      assert.equal(result.isError, false, result.content);
      assert.match(result.content, /after a slow approval/);
    } finally {
      hub.setCallTimeout(60_000);
    }
  });

  it("CLI approval: tools not named by --approve are refused, named ones run", async () => {
    fx.fake.script(OPENAI_MODEL, [
      { type: 'tool_calls', calls: [{ id: 'a', name: 'everything__echo', arguments: { message: 'x' } }, { id: 'b', name: 'everything__get-sum', arguments: { a: 1, b: 2 } }] },
      { type: 'text', text: 'ok' },
    ]);
    const { router } = await build();
    const { source, calls } = countingSource();
    const out = await runToolLoop({ router, messages: question, tools: source, approve: createListApprover(['everything/get-sum']) });
    assert.deepEqual(calls, ['everything__get-sum']);
    const echo = out.messages.find((m) => m.role === 'tool' && m.toolCallId === 'a') as Extract<ChatMessage, { role: 'tool' }>;
    assert.match(echo.content, /--approve everything\/echo/);
  });

  it('as the chat TurnRunner: streams every round, reports tool-call states, sums usage', async () => {
    fx.fake.script(OPENAI_MODEL, [
      { type: 'tool_calls', text: 'Checking.', calls: [{ id: 'call_9', name: 'everything__get-sum', arguments: { a: 1, b: 1 } }], usage: { inputTokens: 100, outputTokens: 10 } },
      { type: 'text', text: 'It is 2.', usage: { inputTokens: 200, outputTokens: 4 } },
    ]);
    const { router, tracer } = await build();
    const runner = toolLoopTurnRunner({ router: () => router, tools: () => hubToolSource(hub), approve: async () => true, maxRounds: () => 8, tracer: () => tracer });
    const views: ToolCallView[] = [];
    const stream = runner({ messages: question, signal: new AbortController().signal, attributes: {}, onToolCall: (v) => views.push({ ...v }) });
    const events: RouterEvent[] = [];
    for await (const e of stream) events.push(e);
    const result = await stream.result;
    const text = events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('');
    assert.equal(text, 'Checking.\n\nIt is 2.');
    assert.deepEqual(views.map((v) => v.status), ['requested', 'running', 'done']);
    assert.equal(views[0].server, 'everything');
    assert.equal(result.status, 'ok');
    assert.equal(result.usage.inputTokens, 300);
    assert.equal(result.usage.outputTokens, 14);
    assert.equal(result.attempts.length, 2);
    assert.equal(result.model, 'mini');
    // The tool calls the user saw, in their last state; one trace for the whole turn.
    assert.deepEqual(result.toolCalls.map((v) => [v.id, v.status]), [['call_9', 'done']]);
    assert.equal(result.traceIds.length, 1);
  });
});

describe('switchyard ask --tools helper (openCliTools)', function () {
  this.timeout(30_000);
  const fx = useWireFixture('asktools');

  it('runs only --approve tools, refuses the others, and streams the answer', async () => {
    const dir = fx.testDir;
    const configPath = join(dir, 'switchyard.json');
    writeFileSync(configPath, JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [everythingBin, 'stdio'] } } }));
    const core = await fx.core({ providers: { oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl } }, models: { mini: { provider: 'oa', id: OPENAI_MODEL } }, routes: { chat: ['mini'] } }, { dataDir: join(dir, 'data') });
    const router = core.router;
    fx.fake.script(OPENAI_MODEL, [
      { type: 'tool_calls', calls: [{ id: 'x1', name: 'everything__get-sum', arguments: { a: 3, b: 4 } }, { id: 'x2', name: 'everything__echo', arguments: { message: 'm' } }] },
      { type: 'text', text: 'Seven.' },
    ]);
    let stderr = '';
    const io = {
      stdout: new Writable({ write: (_c, _e, cb) => cb() }),
      stderr: new Writable({ write: (c, _e, cb) => ((stderr += String(c)), cb()) }),
      stdin: new PassThrough(),
      env: { PATH: process.env.PATH },
      cwd: dir,
    };
    const tools = fx.track(await openCliTools({ router, io, approve: ['everything/get-sum'], configPath }));
    const stream = tools.stream({ messages: [{ role: 'user', content: '3 + 4?' }] });
    let text = '';
    for await (const e of stream) if (e.type === 'text') text += e.text;
    const result = await stream.result;
    assert.equal(result.status, 'ok');
    assert.equal(text, 'Seven.');
    assert.match(stderr, /running tool everything__get-sum/);
    assert.match(stderr, /tool everything__echo not run: not approved: run again with --approve everything\/echo/);
    const second = fx.fake.requests.filter((r) => r.endpoint === 'chat')[1];
    const toolMsgs = second.body.messages.filter((m: { role: string }) => m.role === 'tool');
    assert.equal(toolMsgs.length, 2);
    assert.match(toolMsgs.find((m: { tool_call_id: string }) => m.tool_call_id === 'x1').content, /7/);
  });
});
