/**
 * Builds a workspace's retrieval stack from config: the embedding model of the `embedding` route,
 * a Chroma collection (local supervised server or `rag.chromaUrl`) and the RagIndex over them.
 * With no embedding model, or no Chroma, the index is lexical-only and says why.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { SwitchyardConfig } from '../config/schema';
import type { Logger } from '../logger';
import type { Router } from '../router/types';
import { locateRagAssets, type RagAssets } from './assets';
import { embeddingModel, NO_EMBEDDING_MODEL, routerEmbedder } from './embed/embedder';
import { RagIndex, type RagIndexOptions } from './indexer';
import { CHUNKER_VERSION } from './chunk/chunker';
import { ChromaStore, collectionName, type ChromaEndpoint } from './store/chromaStore';
import { ChromaSupervisor } from './store/chromaSupervisor';
import type { Embedder, VectorStore } from './types';

export interface WorkspaceRagOptions {
  /** Workspace folder (absolute). */
  root: string;
  /** Storage for this workspace's index (the extension's workspace storage; the CLI's data dir + a hash). */
  storageDir: string;
  config: SwitchyardConfig;
  logger: Logger;
  /** Without a router the index is lexical-only. */
  router?: Router;
  /** Extra exclude globs (VS Code `files.exclude`). */
  exclude?: string[];
  /** `dist/rag-assets` of a packaged extension. */
  assetsDir?: string;
  /** The remote server's auth token (SecretStorage / env), sent as configured by rag.chromaAuthHeader. */
  chromaToken?: string;
  /** Node to run the Chroma launcher with (VS Code: process.execPath + ELECTRON_RUN_AS_NODE). */
  execPath?: string;
  /** Replace the embedder (tests, benchmarks); its `model` keys the collection. */
  embedder?: Embedder;
  /** Chunks per embedding flush (default 128). */
  embedBatch?: number;
  /** Per-request Chroma timeout (default 30 s). */
  chromaTimeoutMs?: number;
  /** Evaluation switches (see RagIndexOptions.evaluation). */
  evaluation?: RagIndexOptions['evaluation'];
}

export interface WorkspaceRag {
  readonly index: RagIndex;
  /** The supervised local server, when one is used. */
  readonly supervisor?: ChromaSupervisor;
  readonly collection?: string;
  /** Stops the local Chroma server and frees the parser. */
  dispose(): Promise<void>;
}

/** Per-workspace folder name under a shared data dir (the CLI). */
export function workspaceKey(root: string): string {
  return `${path.basename(root).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40)}-${createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 12)}`;
}

function chromaHeaders(config: SwitchyardConfig, token: string | undefined): Record<string, string> | undefined {
  if (!token) return undefined;
  return config.rag.chromaAuthHeader === 'X-Chroma-Token' ? { 'X-Chroma-Token': token } : { Authorization: `Bearer ${token}` };
}

/** The index's own storage, when it sits inside the workspace, must never be indexed. */
function storageInside(root: string, storageDir: string): string[] {
  const rel = path.relative(path.resolve(root), path.resolve(storageDir));
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? [`/${rel.split(path.sep).join('/')}/`] : [];
}

export function openWorkspaceRag(opts: WorkspaceRagOptions): WorkspaceRag {
  const assets: RagAssets = locateRagAssets(opts.assetsDir);
  const model = embeddingModel(opts.config);
  let embedder: Embedder | undefined = opts.embedder;
  let lexicalOnlyReason: string | undefined;
  if (!embedder) {
    if (!model) lexicalOnlyReason = NO_EMBEDDING_MODEL;
    else if (!opts.router) lexicalOnlyReason = 'no router is available for embeddings';
    else embedder = routerEmbedder(opts.router, model);
  }

  let supervisor: ChromaSupervisor | undefined;
  let vectors: VectorStore | undefined;
  let collection: string | undefined;
  if (embedder) {
    // Paths in the index are workspace-relative, so a team can share one collection by naming it.
    collection = collectionName(opts.config.rag.collection ?? path.resolve(opts.root), `${embedder.model}|chunker-${CHUNKER_VERSION}`);
    let endpoint: () => Promise<ChromaEndpoint>;
    if (opts.config.rag.chromaUrl) {
      const ep: ChromaEndpoint = { url: opts.config.rag.chromaUrl.replace(/\/+$/, ''), headers: chromaHeaders(opts.config, opts.chromaToken) };
      endpoint = async () => ep;
    } else if (assets.chromaBinding) {
      const sup = new ChromaSupervisor({ bindingPath: assets.chromaBinding, dataDir: path.join(opts.storageDir, 'chroma'), logger: opts.logger, execPath: opts.execPath });
      supervisor = sup;
      endpoint = async () => ({ url: await sup.url() });
    } else {
      lexicalOnlyReason = assets.chromaMissing;
    }
    if (!lexicalOnlyReason) {
      vectors = new ChromaStore({ endpoint: endpoint!, collection, metadata: { workspace: path.resolve(opts.root), model: embedder.model }, timeoutMs: opts.chromaTimeoutMs });
    }
  }

  const index = new RagIndex({
    root: opts.root,
    storageDir: path.join(opts.storageDir, 'index'),
    logger: opts.logger,
    chunker: { treeSitterWasm: assets.treeSitterWasm, grammarPath: assets.grammarPath },
    walk: { exclude: [...opts.config.rag.exclude, ...(opts.exclude ?? []), ...storageInside(opts.root, opts.storageDir)], maxFileBytes: opts.config.rag.maxFileBytes },
    embedder: vectors ? embedder : undefined,
    vectors,
    collection,
    lexicalOnlyReason,
    embedBatch: opts.embedBatch,
    evaluation: opts.evaluation,
  });
  return {
    index,
    supervisor,
    collection,
    async dispose() {
      index.dispose();
      await supervisor?.stop();
    },
  };
}
