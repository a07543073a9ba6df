/**
 * The workspace index: walk → chunk → embed → store, incrementally. Files are re-chunked only when
 * their content changed and re-embedded only when their vectors are not already stored; deletes
 * purge; progress is checkpointed so an interrupted run resumes without re-embedding finished files.
 * This class owns a run's order (one at a time), the persisted state and the index state; the steps
 * live in ./index (what changed, batches, vector side, reporting) and ./retrieve/search.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { Logger } from '../logger';
import { Chunker, type ChunkerOptions } from './chunk/chunker';
import { LexicalIndex } from './store/lexicalIndex';
import { analyze, legacyAnalyze } from './store/textAnalysis';
import { walkWorkspace, isIndexable, emptyWalkReport, type WalkOptions } from './walk/walker';
import { VectorSync } from './index/vectorSync';
import { processFiles, type ProcessContext } from './index/processFiles';
import { emptySummary } from './index/report';
import { searchIndex, type SearchOptions, type SearchResponse } from './retrieve/search';
import type { Embedder, IndexProgress, IndexState, IndexSummary, VectorStore, WalkedFile } from './types';

export type { SearchOptions, SearchResponse } from './retrieve/search';

export interface RagIndexOptions {
  root: string;
  /** Folder for this workspace's lexical index and vector manifest. */
  storageDir: string;
  logger: Logger;
  chunker: Omit<ChunkerOptions, 'logger'>;
  walk?: Omit<WalkOptions, 'root' | 'signal'>;
  /** Both set: hybrid. Either missing: lexical-only, for `lexicalOnlyReason`. */
  embedder?: Embedder;
  vectors?: VectorStore;
  /** Collection name the vectors live in (recorded in the manifest). */
  collection?: string;
  lexicalOnlyReason?: string;
  /** Chunks per embedding flush (default 128). */
  embedBatch?: number;
  /** After a vector-store or embedding failure, vectors are retried after this long (default 60 s). */
  vectorRetryMs?: number;
  /** Lexical index checkpoint interval during a run (default 10 s). */
  checkpointMs?: number;
  now?: () => number;
  /** Evaluation only: the pre-Porter2 term analysis, and keeping generated-looking files, for before/after figures. */
  evaluation?: { legacyAnalysis?: boolean; keepGenerated?: boolean };
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) + '-' + createHash('sha256').update(s).digest('hex').slice(0, 8);
}

export class RagIndex {
  private readonly lexical: LexicalIndex;
  /** The vector side, when both an embedder and a vector store are configured. */
  private readonly vectors: VectorSync | undefined;
  private readonly chunker: Chunker;
  private loaded: Promise<void> | undefined;
  private stateValue: IndexState = { kind: 'idle' };
  private readonly listeners = new Set<(s: IndexState) => void>();
  /** Serialises runs: index, file updates and rebuilds never interleave. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly processContext: ProcessContext;

  constructor(private readonly opts: RagIndexOptions) {
    this.chunker = new Chunker({ ...opts.chunker, logger: opts.logger });
    this.lexical = new LexicalIndex(opts.evaluation?.legacyAnalysis ? legacyAnalyze : analyze);
    this.now = opts.now ?? Date.now;
    if (opts.embedder && opts.vectors) {
      this.vectors = new VectorSync({
        embedder: opts.embedder,
        store: opts.vectors,
        manifestFile: path.join(opts.storageDir, `vectors-${slug(opts.embedder.model)}.json`),
        collection: opts.collection ?? '',
        logger: opts.logger,
        retryMs: opts.vectorRetryMs,
        now: this.now,
      });
    }
    this.processContext = {
      lexical: this.lexical,
      vectors: this.vectors,
      chunker: this.chunker,
      purge: (paths) => this.purge(paths),
      saveLexical: () => this.lexical.save(this.lexicalDir),
      setState: (s) => this.setState(s),
      now: this.now,
      embedBatch: opts.embedBatch,
      checkpointMs: opts.checkpointMs,
      keepGenerated: opts.evaluation?.keepGenerated,
    };
  }

  get mode(): 'hybrid' | 'lexical-only' {
    return this.vectors?.available ? 'hybrid' : 'lexical-only';
  }

  /** Why the index is lexical-only (no embedding model, Chroma unavailable, …). */
  get lexicalOnlyReason(): string | undefined {
    if (this.mode === 'hybrid') return undefined;
    return this.vectors?.problem ?? this.opts.lexicalOnlyReason ?? 'no vector store is configured';
  }

  get state(): IndexState {
    return this.stateValue;
  }

