/**
 * Query rewriting for @workspace questions: people ask "identical concurrent GET requests
 * collapsed", the code says `dedupeInflight`. Before retrieval, the chat route's model turns the
 * question into the code's vocabulary (identifiers, file names, keywords); the index is searched
 * with the question and that line together. Time-boxed (the question alone is used when the model
 * is slow or fails), cached per question, recorded as its own "rag.rewrite" span, and only when the
 * setting allows the extra call: `auto` (default) rewrites for models served from this machine.
 */
import type { SwitchyardConfig } from '../../config/schema';
import type { Logger } from '../../logger';
import { candidateNames } from '../../router/candidates';
import type { Router } from '../../router/types';
import type { Span } from '../../trace/types';
import { ATTR_SWITCHYARD_RAG_REWRITE_CACHED, ATTR_SWITCHYARD_RAG_REWRITE_MODEL, ATTR_SWITCHYARD_RAG_REWRITE_REASON, ATTR_SWITCHYARD_RAG_REWRITE_TERMS, ATTR_SWITCHYARD_RAG_REWRITE_TIMED_OUT } from '../../trace/attributes';

const SYSTEM = [
  'You turn a developer\'s question about their codebase into search terms for a code search engine.',
  'Reply with one line only: the identifiers the code likely uses (function, class, method and variable names in camelCase or snake_case),',
  'likely file names, and technical keywords. No explanation, no punctuation other than spaces.',
].join(' ');

const CACHE_SIZE = 200;
const MAX_REWRITE_CHARS = 400;

/** Whether the host of a base URL is this machine. */
function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host) || host === '0.0.0.0';
  } catch {
    return false;
  }
}

/** Whether rewriting may run for this config: off, on, or (auto) when the chat model is served locally; says why. */
export function rewriteAllowed(config: SwitchyardConfig, model?: string): { allowed: boolean; reason: string } {
  const setting = config.rag.queryRewrite;
  if (setting === 'off') return { allowed: false, reason: 'rag.queryRewrite is off' };
  const head = candidateNames(config, 'chat', model)[0];
  if (!head) return { allowed: false, reason: 'no chat model is configured' };
  if (setting === 'on') return { allowed: true, reason: 'rag.queryRewrite is on' };
  const m = config.models[head];
  const local = isLoopbackUrl(m ? config.providers[m.provider]?.baseUrl : undefined);
  return local
    ? { allowed: true, reason: `${head} runs on this machine (rag.queryRewrite: auto)` }
    : { allowed: false, reason: `${head} is a remote model; set rag.queryRewrite to "on" to rewrite with it too` };
}

/** One line of search terms from a model answer (first line, no fences or quotes, bounded). */
export function cleanRewrite(text: string): string {
  const line = text
    .replace(/```[a-z]*\n?/gi, '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0) ?? '';
  return line.replace(/["'`]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_REWRITE_CHARS);
}

export interface QueryRewriterDeps {
  /** The current core (rebuilt when settings change). */
  core: () => { router: Router; config: SwitchyardConfig };
  logger: Logger;
}

export class QueryRewriter {
  private readonly cache = new Map<string, string>();

  constructor(private readonly deps: QueryRewriterDeps) {}

  /** The query to search with: the question plus the model's terms, or the question alone. */
  async rewrite(question: string, opts: { signal?: AbortSignal; parentSpan?: Span; model?: string } = {}): Promise<string> {
    const { router, config } = this.deps.core();
    const allowed = rewriteAllowed(config, opts.model);
    if (!allowed.allowed) return question;
    const span = opts.parentSpan?.child('rag.rewrite', { [ATTR_SWITCHYARD_RAG_REWRITE_REASON]: allowed.reason });
    const key = question.trim().toLowerCase();
    try {
      const cached = this.cache.get(key);
      if (cached !== undefined) {
        this.cache.delete(key);
        this.cache.set(key, cached); // most recently used last
        span?.setAttributes({ [ATTR_SWITCHYARD_RAG_REWRITE_CACHED]: true, [ATTR_SWITCHYARD_RAG_REWRITE_TERMS]: cached });
        span?.setStatus('ok');
        return join(question, cached);
      }
      const timeoutMs = config.rag.queryRewriteTimeoutMs;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      const result = await router.complete({
        task: 'chat',
        model: opts.model,
        feature: 'rag.rewrite',
        signal,
        parentSpan: span,
        request: { messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: question }], maxTokens: 80, temperature: 0 },
      });
      opts.signal?.throwIfAborted();
      if (result.status !== 'ok') {
        const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : (result.error?.message ?? result.status);
        span?.setAttributes({ [ATTR_SWITCHYARD_RAG_REWRITE_CACHED]: false, [ATTR_SWITCHYARD_RAG_REWRITE_TIMED_OUT]: timeout.aborted });
        span?.setStatus('error', why);
        this.deps.logger.debug(`RAG: query rewriting skipped (${why}); searching with the question as asked.`);
        return question;
      }
      const terms = cleanRewrite(result.text);
      this.cache.set(key, terms);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
      span?.setAttributes({ [ATTR_SWITCHYARD_RAG_REWRITE_CACHED]: false, [ATTR_SWITCHYARD_RAG_REWRITE_TERMS]: terms, [ATTR_SWITCHYARD_RAG_REWRITE_MODEL]: result.model ?? '' });
      span?.setStatus('ok');
      return join(question, terms);
    } finally {
      span?.end();
    }
  }
}

function join(question: string, terms: string): string {
  return terms ? `${question}\n${terms}` : question;
}
