/** MCP configuration dialects, variables and envFile, the server environment, and the approval policy. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApprovalPolicy, type ApprovalChoice, type ToolApprovalRequest } from '../../src/core/mcp/approval';
import { connectionKey, parseMcpConfigText, parseServerMap, resolveTransport, type McpServerSpec } from '../../src/core/mcp/config';
import { McpHub } from '../../src/core/mcp/hub';
import { TOOL_NAME_PATTERN, assignToolNames, toolNameFor } from '../../src/core/mcp/toolNames';
import { createArgumentValidator } from '../../src/core/mcp/validate';
import { silentLogger } from '../../src/core/logger';
import { everythingBin, nodeSpec } from '../fixtures/mcp/testUtils';

describe('MCP config', () => {
  it("reads VS Code's mcp.json: stdio and http entries, type inferred, inputs", () => {
    const load = parseMcpConfigText(
      JSON.stringify({
        inputs: [{ type: 'promptString', id: 'api-key', description: 'Key', password: true }],
        servers: {
          local: { command: 'node', args: ['server.js', 3], env: { TOKEN: '${input:api-key}' }, envFile: '${workspaceFolder}/.env' },
          remote: { type: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer ${input:api-key}' } },
          inferred: { url: 'http://127.0.0.1:9/mcp' },
        },
      }),
      { kind: 'workspace', path: '/w/.vscode/mcp.json' },
    );
    assert.deepEqual(load.issues, []);
    assert.deepEqual(load.inputs.map((i) => [i.id, i.password]), [['api-key', true]]);
    const [local, remote, inferred] = load.servers;
    assert.deepEqual(local.transport, { type: 'stdio', command: 'node', args: ['server.js', '3'], env: { TOKEN: '${input:api-key}' }, envFile: '${workspaceFolder}/.env', cwd: undefined });
    assert.equal(remote.transport.type, 'http');
    assert.equal(inferred.transport.type, 'http');
  });

  it("reads other clients' mcpServers format with its type aliases and enabled flag", () => {
    const { servers, issues } = parseServerMap(
      {
        a: { command: 'uvx', args: ['mcp-server-git'] },
        b: { type: 'streamable-http', url: 'https://x.dev/mcp' },
        c: { serverUrl: 'https://y.dev/sse', transport: 'sse' },
        d: { command: 'x', enabled: false },
      },
      { kind: 'file', path: 'claude.json' },
    );
    assert.deepEqual(issues, []);
    assert.deepEqual(servers.map((s) => [s.name, s.transport.type, s.disabled]), [['a', 'stdio', false], ['b', 'http', false], ['c', 'sse', false], ['d', 'stdio', true]]);
  });

  it('reports a syntax error with the file and keeps going', () => {
    const load = parseMcpConfigText('{ "servers": { "a": ', { kind: 'workspace', path: 'mcp.json' });
    assert.equal(load.servers.length, 0);
    assert.match(load.issues[0].message, /mcp\.json: JSON syntax error/);
  });

  it('resolves ${input:}, ${env:}, ${workspaceFolder} and merges envFile under env', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sy-mcp-cfg-'));
    try {
      await writeFile(path.join(dir, '.env'), 'FROM_FILE=1\nTOKEN=file-loses\n# comment\nQUOTED="a b"\n');
      const [spec] = parseMcpConfigText(
        JSON.stringify({
          inputs: [{ id: 'tok', type: 'promptString' }],
          servers: { s: { command: '${env:MY_BIN}', args: ['--root', '${workspaceFolder}'], env: { TOKEN: '${input:tok}' }, envFile: '${workspaceFolder}/.env' } },
        }),
        { kind: 'workspace' },
      ).servers;
      const asked: string[] = [];
      const t = await resolveTransport(spec, {
        workspaceFolder: dir,
        env: { MY_BIN: '/opt/bin/srv' },
        inputs: [{ id: 'tok', type: 'promptString' }],
        resolveInput: async (i) => (asked.push(i.id), 'secret-value'),
      });
      assert.equal(t.type, 'stdio');
      if (t.type !== 'stdio') return;
      assert.equal(t.command, '/opt/bin/srv');
      assert.deepEqual(t.args, ['--root', dir]);
      assert.deepEqual(t.env, { FROM_FILE: '1', TOKEN: 'secret-value', QUOTED: 'a b' });
      assert.deepEqual(asked, ['tok']);
      await assert.rejects(resolveTransport({ ...spec, transport: { ...spec.transport, envFile: '/nope/.env' } as McpServerSpec['transport'] }, { env: {}, inputs: [{ id: 'tok', type: 'promptString' }], resolveInput: async () => 'x' }), /envFile "\/nope\/\.env" cannot be read/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('connection key changes with connection fields only', () => {
    const base = nodeSpec('a', 'x.js');
    assert.equal(connectionKey(base), connectionKey({ ...base, disabledTools: ['t'], source: { kind: 'workspace' } }));
    assert.notEqual(connectionKey(base), connectionKey({ ...base, transport: { ...base.transport, args: ['y.js'] } as McpServerSpec['transport'] }));
  });
});

describe('MCP server environment (server-everything get-env)', function () {
  this.timeout(20_000);
  it('passes env and envFile, and none of our secrets', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sy-mcp-env-'));
    await writeFile(path.join(dir, 'srv.env'), 'FROM_ENV_FILE=yes\n');
    const hub = new McpHub({
      logger: silentLogger,
      loginShellPath: async () => '/login/shell/bin',
      env: { ...process.env, OPENAI_API_KEY: 'sk-must-not-leak' },
      variables: { env: { SY_VALUE: 'from-variable' } },
    });
    try {
      const spec = nodeSpec('everything', everythingBin, ['stdio']);
      spec.transport = { ...spec.transport, env: { SY_SET: '${env:SY_VALUE}' }, envFile: path.join(dir, 'srv.env') } as McpServerSpec['transport'];
      await hub.update([spec]);
      const r = await hub.callTool('everything', 'get-env', {});
      const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      const env = JSON.parse(text) as Record<string, string>;
      assert.equal(env.SY_SET, 'from-variable');
      assert.equal(env.FROM_ENV_FILE, 'yes');
      assert.equal(env.OPENAI_API_KEY, undefined);
    } finally {
      await hub.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('MCP tool names and argument validation', () => {
  it('namespaces, sanitises, shortens and de-duplicates names within the providers\' rule', () => {
    assert.equal(toolNameFor('github', 'create_issue'), 'github__create_issue');
    const odd = toolNameFor('my.server', 'tool/with spaces');
    assert.match(odd, TOOL_NAME_PATTERN);
    const long = toolNameFor('s'.repeat(40), 't'.repeat(40));
    assert.match(long, TOOL_NAME_PATTERN);
    assert.notEqual(toolNameFor('a.b', 'x'), toolNameFor('a_b', 'x'));
    const names = [...assignToolNames([{ server: 'a', tool: 'x' }, { server: 'a', tool: 'x' }]).keys()];
    assert.equal(new Set(names).size, 2);
  });

  it('validates draft-07 and 2020-12 schemas and explains failures', () => {
    const v = createArgumentValidator();
    const schema = { type: 'object', properties: { n: { type: 'number' }, when: { type: 'string', format: 'date' } }, required: ['n'], additionalProperties: false };
    assert.deepEqual(v.validate(schema, { n: 1 }), { ok: true });
    const bad = v.validate(schema, { when: 'yesterday', extra: 1 });
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.ok(bad.errors.includes('n: is required'), bad.errors.join(' | '));
      assert.ok(bad.errors.some((e) => /unknown property "extra"/.test(e)));
      assert.ok(bad.errors.some((e) => /when: must match format "date"/.test(e)));
    }
    const s2020 = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', $defs: { s: { type: 'string' } }, properties: { a: { $ref: '#/$defs/s' } }, required: ['a'] };
    assert.equal(v.validate(s2020, {}).ok, false);
    assert.equal(v.validate(s2020, { a: 1 }).ok, false);
    assert.equal(v.validate(s2020, { a: 'x' }).ok, true);
    // A schema that cannot be compiled does not block the tool (the server still validates).
    assert.equal(v.validate({ type: 'object', required: 'not-an-array' }, {}).ok, true);
  });
});

describe('MCP approval policy', () => {
  const req = (tool: string): ToolApprovalRequest => ({ toolName: `srv__${tool}`, server: 'srv', tool, arguments: {} });

  it('asks once per call, remembers session and always answers, and honours the always-list', async () => {
    const answers: (ApprovalChoice | undefined)[] = ['once', 'session', 'always', 'deny', undefined];
    const prompts: string[] = [];
    const persisted: string[] = [];
    const always = ['other/*'];
    const policy = createApprovalPolicy({
      alwaysAllow: () => always,
      prompt: async (r) => (prompts.push(r.tool), answers.shift()),
      persistAlways: async (e) => void persisted.push(e),
    });
    assert.deepEqual(await policy.approve(req('a')), { allowed: true, scope: 'once' });
    assert.equal((await policy.approve(req('a'))).allowed, true); // asked again: "once" is not remembered
    assert.deepEqual(await policy.approve(req('a')), { allowed: true, scope: 'session' });
    assert.equal((await policy.approve(req('b'))).allowed, true); // always
    assert.deepEqual(persisted, ['srv/b']);
    assert.equal((await policy.approve(req('c'))).allowed, false); // deny
    assert.equal((await policy.approve(req('d'))).allowed, false); // dismissed = deny
    assert.deepEqual(prompts, ['a', 'a', 'b', 'c', 'd']);
    assert.deepEqual(await policy.approve({ ...req('z'), server: 'other' }), { allowed: true, scope: 'preapproved' });
    policy.resetSession();
    assert.equal(policy.sessionAllowed().length, 0);
  });
});
