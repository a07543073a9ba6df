/**
 * Inline completions end to end over the wire: the engine → the real router → the real openai
 * SDK → the local fake server. Proves the HTTP request is really aborted on cancel, typing through
 * a suggestion makes no new request, and a hung completion model falls back.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { AppServices } from '../../src/core/app';
import { command as completeCommand } from '../../src/cli/commands/complete';
import { CompletionEngine } from '../../src/core/completion/engine';
import type { CompletionRequest } from '../../src/core/completion/types';
import type { ConfigInput } from '../../src/core/config/schema';
import { silentLogger } from '../../src/core/logger';
import { useWireFixture } from '../support/wireFixture';

const CODER = 'qwen2.5-coder:1.5b-base';
const BACKUP = 'deepseek-coder:1.3b-base';
const CHAT = 'gpt-4.1-mini';

describe('completion over the wire', function () {
  this.timeout(15_000);
  const fx = useWireFixture('completion');
  let core: AppServices;

  function build(route: string[] = ['coder', 'backup']): Promise<AppServices> {
    const config: ConfigInput = {
      providers: { local: { kind: 'openai-compatible', baseUrl: fx.fake.openaiBaseUrl } },
      models: {
        coder: { provider: 'local', id: CODER },
        backup: { provider: 'local', id: BACKUP },
        chatty: { provider: 'local', id: CHAT },
      },
      routes: { completion: route },
      router: { maxRetries: 0, ttftTimeoutMs: { default: 30_000, completion: 400 } },
      completion: { debounceMs: 0 },
    };
    // A data folder per core: each reads only its own ledger. A local server needs no key.
    return fx.core(config, { dataDir: fx.freshDir(), apiKey: null });
  }

  function engineFor(c: AppServices, graceMs = 0): CompletionEngine {
    return new CompletionEngine({ router: c.router, config: c.config, logger: silentLogger, ledger: c.ledger, graceMs });
  }

  function req(text: string, signal?: AbortSignal): CompletionRequest {
    return { document: { filepath: '/w/m.py', languageId: 'python', text: text.replace('|', ''), offset: text.indexOf('|') }, trigger: 'automatic', signal };
  }

  beforeEach(async () => {
    core = await build();
  });

  it('sends the FIM template to /v1/completions and returns the postprocessed text', async () => {
    fx.fake.script(CODER, [{ type: 'text', chunks: ['a ', '* b', '\n'] }]);
    const engine = engineFor(core);
    const r = await engine.complete(req('def mul(a, b):\n    return |\n'));
    assert.equal(r.status, 'ok');
    assert.equal(r.text, 'a * b');
    assert.equal(r.model, 'coder');
    const sent = fx.fake.requests[0];
    assert.equal(sent.endpoint, 'completions');
    assert.equal(sent.body.prompt, '<|fim_prefix|>def mul(a, b):\n    return <|fim_suffix|>\n<|fim_middle|>');
    // The end of a line may be followed by a block (class A of issue 13): no newline stop here.
    assert.ok(!sent.body.stop.includes('\n'), 'a context that may span lines sends no newline stop');
    await engine.flush();
  });

  it('cancelling aborts the HTTP request: the server sees the client go away', async () => {
    fx.fake.script(CODER, [{ type: 'text', chunks: ['x', 'y'], hangAfterChunks: 1 }]);
    const engine = engineFor(core);
    const controller = new AbortController();
    const pending = engine.complete(req('total = |', controller.signal));
    await fx.fake.waitFor(() => fx.fake.requests.length === 1);
    controller.abort();
    assert.equal((await pending).status, 'cancelled');
    await fx.fake.waitFor(() => fx.fake.requests[0].outcome === 'aborted');
    await engine.flush();
    const records = await core.ledger.read();
    const call = records.find((r) => r.task === 'completion' && r.attempts.length > 0);
    assert.equal(call?.status, 'cancelled');
    assert.equal(call?.outcome, 'cancelled');
  });

  it('typing through a suggestion makes no new request (cache and in-flight)', async () => {
    fx.fake.script(CODER, [{ type: 'text', chunks: ['len(', 'items)'], firstChunkDelayMs: 150 }]);
    const engine = engineFor(core, 500);
    const first = new AbortController();
    const a = engine.complete(req('count = |', first.signal));
    await fx.fake.waitFor(() => fx.fake.requests.length === 1);
    // The user types "l" while the call streams: VS Code cancels the first request and asks again.
    first.abort();
    const b = await engine.complete(req('count = l|'));
    assert.equal((await a).status, 'cancelled');
    assert.equal(b.status, 'ok');
    assert.equal(b.text, 'en(items)');
    assert.equal(b.source, 'inflight');
    // Two more characters: served from the cache.
    const c = await engine.complete(req('count = len|'));
    assert.equal(c.text, '(items)');
    assert.equal(c.source, 'cache');
    assert.equal(fx.fake.count({ endpoint: 'completions' }), 1);
    assert.equal(fx.fake.requests[0].outcome, 'completed');
    await engine.flush();
  });

  it('falls back when the completion model hangs before its first token', async () => {
    fx.fake.script(CODER, [{ type: 'hang' }]);
    fx.fake.script(BACKUP, [{ type: 'text', chunks: ['sorted(', 'xs)'] }]);
    const engine = engineFor(core);
    const r = await engine.complete(req('ordered = |'));
    assert.equal(r.status, 'ok');
    assert.equal(r.model, 'backup');
    assert.equal(r.text, 'sorted(xs)');
    const backupReq = fx.fake.requests.find((q) => q.model === BACKUP);
    assert.match(backupReq?.body.prompt ?? '', /^<｜fim▁begin｜>ordered = <｜fim▁hole｜>/, 'the fallback model gets its own template');
    await fx.fake.waitFor(() => fx.fake.requests.find((q) => q.model === CODER)?.outcome === 'aborted');
    await engine.flush();
    const call = (await core.ledger.read()).find((x) => x.attempts.length === 2);
    assert.deepEqual(call?.attempts.map((x) => [x.model, x.errorClass ?? 'ok']), [['coder', 'ttft_timeout'], ['backup', 'ok']]);
  });

  it('a chat-only model gets the hole-filler prompt over /chat/completions', async () => {
    await core.dispose();
    core = await build(['chatty']);
    fx.fake.script(CHAT, [{ type: 'text', text: '<fill>```python\nsum(values)\n```</fill>' }]);
    const engine = engineFor(core);
    const r = await engine.complete(req('total = |\n'));
    assert.equal(r.text, 'sum(values)');
    const sent = fx.fake.requests[0];
    assert.equal(sent.endpoint, 'chat');
    assert.ok(JSON.stringify(sent.body.messages).includes('total = <<HOLE>>'));
    await engine.flush();
  });

  it('switchyard complete --json prints the completion, model, latency and cache hit', async () => {
    fx.fake.script(CODER, [{ type: 'text', chunks: ['"hello"'] }, { type: 'text', chunks: ['unused'] }]);
    const file = join(fx.testDir, 'greet.py');
    await writeFile(file, 'def greet():\n    print()\n');
    const offset = 'def greet():\n    print('.length;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    const code = await completeCommand.run(
      ['--file', file, '--offset', String(offset), '--then-type', '"he', '--json'],
      { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: fx.testDir },
      async () => core,
    );
    assert.equal(code, 0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].text, '"hello"');
    assert.equal(lines[0].model, 'coder');
    assert.equal(lines[0].cacheHit, false);
    assert.equal(typeof lines[0].latencyMs, 'number');
    assert.equal(lines[1].text, 'llo"');
    assert.equal(lines[1].cacheHit, true);
    assert.equal(fx.fake.count({ endpoint: 'completions' }), 1);
  });

  it('switchyard complete --json gives the replace range and the line as it reads after accepting', async () => {
    fx.fake.script(CODER, [{ type: 'text', chunks: ['items', ', key=len));'] }]);
    const file = join(fx.testDir, 'order.py');
    await writeFile(file, 'def order(items):\n    return list(sorted())\n');
    const offset = 'def order(items):\n    return list(sorted('.length;
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => (out += d));
    const code = await completeCommand.run(['--file', file, '--offset', String(offset), '--json'], { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: fx.testDir }, async () => core);
    assert.equal(code, 0);
    const line = JSON.parse(out.trim());
    assert.equal(line.text, 'items, key=len));');
    assert.deepEqual(line.range, { start: offset, end: offset + 2 }, 'the `))` after the cursor are replaced');
    assert.equal(line.finalLine, '    return list(sorted(items, key=len));');
    assert.equal(line.status, 'ok', 'the earlier fields are still there');
  });
});
