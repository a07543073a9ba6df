/**
 * `switchyard init` against the fake server speaking the OpenAI (and Ollama) wire formats: discovery,
 * role choice, one test call per role, the written config answering `ask` at $0 (local), re-runs
 * that edit instead of duplicating, the Continue import, and a `block` budget that never blocks a
 * loopback model.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { everythingBin } from '../fixtures/mcp/testUtils';
import { recordingIO } from '../support/cliIo';
import { startFakeServer } from '../support/fakeServer';
import { closedPort } from '../support/ports';
import { useWireFixture } from '../support/wireFixture';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(argv: string[], env: NodeJS.ProcessEnv, cwd: string, stdinText?: string, ttyStderr = false): Promise<Run> {
  const io = recordingIO({ cwd, env, stdin: stdinText });
  Object.assign(io.stderr, { isTTY: ttyStderr });
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('wire: switchyard init', function () {
  this.timeout(60_000);
  const fx = useWireFixture('init', { models: ['nomic-embed-text', 'llama3.2', 'qwen2.5-coder:7b'] });
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    dir = fx.suiteDir;
    env = { SWITCHYARD_DATA_DIR: join(dir, 'data') };
  });

  const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

  it('--base-url --yes: general model chats, coder completes (qwen FIM template), embedder embeds; ask answers from the general model at $0', async () => {
    const out = join(dir, 'a.json');
    const init = await run(['init', '--base-url', fx.fake.openaiBaseUrl, '--yes', '--out', out], env, dir);
    assert.equal(init.code, 0, init.out + init.err);
    const cfg = readJson(out);
    const idOf = (name: string) => cfg.models[name].id;
    assert.equal(idOf(cfg.routes.chat[0]), 'llama3.2');
    assert.equal(idOf(cfg.routes.completion[0]), 'qwen2.5-coder:7b');
    assert.deepEqual([cfg.models[cfg.routes.completion[0]].fim, cfg.models[cfg.routes.completion[0]].fimTemplate], ['template', 'qwen']);
    assert.equal(idOf(cfg.routes.embedding[0]), 'nomic-embed-text');
    assert.ok(!cfg.routes.chat.some((n: string) => idOf(n) === 'nomic-embed-text'), 'an embedder is never a chat model');
    assert.equal(Object.keys(cfg.providers).length, 1);
    // Prints what it chose and why, and the check of each role.
    assert.match(init.out, /chat: llama3\.2 .*general model/);
    assert.match(init.out, /completion: qwen2\.5-coder:7b .*qwen model/);
    assert.match(init.out, /embedding: nomic-embed-text .*embedding model/);
    assert.match(init.out, /chat\s+llama3\.2: ok — .*\$0 \(local\)/);
    assert.match(init.out, /completion\s+qwen2\.5-coder:7b: ok/);
    assert.match(init.out, /embedding\s+nomic-embed-text: ok/);
    // One test call per role reached the server, the completion one with Qwen's FIM tokens.
    assert.equal(fx.fake.count({ endpoint: 'chat', model: 'llama3.2' }), 1);
    const fim = fx.fake.requests.find((r) => r.endpoint === 'completions');
    assert.equal(fim?.model, 'qwen2.5-coder:7b');
    assert.match(String(fim?.body.prompt), /^<\|fim_prefix\|>def add/);
    assert.equal(fx.fake.count({ endpoint: 'embeddings', model: 'nomic-embed-text' }), 1);

    fx.fake.reset();
    const ask = await run(['ask', '--config', out, '--json', 'hello'], env, dir);
    assert.equal(ask.code, 0, ask.err);
    const answer = JSON.parse(ask.out);
    assert.equal(answer.text, 'Hello from llama3.2.');
    assert.equal(answer.costUsd, 0);
    assert.equal(answer.local, true);
    const text = await run(['ask', '--config', out, 'hello'], env, dir, undefined, true);
    assert.match(text.err, /llama3\.2.* · \$0 \(local\) · /);
  });

  it('re-running edits, never duplicates, and keeps the rest of an existing config', async () => {
    const out = join(dir, 'b.json');
    writeFileSync(out, JSON.stringify({
      providers: { mine: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl.replace('127.0.0.1', 'localhost') } },
      models: { chatty: { provider: 'mine', id: 'llama3.2', maxOutputTokens: 512 }, other: { provider: 'mine', id: 'other' } },
      routes: { chat: ['other'] },
      budget: { dailyUsd: 3 },
    }));
    const first = await run(['init', '--base-url', fx.fake.openaiBaseUrl, '--yes', '--out', out], env, dir);
    assert.equal(first.code, 0, first.out + first.err);
    const once = readJson(out);
    assert.deepEqual(Object.keys(once.providers), ['mine'], 'the same server (localhost = 127.0.0.1) is reused');
    assert.equal(once.models.chatty.maxOutputTokens, 512, 'the existing model entry is edited, its fields kept');
    assert.deepEqual(once.routes.chat, ['chatty', 'other'], 'the chosen model heads the route, the rest stays');
    assert.deepEqual(once.budget, { dailyUsd: 3 });
    const second = await run(['init', '--base-url', fx.fake.openaiBaseUrl, '--yes', '--out', out, '--no-check'], env, dir);
    assert.equal(second.code, 0, second.out + second.err);
    assert.match(second.out, /none \(already set up this way\)/);
    assert.deepEqual(readJson(out), once);
  });

  it('asks before writing: a "y" on stdin writes; no answer writes nothing and says to pass --yes', async () => {
    const out = join(dir, 'c.json');
    const none = await run(['init', '--base-url', fx.fake.openaiBaseUrl, '--out', out, '--no-check'], env, dir, '');
    assert.equal(none.code, 2);
    assert.match(none.err, /Pass --yes to write/);
    assert.ok(!existsSync(out));
    const no = await run(['init', '--base-url', fx.fake.openaiBaseUrl, '--out', out, '--no-check'], env, dir, 'n\n');
    assert.equal(no.code, 1);
    assert.ok(!existsSync(out));
    const yes = await run(['init', '--base-url', fx.fake.openaiBaseUrl, '--out', out, '--no-check'], env, dir, 'y\n');
    assert.equal(yes.code, 0, yes.err);
    assert.ok(existsSync(out));
  });

  it('exits 2 with a clear message when nothing is found, and says when a server lists no models', async () => {
    const port = await closedPort();
    const home = join(dir, 'home-d');
    mkdirSync(join(home, '.continue'), { recursive: true });
    writeFileSync(join(home, '.continue', 'config.json'), '{"models": []}');
    const r = await run(['init', '--base-url', `http://127.0.0.1:${port}`, '--yes', '--out', join(dir, 'd.json')], { ...env, HOME: home }, dir);
    assert.equal(r.code, 2);
    assert.match(r.err, new RegExp(`A Continue config exists: switchyard init --from-continue ${join(home, '.continue', 'config.json').replace(/[.]/g, '\\.')}`));
    assert.match(r.out, new RegExp(`Not found: .*127\\.0\\.0\\.1:${port}.*nothing is listening`));
    assert.match(r.err, /no usable model found/);
    assert.match(r.err, /--base-url URL/);
    const empty = await startFakeServer();
    try {
      const e = await run(['init', '--base-url', empty.url, '--yes', '--out', join(dir, 'd.json')], env, dir);
      assert.equal(e.code, 2);
      assert.match(e.err, /answered but lists no models/);
    } finally {
      await empty.close();
    }
    assert.ok(!existsSync(join(dir, 'd.json')));
  });

  it('--openai without OPENAI_API_KEY: says which variable to set, exit 2, probes no local port', async () => {
    const r = await run(['init', '--openai', '--yes', '--out', join(dir, 'h.json')], env, dir);
    assert.equal(r.code, 2);
    assert.match(r.out, /Not found: OpenAI \(OPENAI_API_KEY\): set OPENAI_API_KEY to list the account's models/);
    assert.doesNotMatch(r.out, /11434|1234|8080|8000/);
  });

  it('Ollama: capabilities from /api/show pick the embedder and the FIM coder (native suffix)', async () => {
    const ollama = await startFakeServer({ ollama: { 'my-vectors:latest': ['embedding'], 'gemma3:4b': ['completion', 'vision'], 'llama3.1:8b': ['completion', 'tools'], 'qwen2.5-coder:1.5b': ['completion', 'insert'] } });
    try {
      const out = join(dir, 'e.json');
      const r = await run(['init', '--base-url', ollama.url, '--yes', '--out', out], env, dir);
      assert.equal(r.code, 0, r.out + r.err);
      const cfg = readJson(out);
      assert.deepEqual(Object.values(cfg.providers), [{ kind: 'openai-compatible', baseUrl: `${ollama.url}/v1` }]);
      assert.equal(Object.keys(cfg.providers)[0], 'ollama');
      assert.equal(cfg.models[cfg.routes.chat[0]].id, 'llama3.1:8b', 'the general model that can call tools');
      assert.equal(cfg.models[cfg.routes.chat[0]].contextWindow, 32768, 'context length from model_info');
      assert.equal(cfg.models[cfg.routes.completion[0]].fim, 'native');
      assert.equal(cfg.models[cfg.routes.embedding[0]].id, 'my-vectors:latest');
      assert.equal(ollama.requests.find((q) => q.endpoint === 'completions')?.body.suffix, '\n', 'native FIM sends the suffix');
    } finally {
      await ollama.close();
    }
  });

  it('--from-continue: three models by role and an MCP server become a config that answers', async () => {
    const ollama = await startFakeServer({ ollama: { 'llama3.2:latest': ['completion', 'tools'], 'qwen2.5-coder:1.5b': ['completion', 'insert'], 'nomic-embed-text:latest': ['embedding'] } });
    try {
      const yaml = readFileSync(join(__dirname, '../fixtures/continue/config.yaml.tmpl'), 'utf8').replaceAll('__OLLAMA__', ollama.url).replaceAll('__EVERYTHING__', everythingBin);
      const src = join(dir, 'continue.yaml');
      writeFileSync(src, yaml);
      const out = join(dir, 'f.json');
      const r = await run(['init', '--from-continue', src, '--yes', '--out', out], env, dir);
      assert.equal(r.code, 0, r.out + r.err);
      const cfg = readJson(out);
      assert.deepEqual(cfg.providers, { ollama: { kind: 'openai-compatible', baseUrl: `${ollama.url}/v1` } });
      assert.deepEqual(cfg.routes.chat, ['Llama-3.2']);
      assert.deepEqual(cfg.routes.completion, ['Qwen-Coder']);
      assert.deepEqual(cfg.routes.embedding, ['Nomic-Embed']);
      assert.equal(cfg.models['Qwen-Coder'].fimTemplate, 'qwen');
      assert.deepEqual(cfg.mcpServers.everything, { type: 'stdio', command: 'node', args: [everythingBin, 'stdio'], env: { API_TOKEN: '${env:EVERYTHING_TOKEN}' } });
      assert.match(r.out, /secret EVERYTHING_TOKEN/);
      const ask = await run(['ask', '--config', out, '--json', 'hi'], env, dir);
      assert.equal(ask.code, 0, ask.err);
      assert.deepEqual([JSON.parse(ask.out).text, JSON.parse(ask.out).costUsd], ['Hello from llama3.2:latest.', 0]);
    } finally {
      await ollama.close();
    }
  });

  it('over a "block" budget, a loopback model still answers at $0', async () => {
    const out = join(dir, 'g.json');
    const data = join(dir, 'spent');
    const init = await run(['init', '--base-url', fx.fake.openaiBaseUrl, '--yes', '--out', out, '--no-check'], { SWITCHYARD_DATA_DIR: data }, dir);
    assert.equal(init.code, 0, init.err);
    const cfg = readJson(out);
    // A paid model that already spent today's budget, first on the route.
    cfg.providers.paid = { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl, local: false };
    cfg.models.paid = { provider: 'paid', id: 'paid-model', price: { inputPerMTok: 1000, outputPerMTok: 1000 } };
    cfg.routes.chat = ['paid', ...cfg.routes.chat];
    cfg.budget = { dailyUsd: 0.01, onExceed: 'block' };
    writeFileSync(out, JSON.stringify(cfg));
    const spend = await run(['ask', '--config', out, '--model', 'paid', '--json', 'spend'], { SWITCHYARD_DATA_DIR: data }, dir);
    assert.equal(spend.code, 0, spend.err);
    assert.ok(JSON.parse(spend.out).costUsd > 0.01, 'the budget is now exceeded');
    const blocked = await run(['ask', '--config', out, '--json', 'hello'], { SWITCHYARD_DATA_DIR: data }, dir);
    assert.equal(blocked.code, 0, blocked.err);
    const answer = JSON.parse(blocked.out);
    assert.equal(answer.text, 'Hello from llama3.2.');
    assert.equal(answer.costUsd, 0);
    assert.deepEqual(answer.attempts.map((a: { model: string; status: string; errorClass: string | null }) => [a.model, a.status, a.errorClass]), [['paid', 'skipped', 'budget'], [cfg.routes.chat[1], 'ok', null]]);
  });
});
