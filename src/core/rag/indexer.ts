/**
 * The workspace index: walk → chunk → embed → store, incrementally. Files are re-chunked only when
 * their content changed and re-embedded only when their vectors are not already stored; deletes
 * purge; progress is checkpointed so an interrupted run resumes without re-embedding finished files.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { Logger } from '../logger';
import type { Span } from '../trace/types';
import { Chunker, type ChunkerOptions } from './chunk/chunker';
import { capPerFile, weightedFusion } from './retrieve/weightedFusion';
import { LexicalIndex } from './store/lexicalIndex';
import { analyze, legacyAnalyze } from './store/textAnalysis';
import { loadManifest, saveManifest, emptyManifest, type VectorManifest } from './store/manifest';
import { walkWorkspace, isIndexable, emptyWalkReport, looksBinary, HARD_MAX_FILE_BYTES, type WalkOptions } from './walk/walker';
import { generatedReason } from './walk/generated';
import type { Chunk, Embedder, IndexProgress, IndexState, IndexSummary, SearchHit, VectorStore, WalkedFile } from './types';
import {
  ATTR_SWITCHYARD_RAG_HITS,
  ATTR_SWITCHYARD_RAG_HIT_COUNT,
  ATTR_SWITCHYARD_RAG_K,
  ATTR_SWITCHYARD_RAG_MODE,
  ATTR_SWITCHYARD_RAG_RETRIEVERS,
  ATTR_SWITCHYARD_RAG_WARNING,
} from '../trace/attributes';

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
}

export interface SearchResponse {
  hits: SearchHit[];
  mode: 'hybrid' | 'lexical-only';
  /** Why the vector side was not used for this query, if it was not. */
  warning?: string;
}

interface Pending {
  file: WalkedFile;
  hash: string;
  chunks: Chunk[];
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) + '-' + createHash('sha256').update(s).digest('hex').slice(0, 8);
}

export class RagIndex {
  private readonly lexical: LexicalIndex;
  private manifest: VectorManifest | undefined;
  private readonly chunker: Chunker;
  private loaded: Promise<void> | undefined;
  private stateValue: IndexState = { kind: 'idle' };
  private readonly listeners = new Set<(s: IndexState) => void>();
  /** Serialises runs: index, file updates and rebuilds never interleave. */
  private queue: Promise<unknown> = Promise.resolve();
  private vectorProblemValue: string | undefined;
  private vectorProblemAt = 0;
  private reconciled = false;
  private readonly now: () => number;

  constructor(private readonly opts: RagIndexOptions) {
    this.chunker = new Chunker({ ...opts.chunker, logger: opts.logger });
    this.lexical = new LexicalIndex(opts.evaluation?.legacyAnalysis ? legacyAnalyze : analyze);
    this.now = opts.now ?? Date.now;
  }

  get mode(): 'hybrid' | 'lexical-only' {
    return this.opts.embedder && this.opts.vectors && !this.vectorProblem ? 'hybrid' : 'lexical-only';
  }

