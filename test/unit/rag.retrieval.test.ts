/** BM25 lexical index (code tokenizer, purge, persistence) and reciprocal rank fusion. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LexicalIndex, tokenizeCode } from '../../src/core/rag/store/lexicalIndex';
import { reciprocalRankFusion } from '../../src/core/rag/retrieve/fusion';
import type { Chunk } from '../../src/core/rag/types';
import { ragStatusView, relativeInside } from '../../src/host/rag/statusView';
import { collectionName } from '../../src/core/rag/store/chromaStore';
import { completionSnippets, snippetQuery } from '../../src/core/rag/retrieve/snippets';
import type { SearchOptions, SearchResponse } from '../../src/core/rag/indexer';

const chunk = (path: string, i: number, text: string, symbol = ''): Chunk => ({ id: `${path}#${i}`, path, startLine: i * 10 + 1, endLine: i * 10 + 5, symbol, language: 'typescript', text });
const stat = { hash: 'h', size: 1, mtimeMs: 1 };

describe('rag lexical index', () => {
  it('splits identifiers the way people search for them', () => {
    assert.deepEqual(tokenizeCode('buildURL max_redirects XMLHttpRequest'), ['buildurl', 'build', 'url', 'max_redirects', 'max', 'redirects', 'xmlhttprequest', 'xml', 'http', 'request']);
  });

  it('ranks by BM25 over text, symbol and path, finds camelCase parts and plural forms', () => {
    const idx = new LexicalIndex();
    idx.replace('src/retry.ts', stat, [chunk('src/retry.ts', 0, 'export function retryWithBackoff(fn) { /* sleeps between attempts */ }', 'retryWithBackoff')]);
    idx.replace('src/cache.ts', stat, [chunk('src/cache.ts', 0, 'export class LruCache { evict() {} }', 'LruCache'), chunk('src/cache.ts', 1, 'function unrelated() { return 1 }')]);
    const r = idx.query('how are retries with backoff done', 5);
    assert.equal(r[0].id, 'src/retry.ts#0');
    assert.equal(idx.query('cache eviction', 5)[0].id, 'src/cache.ts#0');
    assert.deepEqual(idx.ref('src/cache.ts#1'), { id: 'src/cache.ts#1', path: 'src/cache.ts', symbol: '', startLine: 11, endLine: 15, language: 'typescript' });
  });

  it('purges every chunk of a removed or replaced file', () => {
    const idx = new LexicalIndex();
    idx.replace('a.ts', stat, [chunk('a.ts', 0, 'alpha beta'), chunk('a.ts', 1, 'gamma')]);
    idx.replace('a.ts', stat, [chunk('a.ts', 2, 'delta')]);
    assert.equal(idx.size, 1);
    assert.deepEqual(idx.query('gamma', 5), []);
    idx.remove(['a.ts']);
    assert.equal(idx.size, 0);
    assert.deepEqual(idx.paths(), []);
  });

  it('persists and reloads; an unreadable file loads as empty without throwing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-lex-'));
    const file = join(dir, 'lexical.json');
    const idx = new LexicalIndex();
    idx.replace('a.ts', { hash: 'abc', size: 10, mtimeMs: 5 }, [chunk('a.ts', 0, 'parseWidgetConfig reads widgets', 'parseWidgetConfig')]);
    await idx.save(file);
    const back = new LexicalIndex();
    assert.equal(await back.load(file), true);
    assert.equal(back.query('widget config', 1)[0].id, 'a.ts#0');
    assert.deepEqual(back.file('a.ts'), { hash: 'abc', size: 10, mtimeMs: 5, ids: ['a.ts#0'] });
    writeFileSync(file, '{"format":2,"byPath":');
    const broken = new LexicalIndex();
    assert.equal(await broken.load(file), false);
    assert.equal(broken.size, 0);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('rag reciprocal rank fusion', () => {
  it('sums 1/(k+rank) and keeps both ranks and scores', () => {
    const fused = reciprocalRankFusion(
      [{ id: 'a', score: 9 }, { id: 'b', score: 5 }],
      [{ id: 'b', score: 0.9 }, { id: 'c', score: 0.8 }],
      60,
    );
    assert.deepEqual(fused.map((f) => f.id), ['b', 'a', 'c']);
    assert.deepEqual(fused[0], { id: 'b', score: 1 / 62 + 1 / 61, lexicalRank: 2, lexicalScore: 5, vectorRank: 1, vectorScore: 0.9 });
    assert.equal(fused[1].vectorRank, undefined);
    assert.equal(fused[2].lexicalRank, undefined);
  });

  it('breaks score ties by the better single rank', () => {
    const fused = reciprocalRankFusion([{ id: 'x', score: 1 }], [{ id: 'y', score: 1 }]);
    assert.equal(fused[0].score, fused[1].score);
    assert.deepEqual(fused.map((f) => f.id), ['x', 'y']);
  });
});

