/**
 * Secrets in prompts and tool-call arguments never reach a trace: a real call through the real
 * SDKs, then the trace file on disk and the OTLP body a local collector received are searched for
 * every secret shape. With trace.recordBodies false no body (tool-call arguments included) is kept.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRACES_FILE } from '../../src/core/app';
import { startOtlpCollector, type OtlpCollector } from '../support/otlpCollector';
import { useWireFixture } from '../support/wireFixture';

// Fake secrets assembled at run time so no scanner mistakes this file for a leak.
const SECRETS = {
  'password = "…" (quoted assignment)': { line: (s: string) => `password = "${s}"`, secret: `hunter2${'hunter2'}` },
  'apiKey: "…" (object literal)': { line: (s: string) => `const cfg = { apiKey: "${s}" };`, secret: `AbCdEf${'123456XyZ'}` },
  'DB_PASSWORD="…" (env file, quoted)': { line: (s: string) => `DB_PASSWORD="${s}"`, secret: `Pa55w0rd${'-prod-1'}` },
  'aws_secret_access_key = … (credentials file)': { line: (s: string) => `aws_secret_access_key = ${s}`, secret: `wJalrXUtnFEMI/K7MDENG/${'bPxRfiCYEXAMPLEKEY'}` },
  'ya29. OAuth token': { line: (s: string) => `Authorization header value ${s} expired`, secret: `ya29.a0AfH6SMBx3kLq9ZT7${'c_w1yPq2R8vN0mJd'}` },
  '32-hex Azure key': { line: (s: string) => `azure key ${s} for westeurope`, secret: `3f2a9c7e1b8d4a6f${'0e5c2b9a7d3e1f40'}` },
  'short sk- key': { line: (s: string) => `use ${s} on the proxy`, secret: `sk-1a2b${'3c4d5e'}` },
};

describe('redaction through a real call (trace file and OTLP body)', function () {
  this.timeout(30_000);
  const fx = useWireFixture('redact');
  let collector: OtlpCollector;

  before(async () => {
    collector = await startOtlpCollector();
  });
  after(() => collector.close());
  beforeEach(() => {
    collector.exports.length = 0;
  });

  async function callWith(prompt: string, toolArguments: Record<string, string>, recordBodies = true) {
    fx.fake.script('gpt-4.1-mini', [{ type: 'tool_calls', calls: [{ id: 'call_1', name: 'deploy', arguments: toolArguments }] }]);
    const core = await fx.core({
      providers: { oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl } },
      models: { mini: { provider: 'oa', id: 'gpt-4.1-mini' } },
      routes: { chat: ['mini'] },
      trace: { otlpEndpoint: collector.url, recordBodies },
    });
    const result = await core.router.complete({
      task: 'chat',
      request: {
        messages: [{ role: 'user', content: prompt }],
        tools: [{ name: 'deploy', inputSchema: { type: 'object', properties: {} } }],
      },
    });
    assert.equal(result.status, 'ok', result.error?.message);
    assert.equal(result.toolCalls.length, 1);
    await core.dispose(); // writes the trace file and flushes the OTLP export
    const file = readFileSync(join(fx.testDir, TRACES_FILE), 'utf8');
    assert.ok(collector.exports.length > 0, 'the collector received the trace');
    return { file, otlp: collector.exports.map((e) => e.body.toString('utf8')).join('\n') };
  }

  it('masks every secret shape in the prompt and in tool-call arguments', async () => {
    const prompt = ['Please check this config:', ...Object.values(SECRETS).map((s) => s.line(s.secret)), 'Thanks.'].join('\n');
    const args = { password: SECRETS['password = "…" (quoted assignment)'].secret, note: SECRETS['ya29. OAuth token'].secret };
    const { file, otlp } = await callWith(prompt, args);
    assert.match(file, /Please check this config/, 'the prompt body is recorded');
    assert.match(file, /deploy/, 'the tool call is recorded');
    for (const [shape, { secret }] of Object.entries(SECRETS)) {
      assert.ok(!file.includes(secret), `${shape}: the secret is in the trace file`);
      assert.ok(!otlp.includes(secret), `${shape}: the secret is in the OTLP body`);
    }
    assert.match(file, /REDACTED/);
  });

  it('trace.recordBodies false keeps no body: no prompt, no answer, no tool-call arguments', async () => {
    const { file, otlp } = await callWith('plain question about marmots', { target: 'production-cluster-7' }, false);
    for (const text of [file, otlp]) {
      assert.ok(!text.includes('marmots'), 'the prompt is not recorded');
      assert.ok(!text.includes('production-cluster-7'), 'tool-call arguments are not recorded');
    }
    assert.match(file, /gpt-4\.1-mini/, 'the trace itself is recorded');
  });
});
