/**
 * The `switchyard` CLI as a user runs it: the esbuild bundle (built from the current sources with
 * esbuild.mjs's own options into a temp folder) run as a child process, talking
 * through the real SDKs to the local fake server. Proves the text and --json outputs, fallback in
 * attempts, exit codes with their messages (1: every candidate failed; 2: bad config, unknown model,
 * missing key) and that `cost --csv` reports exactly what the ledger holds.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closedPort } from '../support/ports';
import { useWireFixture } from '../support/wireFixture';

const root = resolve(__dirname, '../..');

/** Bundles the CLI exactly as `npm run build` does, but into `outdir`; returns the script path. */
async function buildCli(outdir: string): Promise<string> {
  const esbuild = await import('esbuild');
  const { cliBuild } = (await import(pathToFileURL(join(root, 'esbuild.mjs')).href)) as { cliBuild: Parameters<typeof esbuild.build>[0] };
  await esbuild.build({ ...cliBuild, outdir, sourcemap: false, minify: false, logLevel: 'error' });
  return join(outdir, 'cli.js');
}
let cliEntry = '';
const SECRET = 'sk-test-DO-NOT-PRINT-0123456789';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string | undefined>, stdin?: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

describe('wire: switchyard CLI (child process against the fake server)', function () {
  this.timeout(60_000);
  const fx = useWireFixture('cli', { apiKey: SECRET });
  let dir: string;
  let dataDir: string;
  let configPath: string;
  let env: Record<string, string>;

  const writeConfig = (name: string, config: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
    return path;
  };

  before(async () => {
    dir = fx.suiteDir;
    cliEntry = await buildCli(join(dir, 'bin'));
    dataDir = join(dir, 'data');
    configPath = writeConfig('config.json', {
      providers: {
        fake: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl, apiKeyEnv: 'FAKE_KEY' },
        fakeAnthropic: { kind: 'anthropic', baseUrl: fx.fake.anthropicBaseUrl, apiKeyEnv: 'FAKE_KEY' },
      },
      models: {
        first: { provider: 'fake', id: 'first-model' },
        second: { provider: 'fakeAnthropic', id: 'second-model' },
      },
      routes: { chat: ['first', 'second'] },
      prices: {
        'first-model': { inputPerMTok: 1, outputPerMTok: 2 },
        'second-model': { inputPerMTok: 3, outputPerMTok: 15 },
      },
      router: { maxRetries: 0, backoffBaseMs: 1, backoffMaxMs: 2 },
    });
    env = { SWITCHYARD_CONFIG: configPath, SWITCHYARD_DATA_DIR: dataDir, FAKE_KEY: SECRET };
  });

  it('streams the answer to stdout and exits 0', async () => {
    fx.fake.script('first-model', [{ type: 'text', chunks: ['Hello', ', ', 'world'], usage: { inputTokens: 10, outputTokens: 3 } }]);
    const run = await runCli(['ask', 'say hello'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Hello, world\n');
    const req = fx.fake.requests.find((r) => r.endpoint === 'chat');
    assert.ok(req, 'the fake saw a chat request');
    assert.equal(req.auth, 'bearer');
    assert.deepEqual(req.body.messages.at(-1), { role: 'user', content: 'say hello' });
  });

  it('ask --json carries a failed ledger write (path, cause, fix); stderr says it too', async () => {
    fx.fake.script('first-model', [{ type: 'text', text: 'answer', usage: { inputTokens: 10, outputTokens: 3 } }]);
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const run = await runCli(['ask', '--json', 'hi'], { ...env, SWITCHYARD_DATA_DIR: join(blocker, 'data') });
    assert.equal(run.code, 0, 'the answer itself succeeded');
    const out = JSON.parse(run.stdout);
    assert.equal(out.text, 'answer');
    assert.equal(out.ledgerError.path, join(blocker, 'data', 'ledger.jsonl'));
    assert.match(out.ledgerError.message, /Spending could not be recorded/);
    assert.match(out.ledgerError.fix, /SWITCHYARD_DATA_DIR/);
    assert.match(run.stderr, /Spending could not be recorded in .*ledger\.jsonl/);
  });

  it('--json shows providerCostUsd equal to the usage.cost the server reported, beside our costUsd', async () => {
    fx.fake.script('first-model', [{ type: 'text', text: 'billed', wireUsage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, cost: 0.00231 } }]);
    const run = await runCli(['ask', '--json', 'hi'], env);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.providerCostUsd, 0.00231);
    assert.ok(Math.abs(out.costUsd - 0.002) < 1e-12, `costUsd ${out.costUsd}`);
  });

  it('--max-cost stops the answer when its spend reaches the limit: partial answer on stdout, the spend on stderr, exit 1', async () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i} `);
    fx.fake.script('first-model', [{ type: 'text', chunks: words, chunkDelayMs: 15 }]);
    // first-model: $1 in / $2 out per 1M tokens; the question is a few tokens, each word ~2 more.
    const run = await runCli(['ask', '--max-cost', '0.00002', 'hi'], env);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.stdout.startsWith('word0 word1 '), run.stdout);
    assert.ok(run.stdout.trim().length < words.join('').trim().length, 'stopped before the end of the answer');
    const m = /switchyard ask: stopped at --max-cost \$0\.00002: spent \$(0\.0000\d+)/.exec(run.stderr);
    assert.ok(m, run.stderr);
    assert.ok(Number(m[1]) >= 0.00002 && Number(m[1]) < 0.00003, `spent ${m[1]}`);

    const bad = await runCli(['ask', '--max-cost', 'lots', 'hi'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-cost must be a positive amount in USD, got "lots"/);
  });

  it('models --catalog --import FILE applies a LiteLLM model-prices file over the built-in catalog and says where each price comes from', async () => {
    const file = resolve(__dirname, '../fixtures/prices/litellm-sample.json');
    const run = await runCli(['models', '--catalog', '--import', file, '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { version: string; imported: { models: number; skipped: number }; models: Array<{ id: string; inputPerMTok: number; source: string; asOf: string | null }> };
    assert.deepEqual(out.imported, { file, format: 'litellm', models: 3, skipped: 2 });
    const mini = out.models.find((m) => m.id === 'gpt-4.1-mini')!;
    assert.equal(mini.inputPerMTok, 0.5, 'the file wins over the built-in $0.40');
    assert.equal(mini.source, `import ${file}`);
    assert.ok(out.models.some((m) => m.id === 'openrouter/acme/new-model'), 'ids only in the file are added');
    const builtIn = out.models.find((m) => m.id === 'gpt-5-mini')!;
    assert.deepEqual([builtIn.source, builtIn.asOf], ['built-in', out.version]);
    const text = await runCli(['models', '--catalog', '--import', file], env);
    assert.match(text.stderr, /3 price\(s\) from .*litellm-sample\.json \(litellm format; 2 entries without token prices skipped\)/);
  });

  it('reads the question from stdin when none is given', async () => {
    fx.fake.script('first-model', [{ type: 'text', text: 'piped ok' }]);
    const run = await runCli(['ask'], env, 'question from a pipe\n');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'piped ok');
    assert.equal(fx.fake.requests.find((r) => r.endpoint === 'chat')?.body.messages.at(-1).content, 'question from a pipe');
  });

  it('prints exactly one JSON object with --json, cost from the configured prices', async () => {
    fx.fake.script('first-model', [{ type: 'text', text: 'json answer', usage: { inputTokens: 1000, outputTokens: 500 } }]);
    const run = await runCli(['ask', '--json', 'hi'], env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'one line of JSON');
    const out = JSON.parse(lines[0]);
    // The fake listens on loopback, so the provider is local ("local": true); the configured price still applies.
    assert.deepEqual(Object.keys(out).sort(), ['attempts', 'costUsd', 'local', 'model', 'provider', 'providerCostUsd', 'text', 'traceId', 'usage']);
    assert.equal(out.providerCostUsd, null, 'the fake reported no cost of its own');
    assert.equal(out.text, 'json answer');
    assert.equal(out.model, 'first');
    assert.equal(out.provider, 'fake');
    assert.deepEqual(out.usage, { inputTokens: 1000, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.ok(Math.abs(out.costUsd - (1000 * 1 + 500 * 2) / 1e6) < 1e-12, `costUsd ${out.costUsd}`);
    assert.match(out.traceId, /^[0-9a-f]{32}$/);
    assert.equal(out.attempts.length, 1);
    assert.deepEqual(Object.keys(out.attempts[0]).sort(), ['errorClass', 'latencyMs', 'model', 'status']);
    assert.equal(out.attempts[0].status, 'ok');
  });

  it('shows the fallback in attempts when the first candidate is overloaded', async () => {
    fx.fake.script('first-model', [{ type: 'overloaded' }]);
    fx.fake.script('second-model', [{ type: 'text', text: 'from the fallback', usage: { inputTokens: 20, outputTokens: 4 } }]);
    const run = await runCli(['ask', '--json', 'hi'], env);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.text, 'from the fallback');
    assert.equal(out.model, 'second');
    assert.equal(out.provider, 'fakeAnthropic');
    assert.deepEqual(out.attempts.map((a: { model: string; status: string; errorClass: string | null }) => [a.model, a.status, a.errorClass]), [
      ['first', 'error', 'overloaded'],
      ['second', 'ok', null],
    ]);
  });

  it('exits 1 and lists every attempt with its error class when all candidates fail', async () => {
    fx.fake.script('first-model', [{ type: 'overloaded' }]);
    fx.fake.script('second-model', [{ type: 'server_error', status: 503 }]);
    const run = await runCli(['ask', 'hi'], env);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /every candidate failed/);
    assert.match(run.stderr, /1\. first .*overloaded/);
    assert.match(run.stderr, /2\. second .*server/);
    assert.ok(!run.stderr.includes(SECRET), 'the key never appears');
  });

  it('exits 2 naming the file and the field for a malformed config', async () => {
    const bad = writeConfig('bad.json', { providers: { p: { kind: 'openai' } }, models: { a: { provider: 'p', id: 'x' } }, routes: { chat: ['a', 'gpt9'] } });
    const run = await runCli(['ask', '--config', bad, 'hi'], env);
    assert.equal(run.code, 2);
    assert.ok(run.stderr.includes(bad), `names the file: ${run.stderr}`);
    assert.match(run.stderr, /routes\.chat\[1\]: unknown model "gpt9"/);
  });

  it('exits 2 for an unknown --model, naming it and the configured ones', async () => {
    const run = await runCli(['ask', '--model', 'gpt9', 'hi'], env);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--model: unknown model "gpt9" \(configured models: first, second\)/);
    assert.equal(fx.fake.requests.length, 0, 'nothing was sent');
  });

  it('names the environment variable when a key is missing, and never prints a key', async () => {
    const { FAKE_KEY: _unused, ...noKey } = env;
    const run = await runCli(['ask', 'hi'], noKey);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /No API key for provider "fake"/);
    assert.match(run.stderr, /No API key for provider "fakeAnthropic"/);
    assert.match(run.stderr, /Set FAKE_KEY in the environment/);
    assert.equal(fx.fake.requests.length, 0, 'nothing is sent without the key');

    const wrong = await runCli(['ask', 'hi'], { ...env, FAKE_KEY: 'sk-wrong-key-SHOULD-NOT-LEAK' });
    assert.equal(wrong.code, 1, wrong.stderr);
    assert.match(wrong.stderr, /auth/);
    assert.ok(!wrong.stderr.includes('sk-wrong-key-SHOULD-NOT-LEAK') && !wrong.stdout.includes('sk-wrong-key-SHOULD-NOT-LEAK'));
  });

  it('says the base URL is unreachable with a network error and exit 1', async () => {
    const port = await closedPort();
    const cfg = writeConfig('unreachable.json', {
      providers: { down: { kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` } },
      models: { m: { provider: 'down', id: 'm' } },
      routes: { chat: ['m'] },
      router: { maxRetries: 0 },
    });
    const run = await runCli(['ask', '--config', cfg, 'hi'], env);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /network/);
    assert.ok(run.stderr.includes(`127.0.0.1:${port}`), `names the address: ${run.stderr}`);
  });

  it('cost --csv has one row per ledger record, with the same trace ids and costs', async () => {
    const ledgerLines = readFileSync(join(dataDir, 'ledger.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
    const records = ledgerLines.map((l) => JSON.parse(l) as { traceId: string; costUsd: number | null });
    assert.ok(records.length >= 5, `the earlier asks wrote records (${records.length})`);
    const run = await runCli(['cost', '--csv'], env);
    assert.equal(run.code, 0, run.stderr);
    const [header, ...rows] = run.stdout.trim().split(/\r?\n/);
    const cols = header.split(',');
    const traceCol = cols.indexOf('trace_id');
    assert.ok(traceCol >= 0, `CSV header has trace_id: ${header}`);
    assert.equal(rows.length, records.length);
    assert.deepEqual(rows.map((r) => r.split(',')[traceCol]).sort(), records.map((r) => r.traceId).sort());

    const byModel = await runCli(['cost', '--by', 'model'], env);
    assert.equal(byModel.code, 0, byModel.stderr);
    assert.match(byModel.stdout, /first/);
    assert.match(byModel.stdout, /second/);
  });

  it('lists the configured models with prices and routes', async () => {
    const run = await runCli(['models', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const rows = JSON.parse(run.stdout) as Array<{ name: string; inputPerMTok: number; routes: string[] }>;
    assert.deepEqual(rows.map((r) => [r.name, r.inputPerMTok, r.routes]), [
      ['first', 1, ['chat#1']],
      ['second', 3, ['chat#2']],
    ]);
  });

  it('prints its version from the bundle', async () => {
    const version = await runCli(['--version'], env);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });
});
