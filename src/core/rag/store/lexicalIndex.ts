/** BM25 lexical index over chunks (MiniSearch), with a code-aware tokenizer, persisted as JSON. */
import { promises as fs } from 'node:fs';
import MiniSearch from 'minisearch';
import type { Chunk, LexicalMatch } from '../types';
import { writeFileAtomic } from './atomicFile';

const FORMAT = 2;

interface StoredChunk {
  id: string;
  path: string;
  symbol: string;
  text: string;
  startLine: number;
  endLine: number;
  language: string;
}

/** What the index knows about one file: its content hash and stat, and its chunk ids. */
export interface LexicalFileEntry {
  hash: string;
  mtimeMs: number;
  size: number;
  ids: string[];
}

/** A chunk's location as stored in the index (the text is read from the file when needed). */
export type ChunkRef = Omit<Chunk, 'text'>;

const SIMPLE = /^[a-z0-9]+$/;

/** Splits identifiers the way people search for them: `buildURL` → build, url, buildurl; `max_redirects` → max, redirects, max_redirects. */
export function tokenizeCode(text: string): string[] {
  const out: string[] = [];
  for (const word of text.match(/[A-Za-z0-9_$]+/g) ?? []) {
    if (word.length > 64) continue;
    if (SIMPLE.test(word)) {
      out.push(word);
      continue;
    }
    const lower = word.toLowerCase();
    const parts = word
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(/[\s_$]+/)
      .filter(Boolean)
      .map((p) => p.toLowerCase());
    if (parts.length !== 1 || parts[0] !== lower) out.push(lower);
    out.push(...parts);
  }
  return out;
}

const STOP = new Set(['the', 'a', 'an', 'of', 'to', 'in', 'is', 'it', 'and', 'or', 'for', 'on', 'be', 'this', 'that', 'with', 'how', 'does', 'do', 'what', 'where', 'which', 'when', 'are', 'i', 'by', 'as', 'from', 'if']);

function processTerm(term: string): string | null {
  if (term.length < 2 || STOP.has(term)) return null;
  // light stemming so "headers" finds "header", "cancelled" finds "cancel"
  return term
    .replace(/ies$/, 'y')
    .replace(/(ing|ed|es|s)$/, (m, _g, off: number) => (off >= 3 ? '' : m))
    .replace(/([b-df-hj-np-tv-z])\1$/, '$1');
}

const SEARCH_OPTIONS = {
  fields: ['text', 'symbol', 'path'],
  storeFields: ['path', 'symbol', 'startLine', 'endLine', 'language'],
  tokenize: tokenizeCode,
  processTerm,
  searchOptions: { boost: { symbol: 3, path: 2 }, prefix: false, fuzzy: false, combineWith: 'OR' as const },
};

function createSearch(): MiniSearch<StoredChunk> {
  return new MiniSearch<StoredChunk>(SEARCH_OPTIONS);
}

/** A BM25 index of chunk texts, symbols and paths; keeps chunk ids per path for purges. */
export class LexicalIndex {
  private search = createSearch();
  private readonly byPath = new Map<string, LexicalFileEntry>();

  get size(): number {
    return this.search.documentCount;
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  file(path: string): LexicalFileEntry | undefined {
    return this.byPath.get(path);
  }

  /** Replaces every chunk of a file. */
  replace(path: string, file: Omit<LexicalFileEntry, 'ids'>, chunks: Chunk[]): void {
    this.remove([path]);
    this.search.addAll(chunks.map(({ id, path: p, symbol, text, startLine, endLine, language }) => ({ id, path: p, symbol, text, startLine, endLine, language })));
    this.byPath.set(path, { ...file, ids: chunks.map((c) => c.id) });
  }

  /** Records a new size/mtime for an unchanged file (content hash equal). */
  replaceStat(path: string, size: number, mtimeMs: number): void {
    const e = this.byPath.get(path);
    if (e) this.byPath.set(path, { ...e, size, mtimeMs });
  }

  remove(paths: string[]): void {
    for (const p of paths) {
      const entry = this.byPath.get(p);
      if (!entry) continue;
      for (const id of entry.ids) if (this.search.has(id)) this.search.discard(id);
      this.byPath.delete(p);
    }
  }

  /** The stored location of a chunk, or undefined when the id is unknown. */
  ref(id: string): ChunkRef | undefined {
    const f = this.search.getStoredFields(id) as Partial<StoredChunk> | undefined;
    if (!f || typeof f.path !== 'string') return undefined;
    return { id, path: f.path, symbol: f.symbol ?? '', startLine: Number(f.startLine), endLine: Number(f.endLine), language: f.language ?? 'text' };
  }

  query(text: string, k: number): LexicalMatch[] {
    return this.search.search(text).slice(0, k).map((r) => ({ id: String(r.id), score: r.score }));
  }

  clear(): void {
    this.search = createSearch();
    this.byPath.clear();
  }

  async save(file: string): Promise<void> {
    const data = JSON.stringify({ format: FORMAT, byPath: Object.fromEntries(this.byPath), index: this.search.toJSON() });
    await writeFileAtomic(file, data);
  }

  /** Loads a saved index; returns false (and stays empty) when the file is missing or unreadable. */
  async load(file: string): Promise<boolean> {
    let raw: string;
    try {
      raw = await fs.readFile(file, 'utf8');
    } catch {
      return false;
    }
    try {
      const parsed = JSON.parse(raw) as { format?: number; byPath?: Record<string, LexicalFileEntry>; index?: unknown };
      if (parsed.format !== FORMAT || !parsed.byPath || !parsed.index) return false;
      const search = MiniSearch.loadJSON<StoredChunk>(JSON.stringify(parsed.index), SEARCH_OPTIONS);
      this.search = search;
      this.byPath.clear();
      for (const [p, e] of Object.entries(parsed.byPath)) {
        if (!e || typeof e.hash !== 'string' || !Array.isArray(e.ids)) throw new Error(`bad entry for ${p}`);
        this.byPath.set(p, { hash: e.hash, mtimeMs: Number(e.mtimeMs), size: Number(e.size), ids: e.ids.map(String) });
      }
      return true;
    } catch {
      this.clear();
      return false;
    }
  }
}
