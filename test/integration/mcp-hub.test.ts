/** The MCP hub against real servers from the npm registry and real failing processes. */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseMcpConfigText } from '../../src/core/mcp/config';
import { mcpPromptCommands, mcpResourceResolver, promptToMessages } from '../../src/core/mcp/context';
import { McpCallError, McpHub, type McpHubOptions } from '../../src/core/mcp/hub';
import { TOOL_NAME_PATTERN } from '../../src/core/mcp/toolNames';
import { silentLogger } from '../../src/core/logger';
import { everythingBin, filesystemBin, fixture, nodeSpec, startEverythingHttp, stdioSpec, waitFor } from '../fixtures/mcp/testUtils';

const hubOptions = (extra: Partial<McpHubOptions> = {}): McpHubOptions => ({
  logger: silentLogger,
  loginShellPath: async () => undefined,
  reconnect: { baseMs: 50, maxMs: 200, maxAttempts: 3, stableMs: 60_000 },
  ...extra,
});

const textOf = (r: { content: Array<{ type: string; text?: string }> }) => r.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');

describe('MCP hub: server-everything over stdio', function () {
  this.timeout(30_000);
  let hub: McpHub;

  before(async () => {
    hub = new McpHub(hubOptions());
    await hub.update([nodeSpec('everything', everythingBin, ['stdio'])]);
  });
  after(() => hub.dispose());

  it('connects and lists tools, resources, resource templates and prompts', () => {
    const s = hub.server('everything')!;
    assert.equal(s.state, 'connected', s.lastError);
    assert.equal(s.connectedVia, 'stdio');
    const tools = s.tools.map((t) => t.name);
    for (const t of ['echo', 'get-sum', 'trigger-long-running-operation']) assert.ok(tools.includes(t), `missing tool ${t} in ${tools}`);
    assert.ok(s.resources.length > 0, 'resources listed');
    assert.ok(s.resourceTemplates.length > 0, 'resource templates listed');
    assert.ok(s.prompts.some((p) => p.name === 'simple-prompt'), `prompts: ${s.prompts.map((p) => p.name)}`);
  });

  it('maps tools to namespaced names valid for OpenAI and Anthropic', () => {
    const defs = hub.toolDefinitions();
    assert.ok(defs.length >= 5);
    for (const d of defs) assert.match(d.name, TOOL_NAME_PATTERN);
    const echo = hub.resolveTool('everything__echo');
    assert.deepEqual([echo?.server, echo?.tool], ['everything', 'echo']);
    assert.equal((echo?.inputSchema as { type?: string }).type, 'object');
  });

  it('calls a tool, reads a resource and gets a prompt', async () => {
    const r = await hub.callTool('everything', 'get-sum', { a: 2, b: 40 });
    assert.equal(r.isError, false);
    assert.match(textOf(r), /42/);
    const res = hub.server('everything')!.resources[0];
    const read = await hub.readResource('everything', res.uri);
    assert.equal(read.contents[0].uri, res.uri);
    const prompt = await hub.getPrompt('everything', 'simple-prompt');
    assert.ok(prompt.messages.length > 0);
  });

  it('resolves a resource chip to untrusted prompt context, and prompts to slash commands and messages', async () => {
    const res = hub.server('everything')!.resources.find((r) => (r.mimeType ?? '').startsWith('text/'))!;
    assert.ok(res, 'a text resource');
    const [ctx] = await mcpResourceResolver(() => hub)(
      { kind: 'mcp-resource', id: 'c1', server: 'everything', uri: res.uri, name: res.name },
      'q',
      new AbortController().signal,
    );
    assert.equal(ctx.kind, 'mcp-resource');
    assert.equal(ctx.title, `everything/${res.name}`);
    assert.match(ctx.content, /^\(Untrusted content from an MCP server/);
    assert.ok(ctx.content.length > 80);
    const cmds = mcpPromptCommands(hub);
    const args = cmds.find((c) => c.command === '/everything.args-prompt')!;
    assert.deepEqual(args.arguments.map((a) => [a.name, a.required]), [['city', true], ['state', false]]);
    const msgs = promptToMessages(await hub.getPrompt('everything', 'args-prompt', { city: 'Lisbon' }));
    assert.equal(msgs[0].role, 'user');
    assert.match(msgs[0].content, /Lisbon/);
  });

  it('names the available tools when asked for an unknown one', async () => {
    await assert.rejects(hub.callTool('everything', 'nope', {}), (e: unknown) => e instanceof McpCallError && e.kind === 'unknown_tool' && /get-sum/.test(e.message));
  });

  it('refreshes its resource list on a resources/list_changed notification', async () => {
    const before = hub.server('everything')!.resources.length;
    // The tool registers a new session resource, which makes the server send list_changed.
    await hub.callTool('everything', 'gzip-file-as-resource', { name: 'hello.txt.gz', data: 'data:text/plain;base64,aGVsbG8gd29ybGQ=', outputType: 'resourceLink' });
    await waitFor(hub, () => hub.server('everything')!.resources.some((r) => r.name === 'hello.txt.gz'), 'the new resource');
    assert.equal(hub.server('everything')!.resources.length, before + 1);
  });
});

describe('MCP hub: HTTP transports (server-everything)', function () {
  this.timeout(30_000);
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.kill()));

  it('connects over Streamable HTTP and calls a tool', async () => {
    const { url, child } = await startEverythingHttp('streamableHttp');
    children.push(child);
    const hub = new McpHub(hubOptions());
    try {
      await hub.update([{ name: 'web', source: { kind: 'settings' }, transport: { type: 'http', url, headers: {} }, disabled: false, disabledTools: [] }]);
      const s = hub.server('web')!;
      assert.equal(s.state, 'connected', s.lastError);
      assert.equal(s.connectedVia, 'http');
      assert.match(textOf(await hub.callTool('web', 'echo', { message: 'over http' })), /over http/);
    } finally {
      await hub.dispose();
    }
  });

  it('notices an HTTP server that went away (health check) and reconnects when it is back', async () => {
    const first = await startEverythingHttp('streamableHttp');
    children.push(first.child);
    const hub = new McpHub(hubOptions({ healthCheckMs: 150, reconnect: { baseMs: 100, maxMs: 300, maxAttempts: 50, stableMs: 60_000 } }));
    try {
      await hub.update([{ name: 'web', source: { kind: 'settings' }, transport: { type: 'http', url: first.url, headers: {} }, disabled: false, disabledTools: [] }]);
      assert.equal(hub.server('web')!.state, 'connected', hub.server('web')!.lastError);
      const exited = new Promise((r) => first.child.once('exit', r));
      first.child.kill();
      await exited;
      await waitFor(hub, () => hub.server('web')!.state === 'reconnecting', 'the lost connection to be noticed');
      const second = await startEverythingHttp('streamableHttp', first.port);
      children.push(second.child);
      await waitFor(hub, () => hub.server('web')!.state === 'connected', 'the reconnect');
      assert.match(textOf(await hub.callTool('web', 'echo', { message: 'back again' })), /back again/);
    } finally {
      await hub.dispose();
    }
  });

  it('falls back to SSE when an "http" server only speaks the old SSE transport', async () => {
    const { url, child } = await startEverythingHttp('sse');
    children.push(child);
    const hub = new McpHub(hubOptions());
    try {
      await hub.update([{ name: 'old', source: { kind: 'settings' }, transport: { type: 'http', url, headers: {} }, disabled: false, disabledTools: [] }]);
      const s = hub.server('old')!;
      assert.equal(s.state, 'connected', s.lastError);
      assert.equal(s.connectedVia, 'sse');
      assert.match(textOf(await hub.callTool('old', 'echo', { message: 'over sse' })), /over sse/);
    } finally {
      await hub.dispose();
    }
  });
});