  onState(listener: (s: IndexState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setState(s: IndexState): void {
    this.stateValue = s;
    for (const l of this.listeners) l(s);
  }

  private setReady(): void {
    this.setState({ kind: 'ready', files: this.lexical.paths().length, chunks: this.lexical.size, mode: this.mode, reason: this.lexicalOnlyReason });
  }

  private get lexicalDir(): string {
    return path.join(this.opts.storageDir, 'lexical');
  }

  /** Loads the persisted state once; unreadable files are discarded with a warning, never fatal. */
  private load(): Promise<void> {
    this.loaded ??= (async () => {
      await fs.mkdir(this.opts.storageDir, { recursive: true });
      // Format 2 kept the whole index in one JSON file, rewritten at every checkpoint: replaced by segments.
      await fs.rm(path.join(this.opts.storageDir, 'lexical.json'), { force: true }).catch(() => undefined);
      const existed = await fs.stat(path.join(this.lexicalDir, 'manifest.json')).then(() => true, () => false);
      if (!(await this.lexical.load(this.lexicalDir)) && existed) {
        this.opts.logger.warn(`RAG: the lexical index at ${this.lexicalDir} was unreadable; it will be rebuilt.`);
      }
      await this.vectors?.load();
      if (this.lexical.size > 0) this.setReady();
    })();
    return this.loaded;
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Indexes the workspace (incrementally unless `rebuild`). Cancelling keeps what was finished. */
  index(opts: { signal?: AbortSignal; onProgress?: (p: IndexProgress) => void; rebuild?: boolean } = {}): Promise<IndexSummary> {
    return this.enqueue(() => this.run(opts));
  }

  private async run(opts: { signal?: AbortSignal; onProgress?: (p: IndexProgress) => void; rebuild?: boolean }): Promise<IndexSummary> {
    const started = this.now();
    await this.load();
    this.vectors?.setProblem(undefined); // each run tries the vector side again
    if (opts.rebuild) {
      this.lexical.clear();
      await this.vectors?.reset();
    }
    await this.vectors?.verify();
    const summary = emptySummary(this.mode, this.lexicalOnlyReason);
    try {
      opts.onProgress?.({ phase: 'walk', done: 0, total: 0 });
      const report = emptyWalkReport();
      const files = await walkWorkspace({ ...this.opts.walk, root: this.opts.root, signal: opts.signal, report, known: (p) => this.lexical.stat(p), sniffBinary: false });
      Object.assign(summary.skipped, report);
      summary.filesSeen = files.length;
      const seen = new Set(files.map((f) => f.path));
      const gone = new Set([...this.lexical.paths(), ...(this.vectors?.paths() ?? [])].filter((p) => !seen.has(p)));
      if (gone.size > 0) {
        opts.onProgress?.({ phase: 'purge', done: 0, total: gone.size });
        await this.purge([...gone]);
        summary.filesDeleted = gone.size;
      }
      await processFiles(this.processContext, files, summary, opts.signal, opts.onProgress);
    } catch (err) {
      if (!opts.signal?.aborted) {
        await this.checkpoint().catch(() => undefined);
        this.setState({ kind: 'error', message: (err as Error).message });
        throw err;
      }
      summary.cancelled = true;
    }
    await this.checkpoint();
    summary.mode = this.mode;
    summary.reason = this.lexicalOnlyReason;
    summary.totalChunks = this.lexical.size;
    summary.durationMs = this.now() - started;
    opts.onProgress?.({ phase: 'done', done: summary.filesSeen, total: summary.filesSeen });
    this.setReady();
    return summary;
  }

  /** Re-indexes or purges the given workspace-relative paths (file watcher batches). */
  update(paths: string[], signal?: AbortSignal): Promise<IndexSummary> {
    return this.enqueue(async () => {
      const started = this.now();
      await this.load();
      const summary = emptySummary(this.mode, this.lexicalOnlyReason, paths.length);
      const keep: WalkedFile[] = [];
      const drop: string[] = [];
      const walkOpts = { ...this.opts.walk, root: this.opts.root };
      for (const rel of [...new Set(paths)]) {
        const tracked = !!(this.lexical.file(rel) || this.vectors?.entry(rel));
        if (await isIndexable(walkOpts, rel)) {
          const absPath = path.join(this.opts.root, rel);
          const st = await fs.stat(absPath).catch(() => undefined);
          if (st) keep.push({ path: rel, absPath, size: st.size, mtimeMs: st.mtimeMs });
          else if (tracked) drop.push(rel); // deleted since the event
        } else if (tracked) {
          drop.push(rel);
        }
      }
      if (drop.length > 0) await this.purge(drop);
      summary.filesDeleted = drop.length;
      try {
        await processFiles(this.processContext, keep, summary, signal);
      } catch (err) {
        if (!signal?.aborted) throw err;
        summary.cancelled = true;
      } finally {
        await this.checkpoint();
      }
      summary.totalChunks = this.lexical.size;
      summary.durationMs = this.now() - started;
      this.setReady();
      return summary;
    });
  }

  /** Forgets files in the lexical index and the vector store. */
  private async purge(paths: string[]): Promise<void> {
    this.lexical.remove(paths);
    await this.vectors?.purge(paths);
  }

  private async checkpoint(): Promise<void> {
    await this.lexical.save(this.lexicalDir);
    await this.vectors?.save();
  }

  /** Hybrid search: BM25 and vector candidates fused; lexical-only when vectors are unavailable. */
  async search(query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
    await this.load();
    return searchIndex({ root: this.opts.root, lexical: this.lexical, vectors: this.vectors, logger: this.opts.logger, lexicalOnlyReason: () => this.lexicalOnlyReason }, query, opts);
  }

  /** Vectors in the collection, or undefined when the index is lexical-only or the store is unreachable. */
  async vectorCount(): Promise<number | undefined> {
    return this.vectors?.count();
  }

  /** Loads the persisted index (if any) and returns its size. */
  async open(): Promise<{ files: number; chunks: number; embeddedFiles: number }> {
    await this.load();
    return this.stats();
  }

  /** Files and chunks in the lexical index. */
  stats(): { files: number; chunks: number; embeddedFiles: number } {
    return { files: this.lexical.paths().length, chunks: this.lexical.size, embeddedFiles: this.vectors?.embeddedFiles ?? 0 };
  }

  dispose(): void {
    this.chunker.dispose();
    this.listeners.clear();
  }
}
