/** Embeddings through the router (task "embedding"), batched; knows which model a workspace's vectors belong to. */
import type { SwitchyardConfig } from '../../config/schema';
import type { Router } from '../../router/types';
import type { Span } from '../../trace/types';
import type { Embedder } from '../types';

export interface EmbeddingModelInfo {
  /** Config model name the route starts with (e.g. "small"). */
  name: string;
  /** Vector-space identity: "<provider>/<model id>" — the collection key. */
  identity: string;
}

/** The model of the `embedding` route (pinned first), or undefined when no embedding model is configured. */
export function embeddingModel(config: SwitchyardConfig): EmbeddingModelInfo | undefined {
  const name = config.pinned.embedding ?? config.routes.embedding?.[0];
  const model = name ? config.models[name] : undefined;
  if (!name || !model) return undefined;
  return { name, identity: `${model.provider}/${model.id}` };
}

export const NO_EMBEDDING_MODEL = 'no embedding model is configured (add a route for the task "embedding", e.g. "routes": {"embedding": ["my-embedding-model"]})';

export interface RouterEmbedderOptions {
  /** Inputs per request (default 64). */
  batchSize?: number;
  /** Inputs longer than this are cut (default 8000 characters, under 8k tokens for code). */
  maxInputChars?: number;
  parentSpan?: Span;
}

/**
 * Embeds through `router.embed`, pinned to one model. A fallback to another model would put
 * vectors of two spaces into one collection, so an answer from any other model is refused.
 */
export function routerEmbedder(router: Router, model: EmbeddingModelInfo, opts: RouterEmbedderOptions = {}): Embedder {
  const batch = opts.batchSize ?? 64;
  const maxChars = opts.maxInputChars ?? 8000;
  return {
    model: model.identity,
    async embed(texts, signal, parentSpan) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batch) {
        signal?.throwIfAborted();
        const inputs = texts.slice(i, i + batch).map((t) => (t.length > maxChars ? t.slice(0, maxChars) : t) || ' ');
        const { vectors, result } = await router.embed({ inputs, signal, model: model.name, parentSpan: parentSpan ?? opts.parentSpan });
        if (result.model && result.model !== model.name) {
          throw new Error(`The embedding route fell back from "${model.name}" to "${result.model}"; vectors of different models cannot share an index. Fix the "${model.name}" model or change the embedding route and run Switchyard: Rebuild Index.`);
        }
        if (vectors.length !== inputs.length) throw new Error(`The embedding model returned ${vectors.length} vectors for ${inputs.length} inputs.`);
        out.push(...vectors);
      }
      return out;
    },
  };
}