describe('rag naming and status', () => {
  it('uses one valid Chroma collection per workspace and embedding model', () => {
    const a = collectionName('/w/one', 'openai/text-embedding-3-small');
    assert.match(a, /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$/);
    assert.notEqual(a, collectionName('/w/one', 'openai/text-embedding-3-large'));
    assert.notEqual(a, collectionName('/w/two', 'openai/text-embedding-3-small'));
    assert.equal(a, collectionName('/w/one', 'openai/text-embedding-3-small'));
  });

  it('shows indexing progress, lexical-only with its reason, and errors', () => {
    assert.equal(ragStatusView({ kind: 'indexing', done: 3, total: 10 }).text, '$(sync~spin) Indexing workspace 3/10');
    // Says what it is to someone who has never seen it: the workspace index, and what a click does.
    const idle = ragStatusView({ kind: 'idle' } as Parameters<typeof ragStatusView>[0]);
    assert.equal(idle.text, '$(database) Index workspace');
    assert.match(idle.tooltip, /@workspace[\s\S]*Click to index it/);
    const lex = ragStatusView({ kind: 'ready', files: 2, chunks: 5, mode: 'lexical-only', reason: 'no embedding model is configured' });
    assert.equal(lex.text, '$(database) Workspace indexed (keywords only)');
    assert.match(lex.tooltip, /Lexical-only because no embedding model is configured/);
    assert.equal(ragStatusView({ kind: 'error', message: 'boom' }).error, true);
    assert.equal(relativeInside('/w/p', '/w/p/src/a.ts'), 'src/a.ts');
    assert.equal(relativeInside('/w/p', '/w/pq/a.ts'), undefined);
  });
});

describe('rag snippets for inline completion', () => {
  it('queries the identifiers nearest the cursor, without keywords', () => {
    const prefix = 'import { a } from "x";\nconst total = computeInvoiceTotal(lines);\nreturn formatMoney(total';
    assert.equal(snippetQuery(prefix), 'formatMoney total computeInvoiceTotal lines');
  });

  it('asks the lexical retriever only and skips chunks of the current file', async () => {
    const seen: SearchOptions[] = [];
    const search = async (_q: string, o?: SearchOptions): Promise<SearchResponse> => {
      seen.push(o ?? {});
      return { mode: 'hybrid', hits: [chunk('src/a.ts', 0, 'self'), chunk('src/money.ts', 0, 'export function formatMoney() {}'), chunk('src/b.ts', 1, 'other')].map((c, i) => ({ chunk: c, score: 1 / (i + 1) })) };
    };
    const out = await completionSnippets(search, { filepath: '/home/u/proj/src/a.ts', prefix: 'formatMoney(' }, undefined, { k: 2 });
    assert.deepEqual(out.map((s) => s.filepath), ['src/money.ts', 'src/b.ts']);
    assert.equal(out[0].kind, 'index');
    assert.equal(seen[0].retrievers, 'lexical');
  });
});
