/**
 * `switchyard ask --tools`: the real server-everything over stdio, the fake model server asking for
 * its get-sum tool in OpenAI format. With --approve the tool runs and its result reaches the model;
 * without it the call is refused (and the model is told), never run silently.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { main } from '../../src/cli/main';
import type { CliIO } from '../../src/cli/types';
import { everythingBin } from '../fixtures/mcp/testUtils';
import { useWireFixture } from '../support/wireFixture';

function captureIO(cwd: string, env: NodeJS.ProcessEnv): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => new Writable({ write(chunk, _enc, cb) { append(String(chunk)); cb(); } });
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), stdin: new PassThrough(), env, cwd }, out: () => out, err: () => err };
}

describe('switchyard ask --tools (real MCP server, fake model)', function () {
  this.timeout(60_000);
  const fx = useWireFixture('ask-tools');
  let dir: string;
  let configPath: string;

  before(async () => {
    dir = fx.suiteDir;
    configPath = path.join(dir, 'switchyard.json');
    await writeFile(configPath, JSON.stringify({
      providers: { local: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl } },
      models: { coder: { provider: 'local', id: 'tool-model' } },
      routes: { chat: ['coder'] },
      mcpServers: { everything: { command: process.execPath, args: [everythingBin, 'stdio'] } },
      mcp: { callTimeoutMs: 10_000 },
    }));
  });
  beforeEach(() => {
    fx.fake.script('tool-model', [
      { type: 'tool_calls', calls: [{ id: 'call_1', name: 'everything__get-sum', arguments: { a: 20, b: 22 } }] },
      (req) => {
        const messages = (req.body as { messages: Array<{ role: string; content: unknown }> }).messages;
        const toolMessage = messages.find((m) => m.role === 'tool');
        return { type: 'text', text: `tool said: ${String(toolMessage?.content ?? 'nothing')}` };
      },
    ]);
  });

  const env = () => ({ PATH: process.env.PATH, HOME: process.env.HOME, SWITCHYARD_DATA_DIR: path.join(dir, 'data') });

  it('runs an approved tool and feeds its result back to the model', async () => {
    const c = captureIO(dir, env());
    const code = await main(['ask', '--config', configPath, '--tools', '--approve', 'everything/get-sum', 'What is 20 + 22?'], c.io);
    assert.equal(code, 0, c.err());
    assert.match(c.out(), /tool said: .*42/s);
    assert.match(c.err(), /running tool everything__get-sum/);
    assert.equal(fx.fake.count({ model: 'tool-model' }), 2);
  });

  it('refuses the tool call without --approve and tells the model why', async () => {
    const c = captureIO(dir, env());
    const code = await main(['ask', '--config', configPath, '--tools', 'What is 20 + 22?'], c.io);
    assert.equal(code, 0, c.err());
    assert.match(c.err(), /tool everything__get-sum not run/);
    assert.doesNotMatch(c.out(), /42/);
    assert.match(c.out(), /tool said: .*(approve|not run|refused|denied)/is);
  });

  it('says it stopped at the tool-round limit and exits 1, instead of empty text with exit 0', async () => {
    const limited = path.join(dir, 'limited.json');
    await writeFile(limited, JSON.stringify({
      providers: { local: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl } },
      models: { coder: { provider: 'local', id: 'loop-model' } },
      routes: { chat: ['coder'] },
      mcpServers: { everything: { command: process.execPath, args: [everythingBin, 'stdio'] } },
      mcp: { callTimeoutMs: 10_000, maxToolRounds: 1 },
    }));
    fx.fake.setDefault('loop-model', { type: 'tool_calls', calls: [{ name: 'everything__get-sum', arguments: { a: 1, b: 2 } }] });
    const c = captureIO(dir, env());
    const code = await main(['ask', '--config', limited, '--tools', '--approve', 'everything/get-sum', '--json', 'Add forever'], c.io);
    assert.equal(code, 1, c.err());
    assert.match(c.err(), /stopped after 1 rounds of tool calls \(mcp\.maxToolRounds\).*incomplete/);
    assert.match(JSON.parse(c.out()).stoppedEarly, /stopped after 1 rounds/);
  });

  it('rejects --approve without --tools as bad usage', async () => {
    const c = captureIO(dir, env());
    const code = await main(['ask', '--config', configPath, '--approve', 'x/y', 'hi'], c.io);
    assert.equal(code, 2);
    assert.match(c.err(), /only apply with --tools/);
  });
});
