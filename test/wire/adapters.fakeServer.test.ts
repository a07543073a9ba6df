/** The fake wire server's own promises that other suites rely on (models lists, control API, lifecycle, process entry). */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { embeddingFor, startFakeServer } from '../support/fakeServer';
import { useWireFixture } from '../support/wireFixture';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('fake wire server', () => {
  const fx = useWireFixture('fake', { models: ['listed-model'] });

  it('lists models in the OpenAI and the Anthropic format (real SDK list calls)', async () => {
    fx.fake.script('scripted-model', [{ type: 'text', text: 'x' }]);
    const oa = new OpenAI({ apiKey: 'k', baseURL: fx.fake.openaiBaseUrl, maxRetries: 0 });
    const ids: string[] = [];
    for await (const m of oa.models.list()) ids.push(m.id);
    assert.deepEqual(ids.sort(), ['listed-model', 'scripted-model']);
    const an = new Anthropic({ apiKey: 'k', baseURL: fx.fake.anthropicBaseUrl, maxRetries: 0, openTelemetry: false });
    const anIds: string[] = [];
    for await (const m of an.models.list()) anIds.push(m.id);
    assert.deepEqual(anIds.sort(), ['listed-model', 'scripted-model']);
  });

  it('a step can be computed from the request (e.g. answer from the FIM suffix)', async () => {
    fx.fake.script('fim', [(req) => ({ type: 'text', text: `[${req.body.suffix}]` })]);
    const oa = new OpenAI({ apiKey: 'k', baseURL: fx.fake.openaiBaseUrl, maxRetries: 0 });
    const res = await oa.completions.create({ model: 'fim', prompt: 'a', suffix: 'z' });
    assert.equal(res.choices[0].text, '[z]');
  });

  it('rejects what the real Anthropic API rejects: a "system" role inside messages', async () => {
    const res = await fetch(`${fx.fake.anthropicBaseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /top-level "system" parameter/);
  });

  it('embeddings: deterministic, unit length, and texts sharing words are closer', () => {
    const a = embeddingFor('parse the config file', 64);
    assert.deepEqual(a, embeddingFor('parse the config file', 64));
    assert.ok(Math.abs(cosine(a, a) - 1) < 1e-5);
    const near = embeddingFor('parseConfig reads the config file', 64);
    const far = embeddingFor('render chart colors', 64);
    assert.ok(cosine(a, near) > cosine(a, far), `${cosine(a, near)} > ${cosine(a, far)}`);
  });

  it('control API: script over HTTP, list recorded requests', async () => {
    const set = await fetch(`${fx.fake.url}/__fake/script`, { method: 'POST', body: JSON.stringify({ model: 'remote', steps: [{ type: 'text', text: 'from control' }] }) });
    assert.equal(set.status, 200);
    const oa = new OpenAI({ apiKey: 'k', baseURL: fx.fake.openaiBaseUrl, maxRetries: 0 });
    const res = await oa.chat.completions.create({ model: 'remote', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.choices[0].message.content, 'from control');
    const recorded = (await (await fetch(`${fx.fake.url}/__fake/requests`)).json()) as { model: string; outcome: string }[];
    assert.deepEqual(recorded.map((r) => [r.model, r.outcome]), [['remote', 'completed']]);
  });

  it('close() ends hung responses and resolves (no leaked handles)', async () => {
    const own = await startFakeServer();
    own.script('m', [{ type: 'hang' }]);
    const pending = fetch(`${own.openaiBaseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }) });
    await own.waitFor(() => own.requests.length === 1);
    await own.close();
    await assert.rejects(pending);
  });

  it('runs as a separate process: prints its URLs as one JSON line, serves the script, exits on SIGTERM', async function () {
    this.timeout(30_000);
    const dir = fx.testDir;
    const script = join(dir, 'script.json');
    writeFileSync(script, JSON.stringify({ scripts: { m: [{ type: 'text', text: 'scripted over a process' }] } }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../support/fakeServerMain.ts'), '--port', '0', '--script', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const info = JSON.parse(line) as { openaiBaseUrl: string; anthropicBaseUrl: string; port: number };
      assert.equal(info.openaiBaseUrl, `http://127.0.0.1:${info.port}/v1`);
      const oa = new OpenAI({ apiKey: 'k', baseURL: info.openaiBaseUrl, maxRetries: 0 });
      const res = await oa.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(res.choices[0].message.content, 'scripted over a process');
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
