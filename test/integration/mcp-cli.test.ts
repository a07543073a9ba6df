/** `switchyard mcp list | call` against real servers, with a config file holding a bad entry. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { command } from '../../src/cli/commands/mcp';
import type { CliIO } from '../../src/cli/types';
import { everythingBin, fixture } from '../fixtures/mcp/testUtils';

function captureIO(cwd: string, env: NodeJS.ProcessEnv = {}): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => new Writable({ write(chunk, _enc, cb) { append(String(chunk)); cb(); } });
  return {
    io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), stdin: new PassThrough(), env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, cwd },
    out: () => out,
    err: () => err,
  };
}

const noCore = async () => {
  throw new Error('mcp commands must not need the model core');
};

describe('switchyard mcp (CLI)', function () {
  this.timeout(30_000);
  let dir: string;
  let configPath: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sy-mcp-cli-'));
    configPath = path.join(dir, 'switchyard.json');
    await writeFile(configPath, JSON.stringify({
      mcpServers: {
        everything: { command: process.execPath, args: [everythingBin, 'stdio'] },
        broken: { type: 'stdio' },
        ghost: { command: 'switchyard-missing-binary-xyz' },
      },
      mcp: { callTimeoutMs: 5000 },
    }));
    await mkdir(path.join(dir, '.vscode'));
    await writeFile(path.join(dir, '.vscode', 'mcp.json'), JSON.stringify({ servers: { flaky: { command: process.execPath, args: [fixture('flaky-server.mjs')] } } }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('mcp list: shows servers, state and tools; reports the bad entry and the missing command', async () => {
    const c = captureIO(dir);
    const code = await command.run(['list', '--config', configPath], c.io, noCore);
    assert.equal(code, 1, 'a failed server makes the exit code 1');
    assert.match(c.out(), /everything\s+stdio\s+connected/);
    assert.match(c.out(), /ghost\s+stdio\s+error/);
    assert.match(c.out(), /^ {2}get-sum/m);
    assert.match(c.out(), /"switchyard-missing-binary-xyz" was not found/);
    assert.match(c.err(), /skipped: server "broken": command: a stdio server needs "command"/);
    assert.match(c.err(), /not started: flaky from \.\/\.vscode\/mcp\.json \(pass --workspace-servers/);
    assert.doesNotMatch(c.out(), /^flaky/m);
  });

  it('mcp list --workspace-servers --json: includes ./.vscode/mcp.json servers with model-facing tool names', async () => {
    const c = captureIO(dir);
    await command.run(['list', '--config', configPath, '--workspace-servers', '--json'], c.io, noCore);
    const out = JSON.parse(c.out()) as { servers: Array<{ name: string; state: string; tools: Array<{ name: string; modelName: string }> }> };
    const flaky = out.servers.find((s) => s.name === 'flaky')!;
    assert.equal(flaky.state, 'connected');
    assert.deepEqual(flaky.tools.map((t) => t.modelName).sort(), ['flaky__crash', 'flaky__hang', 'flaky__ok']);
  });

  it('mcp call: runs a tool and prints its text', async () => {
    const c = captureIO(dir);
    const code = await command.run(['call', 'everything', 'get-sum', '{"a": 20, "b": 22}', '--config', configPath], c.io, noCore);
    assert.equal(code, 0, c.err());
    assert.match(c.out(), /42/);
  });

  it('mcp call: checks arguments against the schema before calling', async () => {
    const c = captureIO(dir);
    const code = await command.run(['call', 'everything', 'get-sum', '{"a": "x"}', '--config', configPath], c.io, noCore);
    assert.equal(code, 2);
    assert.match(c.err(), /a: must be number/);
    assert.match(c.err(), /b: is required/);
  });

  it('mcp call: a hanging tool ends with the timeout error', async () => {
    const c = captureIO(dir);
    const code = await command.run(['call', 'flaky', 'hang', '{}', '--workspace-servers', '--timeout', '300', '--config', configPath], c.io, noCore);
    assert.equal(code, 1);
    assert.match(c.err(), /did not answer tool "hang" within 300 ms/);
  });

  it('mcp call: unknown server and bad JSON are usage errors', async () => {
    const c = captureIO(dir);
    assert.equal(await command.run(['call', 'nope', 'x', '{}', '--config', configPath], c.io, noCore), 2);
    assert.match(c.err(), /no MCP server named "nope"/);
    await assert.rejects(command.run(['call', 'everything', 'echo', '{oops', '--config', configPath], c.io, noCore), /not valid JSON/);
  });
});
