/** VectorStore on a Chroma collection (one per workspace and embedding model); embeddings are always passed in. */
import { createHash } from 'node:crypto';
import { ChromaClient, type Collection } from 'chromadb';
import type { Chunk, VectorMatch, VectorStore } from '../types';

export interface ChromaEndpoint {
  url: string;
  /** e.g. { Authorization: 'Bearer …' } or { 'X-Chroma-Token': … } for a remote server. */
  headers?: Record<string, string>;
}

export interface ChromaStoreOptions {
  /** Resolves the server's URL (waits for the supervisor when it is starting or restarting). */
  endpoint: () => Promise<ChromaEndpoint>;
  collection: string;
  /** Stored on the collection so a person can tell what it holds. */
  metadata: Record<string, string>;
  /** Rows per add/delete request (Chroma caps batches; 1.0 allows ~5k). */
  batchSize?: number;
  /** A request that takes longer fails (default 30 s), so a hung server never hangs indexing or search. */
  timeoutMs?: number;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Chroma did not answer ${what} within ${Math.round(ms / 1000)} s`)), ms);
    timer.unref?.();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** `sy-<workspace hash>-<model slug>-<model hash>`: a valid Chroma name (3–63 chars of [a-zA-Z0-9._-]). */
export function collectionName(workspaceRoot: string, model: string): string {
  const ws = createHash('sha256').update(workspaceRoot).digest('hex').slice(0, 10);
  const mh = createHash('sha256').update(model).digest('hex').slice(0, 8);
  const slug = model.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30);
  return `sy-${ws}-${slug || 'model'}-${mh}`.replace(/-+$/, '');
}

function clientFor(ep: ChromaEndpoint): ChromaClient {
  const u = new URL(ep.url);
  const ssl = u.protocol === 'https:';
  return new ChromaClient({ host: u.hostname, port: u.port ? Number(u.port) : ssl ? 443 : 80, ssl, headers: ep.headers });
}

export class ChromaStore implements VectorStore {
  private cached: { url: string; collection: Collection } | undefined;

  constructor(private readonly opts: ChromaStoreOptions) {}

  /** The collection on the current server; re-opened when the server's URL changes (restart on a new port). */
  private async collection(): Promise<Collection> {
    const ep = await this.opts.endpoint();
    if (this.cached?.url === ep.url) return this.cached.collection;
    const collection = await clientFor(ep).getOrCreateCollection({
      name: this.opts.collection,
      embeddingFunction: null,
      metadata: this.opts.metadata,
      configuration: { hnsw: { space: 'cosine' } },
    });
    this.cached = { url: ep.url, collection };
    return collection;
  }

  /** Runs an operation, re-opening the collection once if it vanished (server restarted on another port, collection deleted). */
  private async withCollection<T>(op: (c: Collection) => Promise<T>): Promise<T> {
    const ms = this.opts.timeoutMs ?? 30_000;
    const once = async () => op(await withTimeout(this.collection(), ms, 'opening the collection'));
    try {
      return await withTimeout(once(), ms, 'a request');
    } catch {
      this.cached = undefined;
      return withTimeout(once(), ms, 'a request');
    }
  }

  async upsert(chunks: Chunk[], vectors: number[][], fileHash: (path: string) => string): Promise<void> {
    if (chunks.length !== vectors.length) throw new Error(`upsert: ${chunks.length} chunks but ${vectors.length} vectors`);
    const size = this.opts.batchSize ?? 1000;
    for (let i = 0; i < chunks.length; i += size) {
      const part = chunks.slice(i, i + size);
      await this.withCollection((c) =>
        c.upsert({
          ids: part.map((ch) => ch.id),
          embeddings: vectors.slice(i, i + size),
          metadatas: part.map((ch) => ({ path: ch.path, startLine: ch.startLine, endLine: ch.endLine, symbol: ch.symbol, language: ch.language, fileHash: fileHash(ch.path) })),
        }),
      );
    }
  }

  async deleteByPath(paths: string[]): Promise<void> {
    for (let i = 0; i < paths.length; i += 100) {
      const part = paths.slice(i, i + 100);
      await this.withCollection((c) => c.delete({ where: part.length === 1 ? { path: part[0] } : { path: { $in: part } } }));
    }
  }

  async query(vector: number[], k: number): Promise<VectorMatch[]> {
    const res = await this.withCollection((c) => c.query({ queryEmbeddings: [vector], nResults: k, include: ['distances'] }));
    const ids = res.ids[0] ?? [];
    const distances = res.distances[0] ?? [];
    return ids.map((id, i) => ({ id, distance: distances[i] ?? 1 }));
  }

  async count(): Promise<number> {
    return this.withCollection((c) => c.count());
  }

  async inventory(): Promise<Map<string, { count: number; hashes: Set<string> }>> {
    const out = new Map<string, { count: number; hashes: Set<string> }>();
    const page = 2000;
    for (let offset = 0; ; offset += page) {
      const res = await this.withCollection((c) => c.get({ include: ['metadatas'], limit: page, offset }));
      for (const m of res.metadatas) {
        const p = typeof m?.path === 'string' ? m.path : '';
        const e = out.get(p) ?? { count: 0, hashes: new Set<string>() };
        e.count++;
        e.hashes.add(typeof m?.fileHash === 'string' ? m.fileHash : '');
        out.set(p, e);
      }
      if (res.ids.length < page) return out;
    }
  }

  async clear(): Promise<void> {
    const ep = await this.opts.endpoint();
    try {
      await clientFor(ep).deleteCollection({ name: this.opts.collection });
    } catch {
      // already gone
    }
    this.cached = undefined;
  }
}