describe('MCP hub: server-filesystem over stdio', function () {
  this.timeout(30_000);
  let dir: string;
  let hub: McpHub;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sy-mcp-fs-'));
    await writeFile(path.join(dir, 'notes.txt'), 'the quick brown fox');
    hub = new McpHub(hubOptions());
    await hub.update([nodeSpec('fs', filesystemBin, [dir])]);
  });
  after(async () => {
    await hub.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file in the allowed folder and refuses one outside it', async () => {
    assert.equal(hub.server('fs')!.state, 'connected', hub.server('fs')!.lastError);
    const ok = await hub.callTool('fs', 'read_text_file', { path: path.join(dir, 'notes.txt') });
    assert.equal(ok.isError, false);
    assert.match(textOf(ok), /quick brown fox/);
    const outside = await hub.callTool('fs', 'read_text_file', { path: '/etc/hostname' });
    assert.equal(outside.isError, true);
  });
});

describe('MCP hub: failures', function () {
  this.timeout(30_000);

  it('reports a crash mid-call as a disconnect, then reconnects with a new process', async () => {
    const hub = new McpHub(hubOptions());
    try {
      await hub.update([nodeSpec('flaky', fixture('flaky-server.mjs'))]);
      const pid = hub.server('flaky')!.pid;
      assert.ok(pid);
      await assert.rejects(hub.callTool('flaky', 'crash', {}), (e: unknown) => e instanceof McpCallError && e.kind === 'disconnected' && /flaky/.test(e.message));
      await waitFor(hub, () => hub.server('flaky')!.state === 'connected' && hub.server('flaky')!.pid !== pid, 'the reconnect');
      assert.match(textOf(await hub.callTool('flaky', 'ok', { text: 'again' })), /ok: again/);
    } finally {
      await hub.dispose();
    }
  });

  it('times out a call to a hanging tool and keeps the connection usable', async () => {
    const hub = new McpHub(hubOptions({ callTimeoutMs: 300 }));
    try {
      await hub.update([nodeSpec('flaky', fixture('flaky-server.mjs'))]);
      await assert.rejects(hub.callTool('flaky', 'hang', {}), (e: unknown) => e instanceof McpCallError && e.kind === 'timeout' && /callTimeoutMs/.test(e.message));
      assert.equal(hub.server('flaky')!.state, 'connected');
      assert.match(textOf(await hub.callTool('flaky', 'ok', { text: 'still here' })), /still here/);
    } finally {
      await hub.dispose();
    }
  });

  it('cancels a running call when its signal aborts', async () => {
    const hub = new McpHub(hubOptions());
    try {
      await hub.update([nodeSpec('flaky', fixture('flaky-server.mjs'))]);
      const ac = new AbortController();
      const call = hub.callTool('flaky', 'hang', {}, { signal: ac.signal });
      setTimeout(() => ac.abort(), 100);
      await assert.rejects(call, (e: unknown) => e instanceof McpCallError && e.kind === 'aborted');
      assert.equal(hub.server('flaky')!.state, 'connected');
    } finally {
      await hub.dispose();
    }
  });

  it('gives up on a server that never completes the handshake, with the reason', async () => {
    const hub = new McpHub(hubOptions({ connectTimeoutMs: 400, reconnect: { baseMs: 10, maxMs: 20, maxAttempts: 1, stableMs: 1000 } }));
    try {
      await hub.update([nodeSpec('silent', fixture('silent-server.mjs'))]);
      await waitFor(hub, () => hub.server('silent')!.state === 'error', 'the error state');
      assert.match(hub.server('silent')!.lastError ?? '', /handshake/);
    } finally {
      await hub.dispose();
    }
  });

  it('reports a command that does not exist without retrying, and still starts the other servers', async () => {
    const stderr: string[] = [];
    const hub = new McpHub(hubOptions({ onStderr: (s, l) => stderr.push(`${s}: ${l}`) }));
    try {
      await hub.update([stdioSpec('ghost', 'switchyard-no-such-command-xyz', []), nodeSpec('flaky', fixture('flaky-server.mjs'))]);
      const ghost = hub.server('ghost')!;
      assert.equal(ghost.state, 'error');
      assert.match(ghost.lastError ?? '', /"switchyard-no-such-command-xyz" was not found/);
      assert.equal(ghost.attempts, 0, 'no reconnect loop for a missing command');
      assert.equal(hub.server('flaky')!.state, 'connected');
      assert.ok(stderr.some((l) => l.startsWith('flaky: flaky: started')), `stderr captured: ${stderr}`);
    } finally {
      await hub.dispose();
    }
  });

  it('skips and reports malformed config entries while the valid one starts', async () => {
    const text = `{
      // VS Code's format, comments allowed
      "servers": {
        "good": { "type": "stdio", "command": ${JSON.stringify(process.execPath)}, "args": [${JSON.stringify(fixture('flaky-server.mjs'))}] },
        "noCommand": { "type": "stdio", "args": ["x"] },
        "badType": { "type": "websocket", "url": "ws://x" },
        "badUrl": { "type": "http", "url": "not a url" },
        "badArgs": { "command": "x", "args": "not-an-array" },
      }
    }`;
    const load = parseMcpConfigText(text, { kind: 'workspace', path: '.vscode/mcp.json' });
    assert.deepEqual(load.servers.map((s) => s.name), ['good']);
    assert.deepEqual(load.issues.map((i) => i.server), ['noCommand', 'badType', 'badUrl', 'badArgs']);
    assert.match(load.issues[0].message, /needs "command"/);
    assert.match(load.issues[1].message, /unknown type "websocket"/);
    const hub = new McpHub(hubOptions());
    try {
      await hub.update(load.servers);
      assert.equal(hub.server('good')!.state, 'connected');
    } finally {
      await hub.dispose();
    }
  });
});