  /** Why the index is lexical-only (no embedding model, Chroma unavailable, …). */
  get lexicalOnlyReason(): string | undefined {
    if (this.mode === 'hybrid') return undefined;
    return this.vectorProblem ?? this.opts.lexicalOnlyReason ?? 'no vector store is configured';
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

  private get lexicalDir(): string {
    return path.join(this.opts.storageDir, 'lexical');
  }

  private get manifestFile(): string {
    return path.join(this.opts.storageDir, `vectors-${slug(this.opts.embedder?.model ?? 'none')}.json`);
  }

  /** Why vectors are not used right now; forgotten after a minute so a recovered server is used again. */
  private get vectorProblem(): string | undefined {
    if (this.vectorProblemValue && this.now() - this.vectorProblemAt > (this.opts.vectorRetryMs ?? 60_000)) this.vectorProblemValue = undefined;
    return this.vectorProblemValue;
  }

  private set vectorProblem(reason: string | undefined) {
    this.vectorProblemValue = reason;
    this.vectorProblemAt = this.now();
  }

  private hasVectors(): boolean {
    return !!(this.opts.embedder && this.opts.vectors) && !this.vectorProblem;
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
      if (this.opts.embedder) {
        const { manifest, problem } = await loadManifest(this.manifestFile, this.opts.embedder!.model, this.opts.collection ?? '');
        if (problem) this.opts.logger.warn(`RAG: discarded the vector manifest (${problem}); files will be re-embedded.`);
        this.manifest = manifest;
      }
      if (this.lexical.size > 0) {
        this.setState({ kind: 'ready', files: this.lexical.paths().length, chunks: this.lexical.size, mode: this.mode, reason: this.lexicalOnlyReason });
      }
    })();
    return this.loaded;
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Checks that the collection still holds what the manifest says; otherwise re-embeds everything. */
  private async verifyVectors(): Promise<void> {
    if (!this.hasVectors() || !this.manifest) return;
    let count: number;
    try {
      count = await this.opts.vectors!.count();
    } catch (err) {
      this.vectorProblem = `the vector store is unavailable (${(err as Error).message.split('\n')[0]})`;
      this.opts.logger.warn(`RAG: ${this.vectorProblem}; indexing lexical-only.`);
      return;
    }
    const expected = Object.values(this.manifest.files).reduce((n, f) => n + f.chunks, 0);
    // The first run of a session checks file by file (counts could offset); later runs trust equal counts.
    if (count === expected && this.reconciled) return;
    this.reconciled = true;
    // A run stopped between storing vectors and recording them, the manifest was lost, or another
    // client (a teammate on a shared server) stored them: reconcile per file. Complete sets of
    // vectors made from one file version are adopted (and reused if the file still has that
    // content); anything else is deleted and that file re-embedded.
    const stored = await this.opts.vectors!.inventory();
    const files = this.manifest.files;
    const drop: string[] = [];
    let adopted = 0;
    for (const [p, e] of stored) {
      const mine = files[p];
      if (mine && mine.chunks === e.count && e.hashes.size === 1 && e.hashes.has(mine.hash)) continue;
      const [hash] = [...e.hashes];
      if (!mine && p && e.hashes.size === 1 && hash) {
        files[p] = { hash, chunks: e.count };
        adopted++;
        continue;
      }
      drop.push(p);
      delete files[p];
    }
    for (const p of Object.keys(files)) if (!stored.has(p) && files[p].chunks > 0) delete files[p];
    if (drop.length > 0) await this.opts.vectors!.deleteByPath(drop);
    if (adopted > 0 || drop.length > 0) {
      this.opts.logger.warn(`RAG: the vector collection held ${count} vectors, ${expected} were recorded; reconciled per file: adopted the stored vectors of ${adopted} files; deleted those of ${drop.length} inconsistent files (they will be re-embedded).`);
    }
    await saveManifest(this.manifestFile, this.manifest);
  }

  /** Indexes the workspace (incrementally unless `rebuild`). Cancelling keeps what was finished. */
  index(opts: { signal?: AbortSignal; onProgress?: (p: IndexProgress) => void; rebuild?: boolean } = {}): Promise<IndexSummary> {
    return this.enqueue(() => this.run(opts));
  }

