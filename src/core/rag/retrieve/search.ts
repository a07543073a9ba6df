/**
 * Hybrid search over a workspace index: BM25 and vector candidates fused, at most a few chunks per
 * file, small re-export hits followed to the definition they point at; lexical-only when vectors
 * are unavailable. The query, mode and hits are recorded on a "retrieval" span.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../logger';
import type { Span } from '../../trace/types';
import type { ChunkRef, LexicalIndex } from '../store/lexicalIndex';
import type { VectorSync } from '../index/vectorSync';
import { describeError } from '../index/vectorSync';
import type { SearchHit } from '../types';
import { capPerFile, weightedFusion } from './weightedFusion';
import { importTargets, isImportHub } from './followImports';
import {
  ATTR_SWITCHYARD_RAG_HITS,
  ATTR_SWITCHYARD_RAG_HIT_COUNT,
  ATTR_SWITCHYARD_RAG_K,
  ATTR_SWITCHYARD_RAG_MODE,
  ATTR_SWITCHYARD_RAG_RETRIEVERS,
  ATTR_SWITCHYARD_RAG_WARNING,
} from '../../trace/attributes';

export interface SearchOptions {
  k?: number;
  signal?: AbortSignal;
  /** Candidates taken from each retriever before fusion (default 4k, at least 20). */
  candidates?: number;
  /** Which retrievers to use (default both: 'hybrid'); single ones are for evaluation. */
  retrievers?: 'hybrid' | 'lexical' | 'vector';
  /** The caller's span: a "retrieval" child span records the query, mode and hits; the query's embedding call nests under it. */
  parentSpan?: Span;
  /** At most this many chunks of one file before other files' chunks (default 2; 0 = no cap). */
  maxPerFile?: number;
  /** Add the definition a small re-export / import hit points at, right after it (default true). */
  followImports?: boolean;
}

export interface SearchResponse {
  hits: SearchHit[];
  mode: 'hybrid' | 'lexical-only';
  /** Why the vector side was not used for this query, if it was not. */
  warning?: string;
}

/** What a search reads: the workspace's files, its lexical index and (when kept) its vectors. */
export interface SearchSources {
  root: string;
  lexical: LexicalIndex;
  vectors?: VectorSync;
  logger: Logger;
  /** Why the index is lexical-only right now, if it is. */
  lexicalOnlyReason(): string | undefined;
}

export async function searchIndex(sources: SearchSources, query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
  const span = opts.parentSpan?.child('retrieval', { [ATTR_SWITCHYARD_RAG_K]: opts.k ?? 10, [ATTR_SWITCHYARD_RAG_RETRIEVERS]: opts.retrievers ?? 'hybrid' });
  try {
    const res = await search(sources, query, opts, span);
    span?.setAttributes({
      [ATTR_SWITCHYARD_RAG_MODE]: res.mode,
      [ATTR_SWITCHYARD_RAG_HIT_COUNT]: res.hits.length,
      [ATTR_SWITCHYARD_RAG_HITS]: res.hits.map((h) => `${h.chunk.path}:${h.chunk.startLine}-${h.chunk.endLine}`),
    });
    if (res.warning) span?.setAttribute(ATTR_SWITCHYARD_RAG_WARNING, res.warning);
    span?.setStatus('ok');
    return res;
  } catch (err) {
    span?.setStatus('error', (err as Error).message);
    throw err;
  } finally {
    span?.end();
  }
}

async function search(sources: SearchSources, query: string, opts: SearchOptions, span: Span | undefined): Promise<SearchResponse> {
  const { lexical, vectors } = sources;
  const k = opts.k ?? 10;
  const n = opts.candidates ?? Math.max(20, k * 4);
  const use = opts.retrievers ?? 'hybrid';
  const lexicalMatches = use === 'vector' ? [] : lexical.query(query, n);
  let vectorMatches: { id: string; score: number }[] = [];
  let warning: string | undefined;
  let mode: SearchResponse['mode'] = 'lexical-only';
  if (use !== 'lexical' && vectors?.searchable) {
    try {
      const matches = await vectors.query(query, n, opts.signal, span);
      vectorMatches = matches.map((m) => ({ id: m.id, score: 1 - m.distance }));
      mode = 'hybrid';
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      warning = `vector search failed (${(err as Error).message.split('\n')[0]}); showing lexical results only`;
      vectors.setProblem(`vector search failed (${describeError(err)})`); // back off: lexical-only for a while
      sources.logger.warn(`RAG: ${warning}`);
    }
  } else {
    const reason = sources.lexicalOnlyReason();
    warning = reason ? `lexical-only: ${reason}` : undefined;
  }
  const refs = weightedFusion(lexicalMatches, vectorMatches)
    .map((f) => ({ f, ref: lexical.ref(f.id) }))
    .filter((r): r is { f: typeof r.f; ref: NonNullable<typeof r.ref> } => !!r.ref); // a vector whose file has since changed or gone
  const maxPerFile = opts.maxPerFile ?? 2;
  const ordered = maxPerFile > 0 ? capPerFile(refs, (r) => r.ref.path, maxPerFile) : refs;
  const hits: SearchHit[] = [];
  const fileLines = new FileLines(sources.root);
  for (const { f, ref } of ordered) {
    if (hits.length >= k) break;
    const lines = await fileLines.get(ref.path);
    if (!lines) continue;
    const { id: _id, ...fusedRest } = f;
    const text = lines.slice(ref.startLine - 1, ref.endLine).join('\n');
    if (hits.some((h) => h.chunk.id === ref.id)) continue; // already added as a followed import
    hits.push({ chunk: { ...ref, text }, ...fusedRest });
    if (opts.followImports !== false && hits.length < k && isImportHub(text)) {
      for (const target of importTargets(text, ref.path, (p) => !!lexical.stat(p)).slice(0, 2)) {
        const def = definitionIn(lexical, target.path, target.names);
        if (!def || hits.some((h) => h.chunk.id === def.id) || hits.length >= k) continue;
        const defLines = await fileLines.get(def.path);
        if (!defLines) continue;
        hits.push({ chunk: { ...def, text: defLines.slice(def.startLine - 1, def.endLine).join('\n') }, score: f.score, followedFrom: ref.path });
      }
    }
  }
  return { hits, mode, warning };
}

/** The chunk of `file` that defines one of `names` (by symbol), else its first chunk. */
function definitionIn(lexical: LexicalIndex, file: string, names: string[]): ChunkRef | undefined {
  const refs = (lexical.file(file)?.ids ?? []).map((id) => lexical.ref(id)).filter((r): r is NonNullable<typeof r> => !!r);
  const named = refs.find((r) => names.some((n) => r.symbol === n || r.symbol.endsWith(`.${n}`) || r.symbol.startsWith(`${n}.`)));
  return named ?? refs[0];
}

/** The current lines of workspace files, each read once per search (null: gone or unreadable). */
class FileLines {
  private readonly cache = new Map<string, Promise<string[] | null>>();

  constructor(private readonly root: string) {}

  get(relPath: string): Promise<string[] | null> {
    let lines = this.cache.get(relPath);
    if (!lines) {
      lines = fs.readFile(path.join(this.root, relPath), 'utf8').then((t) => t.split(/\r?\n/), () => null);
      this.cache.set(relPath, lines);
    }
    return lines;
  }
}