describe('MCP hub: config changes and PATH', function () {
  this.timeout(30_000);

  it('restarts only the server whose connection fields changed', async () => {
    const hub = new McpHub(hubOptions());
    try {
      const a = nodeSpec('a', fixture('flaky-server.mjs'));
      const b = nodeSpec('b', fixture('flaky-server.mjs'));
      await hub.update([a, b]);
      const [pidA, pidB] = [hub.server('a')!.pid, hub.server('b')!.pid];
      // b: only a non-connection field changes; a: its env changes.
      await hub.update([
        { ...a, transport: { ...a.transport, env: { FLAKY_MODE: '2' } } as typeof a.transport },
        { ...b, disabledTools: ['hang'] },
      ]);
      assert.equal(hub.server('b')!.pid, pidB, 'b kept its process');
      assert.notEqual(hub.server('a')!.pid, pidA, 'a was restarted');
      assert.equal(hub.server('a')!.state, 'connected');
      assert.ok(!hub.tools().some((t) => t.server === 'b' && t.tool === 'hang'), 'disabled tool hidden');
      assert.ok(hub.tools().some((t) => t.server === 'a' && t.tool === 'hang'));
      await hub.update([{ ...b, disabledTools: ['hang'] }]);
      assert.equal(hub.server('a'), undefined, 'removed server stopped');
    } finally {
      await hub.dispose();
    }
  });

  it('finds a command through the login-shell PATH', async () => {
    const bin = await mkdtemp(path.join(tmpdir(), 'sy-mcp-bin-'));
    try {
      const script = path.join(bin, 'my-flaky-mcp');
      await writeFile(script, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(fixture('flaky-server.mjs'))}\n`);
      await chmod(script, 0o755);
      const hub = new McpHub(hubOptions({ loginShellPath: async () => bin, env: { ...process.env, PATH: '/usr/bin:/bin' } }));
      try {
        await hub.update([stdioSpec('viaPath', 'my-flaky-mcp', [])]);
        assert.equal(hub.server('viaPath')!.state, 'connected', hub.server('viaPath')!.lastError);
      } finally {
        await hub.dispose();
      }
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
