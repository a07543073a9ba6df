/**
 * @workspace context: the question goes to the code index, the best chunks become prompt context,
 * and each retrieved chunk is recorded on the trace (path, lines, score) for the Traces tab.
 */
import type { SearchOptions, SearchResponse } from '../rag/indexer';
import type { ContextResolver } from './service';
import type { ResolvedContext } from './prompt';
import { CHUNK_EVENT } from '../trace/attributes';
import type { Span } from '../trace/types';

export interface WorkspaceContextOptions {
  /** Chunks to retrieve (default 8). */
  k?: number;
  /** Characters of chunk text kept in the prompt, in rank order (default 24 000). */
  maxChars?: number;
  /** Turns the question into the query to search (query rewriting; records its own span under `span`). */
  rewrite?: (question: string, signal: AbortSignal, span?: Span) => Promise<string>;
}

export function workspaceResolver(search: (query: string, opts?: SearchOptions) => Promise<SearchResponse>, options: WorkspaceContextOptions = {}): ContextResolver {
  const k = options.k ?? 8;
  const maxChars = options.maxChars ?? 24_000;
  return async (chip, question, signal, span) => {
    if (chip.kind !== 'workspace') return [];
    // The index records its own "retrieval" span (query, mode, hits; the query embedding nested) under ours.
    const query = options.rewrite ? await options.rewrite(question, signal, span) : question;
    const res = await search(query, { k, signal, parentSpan: span });
    const out: ResolvedContext[] = [];
    let used = 0;
    for (const hit of res.hits) {
      const c = hit.chunk;
      const source = [hit.vectorRank !== undefined ? 'vector' : '', hit.lexicalRank !== undefined ? 'bm25' : ''].filter(Boolean).join('+') || res.mode;
      const kept = used + c.text.length <= maxChars;
      span?.addEvent(CHUNK_EVENT.name, {
        [CHUNK_EVENT.path]: c.path, [CHUNK_EVENT.startLine]: c.startLine, [CHUNK_EVENT.endLine]: c.endLine, [CHUNK_EVENT.score]: hit.score, [CHUNK_EVENT.source]: source, [CHUNK_EVENT.kept]: kept,
      });
      if (!kept) continue;
      used += c.text.length;
      out.push({ kind: 'workspace', title: `${c.path}:${c.startLine}-${c.endLine}${c.symbol ? ` (${c.symbol})` : ''}`, language: c.language === 'text' ? undefined : c.language, content: c.text });
    }
    if (res.hits.length === 0) throw new Error(res.warning ?? 'the workspace index has no match (run Switchyard: Index Workspace)');
    return out;
  };
}
