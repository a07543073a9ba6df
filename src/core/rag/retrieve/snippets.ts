/**
 * Index snippets for inline completion: a lexical-only query (no embedding round trip on the
 * keystroke path) built from the identifiers near the cursor; chunks of the current file are skipped.
 */
import type { Snippet } from '../../completion/context/snippets';
import type { SearchOptions, SearchResponse } from '../indexer';

const IDENT = /[A-Za-z_$][A-Za-z0-9_$]{2,}/g;
const KEYWORDS = new Set(['const', 'let', 'var', 'function', 'return', 'import', 'export', 'from', 'class', 'this', 'new', 'async', 'await', 'def', 'self', 'func', 'for', 'while', 'else', 'true', 'false', 'null', 'undefined', 'None', 'public', 'private', 'static', 'void', 'int', 'string', 'number', 'type', 'interface', 'package', 'impl', 'pub', 'use', 'struct']);

/** Distinct identifiers of the last `lines` lines before the cursor, nearest first, at most `max`. */
export function snippetQuery(prefix: string, lines = 15, max = 24): string {
  const tail = prefix.split('\n').slice(-lines).reverse().join('\n');
  const seen = new Set<string>();
  for (const m of tail.match(IDENT) ?? []) {
    if (!KEYWORDS.has(m)) seen.add(m);
    if (seen.size >= max) break;
  }
  return [...seen].join(' ');
}

export async function completionSnippets(
  search: (query: string, opts?: SearchOptions) => Promise<SearchResponse>,
  input: { filepath: string; prefix: string },
  signal?: AbortSignal,
  opts: { k?: number; maxChars?: number } = {},
): Promise<Snippet[]> {
  const query = snippetQuery(input.prefix);
  if (!query) return [];
  const res = await search(query, { k: (opts.k ?? 3) + 3, signal, retrievers: 'lexical' });
  const current = input.filepath.replace(/\\/g, '/');
  const out: Snippet[] = [];
  for (const h of res.hits) {
    if (current.endsWith(`/${h.chunk.path}`) || current === h.chunk.path) continue;
    out.push({ filepath: h.chunk.path, text: h.chunk.text.slice(0, opts.maxChars ?? 1500), kind: 'index' });
    if (out.length >= (opts.k ?? 3)) break;
  }
  return out;
}
