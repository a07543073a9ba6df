/**
 * The demo's model choice and settings merge (scripts/demo): a local server that lists no models is
 * told apart from one that is down; the chat model is a general instruct model, never an embedder;
 * a settings.json with comments keeps them.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { describeServer, isEmbeddingModel, pickChatModel, pickCompletionModel, probeLocalServer } from '../../scripts/demo/localModels';
import { planFor } from '../../scripts/demo/configure';
import { mergeSettingsText } from '../../scripts/demo/settingsFile';

// Model lists as local servers return them (Ollama tags, LM Studio / HF ids), with the expected picks.
const CASES: Array<{ ids: string[]; chat: string | undefined; completion: string | undefined }> = [
  { ids: ['nomic-embed-text:latest', 'llama3.2:3b', 'qwen2.5-coder:1.5b'], chat: 'llama3.2:3b', completion: 'qwen2.5-coder:1.5b' },
  { ids: ['nomic-embed-text:latest', 'qwen2.5-coder:7b', 'qwen2.5:7b-instruct'], chat: 'qwen2.5:7b-instruct', completion: 'qwen2.5-coder:7b' },
  { ids: ['mxbai-embed-large', 'bge-m3', 'all-minilm'], chat: undefined, completion: undefined },
  { ids: ['qwen2.5-coder:1.5b'], chat: 'qwen2.5-coder:1.5b', completion: 'qwen2.5-coder:1.5b' },
  { ids: ['text-embedding-nomic-embed-text-v1.5', 'lmstudio-community/Meta-Llama-3.1-8B-Instruct-GGUF'], chat: 'lmstudio-community/Meta-Llama-3.1-8B-Instruct-GGUF', completion: 'lmstudio-community/Meta-Llama-3.1-8B-Instruct-GGUF' },
  { ids: ['Qwen/Qwen2.5-7B', 'Qwen/Qwen2.5-7B-Instruct', 'bigcode/starcoder2-3b'], chat: 'Qwen/Qwen2.5-7B-Instruct', completion: 'bigcode/starcoder2-3b' },
  { ids: ['gemma-3-4b-it', 'deepseek-coder-6.7b-base', 'deepseek-coder-6.7b-instruct'], chat: 'gemma-3-4b-it', completion: 'deepseek-coder-6.7b-instruct' },
];

describe('demo: choosing models from a local server', () => {
  for (const c of CASES) {
    it(`[${c.ids.join(', ')}] → chat ${c.chat ?? 'none'}, completion ${c.completion ?? 'none'}`, () => {
      assert.equal(pickChatModel(c.ids), c.chat);
      assert.equal(pickCompletionModel(c.ids), c.completion);
    });
  }

  it('recognises embedders by name', () => {
    for (const id of ['nomic-embed-text', 'mxbai-embed-large:latest', 'bge-m3', 'snowflake-arctic-embed:s', 'all-minilm:l6-v2', 'intfloat/e5-large-v2', 'granite-embedding:30m']) assert.ok(isEmbeddingModel(id), id);
    for (const id of ['llama3.2:3b', 'qwen2.5-coder:1.5b', 'gemma3:4b', 'mistral:7b-instruct']) assert.ok(!isEmbeddingModel(id), id);
  });

  it('plans a local-only config: chat on the general model, completion on the coder, no embedder anywhere', () => {
    const plan = planFor({ state: 'models', baseUrl: 'http://127.0.0.1:11434/v1', ids: ['nomic-embed-text:latest', 'llama3.2:3b', 'qwen2.5-coder:1.5b'] }, {});
    assert.deepEqual(plan.models, {
      local: { provider: 'local', id: 'llama3.2:3b' },
      'local-coder': { provider: 'local', id: 'qwen2.5-coder:1.5b', fim: 'template' },
    });
    assert.deepEqual([plan.chat, plan.completion], [['local'], ['local-coder']]);
  });

  it('plans nothing for a server with only embedders, and says why', () => {
    const plan = planFor({ state: 'models', baseUrl: 'http://127.0.0.1:11434/v1', ids: ['nomic-embed-text:latest'] }, {});
    assert.deepEqual(plan.chat, []);
    assert.match(plan.notes[0], /only embedding models \(nomic-embed-text:latest\)/);
  });
});

describe('demo: probing a local OpenAI-compatible server (real HTTP on loopback)', () => {
  let server: Server;
  let models: unknown = { object: 'list', data: [] };
  let status = 200;
  let base = '';
  before(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/v1/models') {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(models));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('a server that lists no models is "no-models", and the message says to pull one (not "nothing answering")', async () => {
    models = { object: 'list', data: [] };
    const found = await probeLocalServer(`${base}/v1`);
    assert.deepEqual(found, { state: 'no-models', baseUrl: `${base}/v1` });
    assert.match(describeServer(found), /answers at .* but lists no models: pull or load one/);
    assert.doesNotMatch(describeServer(found), /nothing answers/);
  });

  it('lists the model ids', async () => {
    models = { object: 'list', data: [{ id: 'nomic-embed-text:latest', object: 'model' }, { id: 'llama3.2:3b', object: 'model' }] };
    assert.deepEqual(await probeLocalServer(`${base}/v1/`), { state: 'models', baseUrl: `${base}/v1/`, ids: ['nomic-embed-text:latest', 'llama3.2:3b'] });
  });

  it('a wrong base URL (404) is "not-openai", naming the status', async () => {
    const found = await probeLocalServer(base);
    assert.deepEqual(found, { state: 'not-openai', baseUrl: base, status: 404 });
    assert.match(describeServer(found), /HTTP 404.*ends in \/v1/);
  });

  it('a port nobody listens on is "unreachable" with the system error code', async () => {
    const tcp = createTcpServer();
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const port = (tcp.address() as { port: number }).port;
    await new Promise<void>((r) => tcp.close(() => r()));
    const found = await probeLocalServer(`http://127.0.0.1:${port}/v1`);
    assert.deepEqual(found, { state: 'unreachable', baseUrl: `http://127.0.0.1:${port}/v1`, reason: 'ECONNREFUSED' });
  });
});

describe('demo: merging into a settings.json with comments', () => {
  const withComments = `// my demo profile
{
  // keep me
  "editor.fontSize": 15, /* and me */
  "switchyard.routes": { "chat": ["old"] },
}
`;

  it('keeps comments and other keys, replaces the keys it writes', () => {
    const merged = mergeSettingsText(withComments, { 'switchyard.routes': { chat: ['local'] }, 'telemetry.telemetryLevel': 'off' });
    assert.ok(merged.ok);
    assert.match(merged.text, /\/\/ my demo profile/);
    assert.match(merged.text, /\/\/ keep me/);
    assert.match(merged.text, /\/\* and me \*\//);
    assert.match(merged.text, /"editor\.fontSize": 15/);
    assert.doesNotMatch(merged.text, /"old"/);
    assert.match(merged.text, /"telemetry\.telemetryLevel": "off"/);
  });

  it('starts an empty file as an object', () => {
    const merged = mergeSettingsText('', { a: 1 });
    assert.ok(merged.ok);
    assert.deepEqual(JSON.parse(merged.text), { a: 1 });
  });

  it('leaves a broken file alone and says where it is broken', () => {
    const merged = mergeSettingsText('{\n  "a": 1,\n  "b" 2\n}', { c: 3 });
    assert.equal(merged.ok, false);
    assert.match(!merged.ok ? merged.error : '', /line 3/);
  });
});
