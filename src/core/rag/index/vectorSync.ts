/**
 * The index's vector side: the vector store and its manifest (which files' vectors are stored, from
 * which content), kept consistent across resumes, failures and purges. A store or embedding failure
 * never costs the lexical index: it is recorded as the reason the index is lexical-only for a while.
 */
import type { Logger } from '../../logger';
import type { Span } from '../../trace/types';
import { emptyManifest, loadManifest, saveManifest, type VectorManifest } from '../store/manifest';
import type { Chunk, Embedder, VectorMatch, VectorStore } from '../types';

export interface VectorSyncOptions {
  embedder: Embedder;
  store: VectorStore;
  /** Where the manifest is kept (one file per embedding model). */
  manifestFile: string;
  /** Collection name the vectors live in (recorded in the manifest). */
  collection: string;
  logger: Logger;
  /** After a failure, vectors are tried again after this long (default 60 s). */
  retryMs?: number;
  now: () => number;
}

/** The file's stored vectors: made from content `hash`, `chunks` of them. */
export interface VectorEntry {
  hash: string;
  chunks: number;
}

/** A changed file's chunks, waiting to be embedded. */
export interface PendingFile {
  path: string;
  hash: string;
  chunks: Chunk[];
}

export class VectorSync {
  private manifest: VectorManifest;
  private problemValue: string | undefined;
  private problemAt = 0;
  /** The first check of a session reconciles file by file; later ones trust equal counts. */
  private reconciled = false;

  constructor(private readonly opts: VectorSyncOptions) {
    this.manifest = emptyManifest(opts.embedder.model, opts.collection);
  }

  get embedder(): Embedder {
    return this.opts.embedder;
  }

  /** Why vectors are not used right now; forgotten after `retryMs` so a recovered server is used again. */
  get problem(): string | undefined {
    if (this.problemValue && this.opts.now() - this.problemAt > (this.opts.retryMs ?? 60_000)) this.problemValue = undefined;
    return this.problemValue;
  }

  /** Vectors are used (no recent failure). */
  get available(): boolean {
    return !this.problem;
  }

  /** Marks the vector side unusable for a while (undefined: usable again now). */
  setProblem(reason: string | undefined): void {
    this.problemValue = reason;
    this.problemAt = this.opts.now();
  }

  /** Records a failure met while indexing and says what happens next. */
  degrade(reason: string): void {
    this.setProblem(reason);
    this.opts.logger.warn(`RAG: ${reason}; continuing lexical-only (files not embedded now are embedded by the next run).`);
  }

  /** Reads the manifest; an unreadable one is discarded with a warning (files are re-embedded). */
  async load(): Promise<void> {
    const { manifest, problem } = await loadManifest(this.opts.manifestFile, this.opts.embedder.model, this.opts.collection);
    if (problem) this.opts.logger.warn(`RAG: discarded the vector manifest (${problem}); files will be re-embedded.`);
    this.manifest = manifest;
  }

  save(): Promise<void> {
    return saveManifest(this.opts.manifestFile, this.manifest);
  }

  entry(path: string): VectorEntry | undefined {
    return this.manifest.files[path];
  }

  paths(): string[] {
    return Object.keys(this.manifest.files);
  }

  /** Removes every vector and forgets every file (a rebuild). */
  async reset(): Promise<void> {
    if (this.available) {
      try {
        await this.opts.store.clear();
      } catch (err) {
        this.setProblem(`the vector store is unavailable (${firstLine(err)})`);
      }
    }
    this.manifest = emptyManifest(this.opts.embedder.model, this.opts.collection);
    await this.save();
  }

