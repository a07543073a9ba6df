/**
 * Query rewriting for @workspace questions through the real router and openai SDK to the fake
 * provider: allowed by the setting (auto = a model on this machine), time-boxed, cached, recorded
 * as its own span, and used by the @workspace resolver.
 */
import assert from 'node:assert/strict';
import type { AppServices } from '../../src/core/app';
import { parseConfig, type ConfigInput } from '../../src/core/config/schema';
import { silentLogger } from '../../src/core/logger';
import { workspaceResolver } from '../../src/core/chat/workspaceContext';
import { QueryRewriter, cleanRewrite, rewriteAllowed } from '../../src/core/rag/retrieve/queryRewrite';
import type { SearchOptions, SearchResponse } from '../../src/core/rag/indexer';
import { useWireFixture } from '../support/wireFixture';

describe('rag query rewriting (router → openai SDK → fake provider)', function () {
  this.timeout(30_000);
  const fx = useWireFixture('rewrite');

  const config = (rag: ConfigInput['rag'] = {}, baseUrl = fx.fake.openaiBaseUrl): ConfigInput => ({
    providers: { local: { kind: 'openai-compatible', baseUrl } },
    models: { chatty: { provider: 'local', id: 'local-chat' } },
    routes: { chat: ['chatty'] },
    rag,
  });
  async function rewriterFor(input: ConfigInput): Promise<{ rewriter: QueryRewriter; core: AppServices }> {
    const core = await fx.core(input, { dataDir: fx.freshDir() });
    return { rewriter: new QueryRewriter({ core: () => core, logger: silentLogger }), core };
  }

  it('rewrites with a local chat model, caches per question, and records a rag.rewrite span around the model call', async () => {
    fx.fake.setDefault('local-chat', { type: 'text', text: 'dedupeInflight pendingRequests requestKey' });
    const { rewriter, core } = await rewriterFor(config());
    const root = core.tracer.startTrace('chat');
    const q = 'where are identical concurrent GET requests collapsed';
    assert.equal(await rewriter.rewrite(q, { parentSpan: root }), `${q}\ndedupeInflight pendingRequests requestKey`);
    assert.equal(await rewriter.rewrite(`  ${q.toUpperCase()} `, { parentSpan: root }), `  ${q.toUpperCase()} \ndedupeInflight pendingRequests requestKey`);
    root.end();
    assert.equal(fx.fake.count({ model: 'local-chat' }), 1, 'the second question came from the cache');
    await core.traceStore.flush();
    const trace = (await core.traceStore.find(root.traceId))!;
    const spans = trace.spans.filter((s) => s.name === 'rag.rewrite');
    assert.equal(spans.length, 2);
    assert.deepEqual(spans.map((s) => s.attributes['switchyard.rag.rewrite.cached']), [false, true]);
    assert.equal(spans[0].attributes['switchyard.rag.rewrite.terms'], 'dedupeInflight pendingRequests requestKey');
    assert.ok(trace.spans.some((s) => s.parentSpanId === spans[0].spanId), 'the model call nests under the rewrite span');
    const body = fx.fake.requests[0].body as { messages: { role: string; content: string }[]; max_tokens?: number; max_completion_tokens?: number };
    assert.equal(body.messages.at(-1)?.content, q);
  });

  it('searches with the question as asked when the model does not answer within the time box', async () => {
    fx.fake.setDefault('local-chat', { type: 'text', text: 'too late', delayMs: 3000 });
    const { rewriter, core } = await rewriterFor(config({ queryRewriteTimeoutMs: 300 }));
    const root = core.tracer.startTrace('chat');
    const started = Date.now();
    assert.equal(await rewriter.rewrite('how are cookies parsed', { parentSpan: root }), 'how are cookies parsed');
    assert.ok(Date.now() - started < 2500, 'it did not wait for the slow model');
    root.end();
    const span = (await core.traceStore.find(root.traceId))!.spans.find((s) => s.name === 'rag.rewrite')!;
    assert.equal(span.status, 'error');
    assert.match(span.statusMessage ?? '', /no answer within 300 ms/);
    assert.equal(span.attributes['switchyard.rag.rewrite.timed_out'], true);
  });

  it('does not call a remote model unless rag.queryRewrite is on, and never when it is off', async () => {
    const remote = parseConfig(config({}, 'https://models.example.com/v1'));
    assert.deepEqual(rewriteAllowed(remote), { allowed: false, reason: 'chatty is a remote model; set rag.queryRewrite to "on" to rewrite with it too' });
    assert.equal(rewriteAllowed(parseConfig(config({ queryRewrite: 'on' }, 'https://models.example.com/v1'))).allowed, true);
    const { rewriter } = await rewriterFor(config({ queryRewrite: 'off' }));
    assert.equal(await rewriter.rewrite('where is the retry backoff'), 'where is the retry backoff');
    assert.equal(fx.fake.count(), 0);
    assert.throws(() => parseConfig(config({ queryRewrite: 'sometimes' as 'on' })), /queryRewrite/);
  });

  it('the @workspace resolver searches with the rewritten query', async () => {
    fx.fake.setDefault('local-chat', { type: 'text', text: '```\n"buildFullPath" combineURLs\n```' });
    const { rewriter } = await rewriterFor(config());
    const seen: string[] = [];
    const search = async (query: string, _o?: SearchOptions): Promise<SearchResponse> => {
      seen.push(query);
      return { mode: 'lexical-only', hits: [{ chunk: { id: 'a', path: 'lib/core/buildFullPath.js', startLine: 1, endLine: 3, symbol: 'buildFullPath', language: 'javascript', text: 'function buildFullPath() {}' }, score: 1 }] };
    };
    const resolve = workspaceResolver(search, { rewrite: (q, signal, span) => rewriter.rewrite(q, { signal, parentSpan: span }) });
    const got = await resolve({ kind: 'workspace', id: 'ws' }, 'how is the base url joined with a relative path', new AbortController().signal);
    assert.equal(seen[0], 'how is the base url joined with a relative path\nbuildFullPath combineURLs');
    assert.equal(got.length, 1);
    assert.equal(cleanRewrite('  \n`a`  b\nsecond line'), 'a b');
  });
});
