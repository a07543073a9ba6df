import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_SWITCHYARD_COST_USD,
} from '../../src/core/trace/attributes';
import { createOtlpExporter, otlpTracesUrl } from '../../src/core/trace/otlp';
import { MemoryTraceStore } from '../../src/core/trace/store';
import { createTracer } from '../../src/core/trace/tracer';
import type { Logger } from '../../src/core/logger';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: OtlpBody;
}
interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes: Array<{ key: string; value: OtlpValue }>;
  events?: Array<{ name: string }>;
  status?: { code?: number; message?: string };
}
interface OtlpBody {
  resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: OtlpValue }> }; scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }> }>;
}

function plain(v: OtlpValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return v.arrayValue.values.map(plain);
  return undefined;
}
const attrs = (list: Array<{ key: string; value: OtlpValue }>) => Object.fromEntries(list.map((a) => [a.key, plain(a.value)]));

describe('trace: OTLP/HTTP export', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(body) as OtlpBody });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends finished traces to /v1/traces with the same ids, times, gen_ai.* attributes and headers', async () => {
    let now = 1_763_000_000_123.5;
    const exporter = createOtlpExporter({ endpoint: base, headers: { 'x-team': 'core' }, serviceVersion: '0.1.0' });
    const tracer = createTracer({ store: new MemoryTraceStore({ maxTraces: 5, maxBytes: 1e6 }), exporter, clock: { now: () => now } });
    const root = tracer.startTrace('chat', { 'switchyard.task': 'chat' });
    const attempt = root.child('attempt', { [ATTR_GEN_AI_PROVIDER_NAME]: 'anthropic', [ATTR_GEN_AI_REQUEST_MODEL]: 'claude-sonnet-4-5' });
    now += 250;
    attempt.setAttributes({ [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 2600, [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'], [ATTR_SWITCHYARD_COST_USD]: 0.007275 });
    attempt.addEvent('first_token');
    attempt.setStatus('ok').end();
    root.setStatus('error', 'fallback used').end();
    await exporter.shutdown();

    assert.equal(received.length, 1);
    const [req] = received;
    assert.equal(req.path, '/v1/traces');
    assert.equal(req.headers['x-team'], 'core');
    assert.match(String(req.headers['content-type']), /application\/json/);
    const rs = req.body.resourceSpans[0];
    assert.equal(attrs(rs.resource.attributes)['service.name'], 'switchyard');
    assert.equal(rs.scopeSpans[0].scope.name, 'switchyard');
    const spans = rs.scopeSpans[0].spans;
    assert.equal(spans.length, 2);
    const a = spans.find((s) => s.name === 'attempt')!;
    const r = spans.find((s) => s.name === 'chat')!;
    assert.equal(a.traceId, root.traceId);
    assert.equal(a.spanId, attempt.spanId);
    assert.equal(a.parentSpanId, root.spanId);
    assert.equal(r.spanId, root.spanId);
    assert.equal(a.kind, 3, 'SPAN_KIND_CLIENT for a model call');
    assert.equal(r.kind, 1, 'SPAN_KIND_INTERNAL');
    assert.equal(BigInt(a.startTimeUnixNano), 1_763_000_000_123_500_000n);
    assert.equal(BigInt(a.endTimeUnixNano), 1_763_000_000_373_500_000n);
    assert.deepEqual(attrs(a.attributes), {
      [ATTR_GEN_AI_PROVIDER_NAME]: 'anthropic',
      [ATTR_GEN_AI_REQUEST_MODEL]: 'claude-sonnet-4-5',
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 2600,
      [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR_SWITCHYARD_COST_USD]: 0.007275,
    });
    assert.deepEqual(a.events?.map((e) => e.name), ['first_token']);
    assert.equal(a.status?.code, 1);
    assert.deepEqual([r.status?.code, r.status?.message], [2, 'fallback used']);
  });

  it('logs export failures instead of throwing, and never logs headers', async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };
    // A closed port: connection refused.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const exporter = createOtlpExporter({ endpoint: `http://127.0.0.1:${port}`, headers: { authorization: 'Basic c2VjcmV0' }, logger, timeoutMs: 2000 });
    const tracer = createTracer({ store: new MemoryTraceStore({ maxTraces: 5, maxBytes: 1e6 }), exporter });
    assert.doesNotThrow(() => tracer.startTrace('chat').end());
    await exporter.shutdown();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(`OTLP export to 127\\.0\\.0\\.1:${port} failed`));
    assert.ok(!warnings[0].includes('c2VjcmV0'));
  });

  it('accepts a collector base URL or the full traces URL', () => {
    assert.equal(otlpTracesUrl('http://localhost:4318'), 'http://localhost:4318/v1/traces');
    assert.equal(otlpTracesUrl('https://cloud.langfuse.com/api/public/otel/'), 'https://cloud.langfuse.com/api/public/otel/v1/traces');
    assert.equal(otlpTracesUrl('http://collector:4318/v1/traces'), 'http://collector:4318/v1/traces');
  });
});