  private async run(opts: { signal?: AbortSignal; onProgress?: (p: IndexProgress) => void; rebuild?: boolean }): Promise<IndexSummary> {
    const started = this.now();
    await this.load();
    this.vectorProblem = undefined;
    if (opts.rebuild) {
      this.lexical.clear();
      if (this.hasVectors()) {
        try {
          await this.opts.vectors!.clear();
        } catch (err) {
          this.vectorProblem = `the vector store is unavailable (${(err as Error).message.split('\n')[0]})`;
        }
        this.manifest = emptyManifest(this.opts.embedder!.model, this.opts.collection ?? '');
        await saveManifest(this.manifestFile, this.manifest);
      }
    }
    await this.verifyVectors();
    const summary: IndexSummary = {
      mode: this.mode, reason: this.lexicalOnlyReason, filesSeen: 0, filesIndexed: 0, filesUnchanged: 0, filesDeleted: 0,
      chunksIndexed: 0, chunksEmbedded: 0, totalChunks: 0, cancelled: false, durationMs: 0, skipped: emptySkipped(),
    };
    try {
      opts.onProgress?.({ phase: 'walk', done: 0, total: 0 });
      const report = emptyWalkReport();
      const files = await walkWorkspace({ ...this.opts.walk, root: this.opts.root, signal: opts.signal, report, known: (p) => this.lexical.stat(p), sniffBinary: false });
      Object.assign(summary.skipped, report);
      summary.filesSeen = files.length;
      const seen = new Set(files.map((f) => f.path));
      const gone = new Set([...this.lexical.paths(), ...Object.keys(this.manifest?.files ?? {})].filter((p) => !seen.has(p)));
      if (gone.size > 0) {
        opts.onProgress?.({ phase: 'purge', done: 0, total: gone.size });
        await this.purge([...gone]);
        summary.filesDeleted = gone.size;
      }
      await this.processFiles(files, summary, opts.signal, opts.onProgress);
    } catch (err) {
      if (!opts.signal?.aborted) {
        await this.checkpoint().catch(() => undefined);
        const message = (err as Error).message;
        this.setState({ kind: 'error', message });
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
    this.setState({ kind: 'ready', files: this.lexical.paths().length, chunks: this.lexical.size, mode: this.mode, reason: this.lexicalOnlyReason });
    return summary;
  }

  /** Re-indexes or purges the given workspace-relative paths (file watcher batches). */
  update(paths: string[], signal?: AbortSignal): Promise<IndexSummary> {
    return this.enqueue(async () => {
      const started = this.now();
      await this.load();
      const summary: IndexSummary = {
        mode: this.mode, reason: this.lexicalOnlyReason, filesSeen: paths.length, filesIndexed: 0, filesUnchanged: 0, filesDeleted: 0,
        chunksIndexed: 0, chunksEmbedded: 0, totalChunks: 0, cancelled: false, durationMs: 0, skipped: emptySkipped(),
      };
      const keep: WalkedFile[] = [];
      const drop: string[] = [];
      for (const rel of [...new Set(paths)]) {
        const walkOpts = { ...this.opts.walk, root: this.opts.root };
        if (await isIndexable(walkOpts, rel)) {
          const absPath = path.join(this.opts.root, rel);
          const st = await fs.stat(absPath).catch(() => undefined);
          if (st) keep.push({ path: rel, absPath, size: st.size, mtimeMs: st.mtimeMs });
          else if (this.lexical.file(rel) || this.manifest?.files[rel]) drop.push(rel); // deleted since the event
        } else if (this.lexical.file(rel) || this.manifest?.files[rel]) {
          drop.push(rel);
        }
      }
      if (drop.length > 0) await this.purge(drop);
      summary.filesDeleted = drop.length;
      try {
        await this.processFiles(keep, summary, signal);
      } catch (err) {
        if (!signal?.aborted) throw err;
        summary.cancelled = true;
      } finally {
        await this.checkpoint();
      }
      summary.totalChunks = this.lexical.size;
      summary.durationMs = this.now() - started;
      this.setState({ kind: 'ready', files: this.lexical.paths().length, chunks: this.lexical.size, mode: this.mode, reason: this.lexicalOnlyReason });
      return summary;
    });
  }

  private async purge(paths: string[]): Promise<void> {
    this.lexical.remove(paths);
    if (this.hasVectors() && this.manifest) {
      try {
        await this.opts.vectors!.deleteByPath(paths);
      } catch (err) {
        this.degrade(`the vector store failed (${describe(err)})`); // the manifest keeps them: purged next run
        return;
      }
      for (const p of paths) delete this.manifest.files[p];
      await saveManifest(this.manifestFile, this.manifest);
    }
  }

  private degrade(reason: string): void {
    this.vectorProblem = reason;
    this.opts.logger.warn(`RAG: ${reason}; continuing lexical-only (files not embedded now are embedded by the next run).`);
  }

  private async checkpoint(): Promise<void> {
    await this.lexical.save(this.lexicalDir);
    if (this.manifest && this.opts.embedder) await saveManifest(this.manifestFile, this.manifest);
  }

  private async processFiles(files: WalkedFile[], summary: IndexSummary, signal?: AbortSignal, onProgress?: (p: IndexProgress) => void): Promise<void> {
    const batchLimit = this.opts.embedBatch ?? 128;
    let pending: Pending[] = [];
    let pendingChunks = 0;
    let lastCheckpoint = this.now();
    const flush = async () => {
      if (pending.length === 0 || !this.hasVectors() || !this.manifest) return;
      const batch = pending;
      pending = [];
      pendingChunks = 0;
      const chunks = batch.flatMap((p) => p.chunks);
      // A failing embedding model (key, budget, outage) or vector store must not cost the user the
      // lexical index: the rest of the run is lexical-only, and the next run embeds what is missing.
      let vectors: number[][];
      try {
        vectors = await this.opts.embedder!.embed(chunks.map(embeddingText), signal);
      } catch (err) {
        if (signal?.aborted) throw err;
        this.degrade(`embedding failed: ${describe(err)}`);
        return;
      }
      try {
        const stale = batch.filter((p) => this.manifest!.files[p.file.path]).map((p) => p.file.path);
        if (stale.length > 0) await this.opts.vectors!.deleteByPath(stale);
        const hashes = new Map(batch.map((p) => [p.file.path, p.hash]));
        await this.opts.vectors!.upsert(chunks, vectors, (path) => hashes.get(path) ?? '');
      } catch (err) {
        this.degrade(`the vector store failed (${describe(err)})`);
        return;
      }
      for (const p of batch) this.manifest.files[p.file.path] = { hash: p.hash, chunks: p.chunks.length };
      summary.chunksEmbedded += chunks.length;
      await saveManifest(this.manifestFile, this.manifest); // small, so after every flush: resume never re-embeds a flushed file
    };
    this.setState({ kind: 'indexing', done: 0, total: files.length });
    let done = 0;
    // Reads run a few files ahead of chunking, so file-system latency overlaps CPU work.
    const reads = new Map<number, Promise<Buffer | undefined>>();
    const unchangedStat = (f: WalkedFile) => {
      const k = this.lexical.stat(f.path);
      return !!k && k.size === f.size && k.mtimeMs === f.mtimeMs;
    };
    const readAt = (i: number) => {
      let r = reads.get(i);
      if (!r) reads.set(i, (r = readBounded(files[i].absPath)));
      return r;
    };
    for (let index = 0; index < files.length; index++) {
      const file = files[index];
      signal?.throwIfAborted();
      for (let ahead = index + 1; ahead < Math.min(files.length, index + READ_AHEAD); ahead++) if (!reads.has(ahead) && !unchangedStat(files[ahead])) void readAt(ahead).catch(() => undefined);
      const ownRead = reads.get(index);
      reads.delete(index);
      const read = () => ownRead ?? readBounded(file.absPath);
      const known = this.lexical.file(file.path);
      const vectorEntry = this.manifest?.files[file.path];
      // Same size and mtime as last time: trust the recorded hash (as git does) and skip reading.
      let hash = known && known.size === file.size && known.mtimeMs === file.mtimeMs ? known.hash : undefined;
      if (hash && known?.skipped) {
        countSkip(summary, known.skipped);
        summary.filesUnchanged++;
        done++;
        continue;
      }
      let buf: Buffer | undefined;
      const vanished = async () => {
        // Deleted (or made unreadable) while the run went on: forget it, go on with the rest.
        summary.skipped.vanished++;
        if (known || vectorEntry) await this.purge([file.path]);
      };
      if (!hash) {
        buf = await read();
        if (!buf) {
          await vanished();
          done++;
          continue;
        }
        hash = createHash('sha256').update(buf).digest('hex');
      }
      const lexicalFresh = known?.hash === hash;
      const vectorsFresh = !this.hasVectors() || vectorEntry?.hash === hash;
      if (lexicalFresh && vectorsFresh) {
        if (known && (known.mtimeMs !== file.mtimeMs || known.size !== file.size)) this.lexical.replaceStat(file.path, file.size, file.mtimeMs);
        summary.filesUnchanged++;
      } else {
        buf ??= await read();
        if (!buf) {
          await vanished();
          done++;
          continue;
        }
        const skip = looksBinary(buf.subarray(0, 8000)) ? 'binary' : buf.length > HARD_MAX_FILE_BYTES ? 'tooLarge' : this.opts.evaluation?.keepGenerated ? undefined : generatedReason(buf);
        if (skip) {
          // Kept as an entry without chunks, so the next run skips it without reading it.
          this.lexical.replace(file.path, { hash, size: file.size, mtimeMs: file.mtimeMs, skipped: skip }, []);
          if (vectorEntry) await this.purge([file.path]).catch(() => undefined);
          countSkip(summary, skip);
          done++;
          continue;
        }
        const chunks = await this.chunker.chunk(file.path, buf.toString('utf8'));
        buf = undefined;
        this.lexical.replace(file.path, { hash, size: file.size, mtimeMs: file.mtimeMs }, chunks);
        summary.filesIndexed++;
        summary.chunksIndexed += chunks.length;
        if (!vectorsFresh) {
          if (chunks.length === 0 && this.manifest) {
            if (vectorEntry) await this.opts.vectors!.deleteByPath([file.path]);
            this.manifest.files[file.path] = { hash, chunks: 0 };
          } else {
            pending.push({ file, hash, chunks });
            pendingChunks += chunks.length;
          }
        }
      }
      if (pendingChunks >= batchLimit) await flush();
      done++;
      onProgress?.({ phase: 'index', done, total: files.length, path: file.path });
      if (done % 25 === 0 || done === files.length) this.setState({ kind: 'indexing', done, total: files.length });
      if (this.now() - lastCheckpoint > (this.opts.checkpointMs ?? 10_000)) {
        await this.lexical.save(this.lexicalDir);
        lastCheckpoint = this.now();
      }
    }
    await flush();
  }

  /** Hybrid search: BM25 and vector candidates fused by RRF; lexical-only when vectors are unavailable. */
  async search(query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
    const span = opts.parentSpan?.child('retrieval', { [ATTR_SWITCHYARD_RAG_K]: opts.k ?? 10, [ATTR_SWITCHYARD_RAG_RETRIEVERS]: opts.retrievers ?? 'hybrid' });
    try {
      const res = await this.searchInner(query, opts, span);
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

  private async searchInner(query: string, opts: SearchOptions, span: Span | undefined): Promise<SearchResponse> {
    await this.load();
    const k = opts.k ?? 10;
    const n = opts.candidates ?? Math.max(20, k * 4);
    const use = opts.retrievers ?? 'hybrid';
    const lexical = use === 'vector' ? [] : this.lexical.query(query, n);
    let vector: { id: string; score: number }[] = [];
    let warning: string | undefined;
    let mode: SearchResponse['mode'] = 'lexical-only';
    if (use !== 'lexical' && this.hasVectors() && this.manifest && Object.keys(this.manifest.files).length > 0) {
      try {
        const [qv] = await this.opts.embedder!.embed([query], opts.signal, span);
        const matches = await this.opts.vectors!.query(qv, n);
        vector = matches.map((m) => ({ id: m.id, score: 1 - m.distance }));
        mode = 'hybrid';
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        warning = `vector search failed (${(err as Error).message.split('\n')[0]}); showing lexical results only`;
        this.vectorProblem = `vector search failed (${describe(err)})`; // back off: lexical-only for a minute
        this.opts.logger.warn(`RAG: ${warning}`);
      }
    } else {
      warning = this.lexicalOnlyReason ? `lexical-only: ${this.lexicalOnlyReason}` : undefined;
    }
    const refs = weightedFusion(lexical, vector)
      .map((f) => ({ f, ref: this.lexical.ref(f.id) }))
      .filter((r): r is { f: typeof r.f; ref: NonNullable<typeof r.ref> } => !!r.ref); // a vector whose file has since changed or gone
    const maxPerFile = opts.maxPerFile ?? 2;
    const ordered = maxPerFile > 0 ? capPerFile(refs, (r) => r.ref.path, maxPerFile) : refs;
    const hits: SearchHit[] = [];
    const fileCache = new Map<string, string[] | null>();
    for (const { f, ref } of ordered) {
      if (hits.length >= k) break;
      let lines = fileCache.get(ref.path);
      if (lines === undefined) {
        lines = await fs.readFile(path.join(this.opts.root, ref.path), 'utf8').then((t) => t.split(/\r?\n/), () => null);
        fileCache.set(ref.path, lines);
      }
      if (!lines) continue;
      const { id: _id, ...fusedRest } = f;
      hits.push({ chunk: { ...ref, text: lines.slice(ref.startLine - 1, ref.endLine).join('\n') }, ...fusedRest });
    }
    return { hits, mode, warning };
  }

  /** Vectors in the collection, or undefined when the index is lexical-only or the store is unreachable. */
  async vectorCount(): Promise<number | undefined> {
    if (!this.hasVectors()) return undefined;
    return this.opts.vectors!.count().catch(() => undefined);
  }

  /** Loads the persisted index (if any) and returns its size. */
  async open(): Promise<{ files: number; chunks: number; embeddedFiles: number }> {
    await this.load();
    return this.stats();
  }

  /** Files and chunks in the lexical index. */
  stats(): { files: number; chunks: number; embeddedFiles: number } {
    return { files: this.lexical.paths().length, chunks: this.lexical.size, embeddedFiles: Object.keys(this.manifest?.files ?? {}).length };
  }

  dispose(): void {
    this.chunker.dispose();
    this.listeners.clear();
  }
}

/** Files read ahead of the one being chunked. */
const READ_AHEAD = 8;

function emptySkipped(): IndexSummary['skipped'] {
  return { ...emptyWalkReport(), vanished: 0 };
}

function countSkip(summary: IndexSummary, reason: string): void {
  const key = reason as keyof IndexSummary['skipped'];
  if (key in summary.skipped) summary.skipped[key]++;
}

/** The file's bytes, at most HARD_MAX_FILE_BYTES + 1 of them (enough to know it is too large); undefined when it is gone or unreadable. */
async function readBounded(absPath: string): Promise<Buffer | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(absPath, 'r');
    const st = await handle.stat();
    const size = Math.min(st.size, HARD_MAX_FILE_BYTES + 1);
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(buf, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read < size ? buf.subarray(0, read) : buf;
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; fix?: string };
  const first = String(e?.message ?? err).split('\n')[0];
  return e?.fix ? `${first} ${e.fix}` : first;
}

/** The text that is embedded for a chunk: where it is and what it is, then the code. */
export function embeddingText(c: Chunk): string {
  return `${c.path}${c.symbol ? ` ${c.symbol}` : ''}\n${c.text}`;
}
