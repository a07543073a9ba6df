/** The vocabulary shared by the RAG pipeline stages: walk → chunk → embed → store → retrieve. */
import type { Span } from '../trace/types';

/** A file the walker accepted, with its workspace-relative POSIX path. */
export interface WalkedFile {
  /** Relative to the workspace root, '/'-separated. */
  path: string;
  absPath: string;
  size: number;
  mtimeMs: number;
}

/** One indexed piece of a file. Lines are 1-based and inclusive. */
export interface Chunk {
  /** Stable id: `${path}#${index}` plus a content hash, unique in a collection. */
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  /** Enclosing symbol, e.g. "Axios.request" or "buildURL"; empty when the chunk has none. */
  symbol: string;
  /** Language id (typescript, python, …) or "text". */
  language: string;
  text: string;
}

/** A retrieval hit: the chunk, its fused score and where each retriever ranked it (1-based). */
export interface SearchHit {
  chunk: Chunk;
  /** Reciprocal-rank-fusion score (sum of 1/(k + rank)). */
  score: number;
  lexicalRank?: number;
  lexicalScore?: number;
  vectorRank?: number;
  /** Cosine similarity (1 - cosine distance) of the query and the chunk. */
  vectorScore?: number;
  /** Added because the hit at this path imports or re-exports it (follow imports). */
  followedFrom?: string;
}

/** Turns text into vectors. `model` identifies the vector space (one collection per model). */
export interface Embedder {
  /** Stable identity of the vector space, e.g. "openai/text-embedding-3-small". */
  readonly model: string;
  /** `parentSpan` nests the embedding calls' traces under the caller's span (e.g. a chat turn's retrieval). */
  embed(texts: string[], signal?: AbortSignal, parentSpan?: Span): Promise<number[][]>;
}

export interface VectorMatch {
  id: string;
  /** Cosine distance (0 = same direction). */
  distance: number;
}

/** A store of chunk vectors for one workspace and one embedding model. */
export interface VectorStore {
  /** Stores chunk vectors; `fileHash` (content hash of each chunk's file) lets another client adopt them. */
  upsert(chunks: Chunk[], vectors: number[][], fileHash: (path: string) => string): Promise<void>;
  deleteByPath(paths: string[]): Promise<void>;
  query(vector: number[], k: number): Promise<VectorMatch[]>;
  count(): Promise<number>;
  /** What is stored per file path: vector count and the file hashes they were made from (for reconciling). */
  inventory(): Promise<Map<string, { count: number; hashes: Set<string> }>>;
  /** Removes every vector of this collection. */
  clear(): Promise<void>;
}

export interface LexicalMatch {
  id: string;
  score: number;
}

export type IndexState =
  | { kind: 'idle' }
  | { kind: 'indexing'; done: number; total: number }
  | { kind: 'ready'; files: number; chunks: number; mode: 'hybrid' | 'lexical-only'; reason?: string }
  | { kind: 'error'; message: string };

export interface IndexProgress {
  phase: 'walk' | 'index' | 'purge' | 'done';
  done: number;
  total: number;
  path?: string;
}

export interface IndexSummary {
  mode: 'hybrid' | 'lexical-only';
  /** Why the index is lexical-only, when it is. */
  reason?: string;
  filesSeen: number;
  filesIndexed: number;
  filesUnchanged: number;
  filesDeleted: number;
  chunksIndexed: number;
  chunksEmbedded: number;
  totalChunks: number;
  cancelled: boolean;
  durationMs: number;
  /** Files left out, by reason (ignore rules and excludes are expected and not counted). */
  skipped: WalkReport & {
    /** Deleted or made unreadable while the run went on. */
    vanished: number;
  };
}

/** Files the walker left out for reasons a user may not expect (ignore rules are expected, so not counted). */
export interface WalkReport {
  /** Symbolic links are not followed (cycles, files outside the workspace, duplicates). */
  symlinks: number;
  unreadableDirs: number;
  /** Names that are not valid UTF-8 (they cannot be read back by name). */
  nonUtf8Names: number;
  tooLarge: number;
  binary: number;
  /** Marked `linguist-generated` in .gitattributes. */
  generated: number;
}