  /** Checks that the collection still holds what the manifest says; otherwise reconciles file by file. */
  async verify(): Promise<void> {
    if (!this.available) return;
    let count: number;
    try {
      count = await this.opts.store.count();
    } catch (err) {
      this.setProblem(`the vector store is unavailable (${firstLine(err)})`);
      this.opts.logger.warn(`RAG: ${this.problemValue}; indexing lexical-only.`);
      return;
    }
    const expected = Object.values(this.manifest.files).reduce((n, f) => n + f.chunks, 0);
    if (count === expected && this.reconciled) return;
    this.reconciled = true;
    // A run stopped between storing vectors and recording them, the manifest was lost, or another
    // client (a teammate on a shared server) stored them: reconcile per file. Complete sets of
    // vectors made from one file version are adopted (and reused if the file still has that
    // content); anything else is deleted and that file re-embedded.
    const stored = await this.opts.store.inventory();
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
    if (drop.length > 0) await this.opts.store.deleteByPath(drop);
    if (adopted > 0 || drop.length > 0) {
      this.opts.logger.warn(`RAG: the vector collection held ${count} vectors, ${expected} were recorded; reconciled per file: adopted the stored vectors of ${adopted} files; deleted those of ${drop.length} inconsistent files (they will be re-embedded).`);
    }
    await this.save();
  }

  /** Deletes the files' vectors. When the store fails, the manifest keeps them so the next run purges them. */
  async purge(paths: string[]): Promise<void> {
    if (!this.available) return;
    try {
      await this.opts.store.deleteByPath(paths);
    } catch (err) {
      this.degrade(`the vector store failed (${describeError(err)})`);
      return;
    }
    for (const p of paths) delete this.manifest.files[p];
    await this.save();
  }

  /** Records a file that has no chunks (so nothing to embed), dropping vectors of its earlier version. */
  async recordEmpty(path: string, hash: string): Promise<void> {
    if (this.manifest.files[path]) {
      try {
        await this.opts.store.deleteByPath([path]);
      } catch (err) {
        this.degrade(`the vector store failed (${describeError(err)})`);
        return;
      }
    }
    this.manifest.files[path] = { hash, chunks: 0 };
  }

  /**
   * Embeds and stores a batch of changed files, replacing their earlier vectors, and records them.
   * Returns the chunks stored: 0 when the embedding model or the store failed (the run degrades).
   */
  async store(batch: PendingFile[], signal?: AbortSignal): Promise<number> {
    const chunks = batch.flatMap((p) => p.chunks);
    let vectors: number[][];
    try {
      vectors = await this.opts.embedder.embed(chunks.map(embeddingText), signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      this.degrade(`embedding failed: ${describeError(err)}`);
      return 0;
    }
    try {
      const stale = batch.filter((p) => this.manifest.files[p.path]).map((p) => p.path);
      if (stale.length > 0) await this.opts.store.deleteByPath(stale);
      const hashes = new Map(batch.map((p) => [p.path, p.hash]));
      await this.opts.store.upsert(chunks, vectors, (path) => hashes.get(path) ?? '');
    } catch (err) {
      this.degrade(`the vector store failed (${describeError(err)})`);
      return 0;
    }
    for (const p of batch) this.manifest.files[p.path] = { hash: p.hash, chunks: p.chunks.length };
    await this.save(); // small, so after every batch: a resumed run never re-embeds a stored file
    return chunks.length;
  }

  /** Vector search is worth trying: vectors are usable and some are stored. */
  get searchable(): boolean {
    return this.available && Object.keys(this.manifest.files).length > 0;
  }

  /** The `n` nearest chunks to the query (its embedding call nests under `span`). */
  async query(query: string, n: number, signal?: AbortSignal, span?: Span): Promise<VectorMatch[]> {
    const [qv] = await this.opts.embedder.embed([query], signal, span);
    return this.opts.store.query(qv, n);
  }

  /** Vectors in the collection, or undefined when they are unusable or the store is unreachable. */
  async count(): Promise<number | undefined> {
    if (!this.available) return undefined;
    return this.opts.store.count().catch(() => undefined);
  }

  get embeddedFiles(): number {
    return Object.keys(this.manifest.files).length;
  }
}

/** The text that is embedded for a chunk: where it is and what it is, then the code. */
function embeddingText(c: Chunk): string {
  return `${c.path}${c.symbol ? ` ${c.symbol}` : ''}\n${c.text}`;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

/** An error's first line and, when it carries one, its fix. */
export function describeError(err: unknown): string {
  const e = err as { message?: string; fix?: string };
  const first = String(e?.message ?? err).split('\n')[0];
  return e?.fix ? `${first} ${e.fix}` : first;
}
