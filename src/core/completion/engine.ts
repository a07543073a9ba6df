/**
 * The inline-completion engine: cache → in-flight reuse → debounce → context → prompt per model
 * family → router (task "completion") → postprocess → cache. Editor-agnostic: the VS Code provider,
 * the CLI and the benchmark drive the same class.
 */
import { randomUUID } from 'node:crypto';
import type { SwitchyardConfig } from '../config/schema';
import type { Ledger } from '../cost/types';
import type { Logger } from '../logger';
import type { Router } from '../router/types';
import type { Span, Tracer } from '../trace/types';
import { systemClock, type Clock } from '../services';
import { abortableSleep } from '../util/asyncQueue';
import { CompletionCache } from './cache/cache';
import { assembleContext } from './context/assemble';
import { WindowIndex, type Snippet } from './context/snippets';
import { Debouncer, type Sleep } from './debounce/debouncer';
import { Generation, type GenerationOutcome } from './generation/generation';
import { OutcomeTracker, type ModelCompletionStats } from './outcomes/outcomes';
import { postprocess } from './postprocessing';
import type { CompletionRequest, CompletionResult, CompletionSource, CompletionStatus } from './types';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_SWITCHYARD_COMPLETION_ID,
  ATTR_SWITCHYARD_COMPLETION_LANGUAGE,
  ATTR_SWITCHYARD_COMPLETION_MULTILINE,
  ATTR_SWITCHYARD_COMPLETION_POSTPROCESS,
  ATTR_SWITCHYARD_COMPLETION_PREFIX_CHARS,
  ATTR_SWITCHYARD_COMPLETION_SNIPPETS,
  ATTR_SWITCHYARD_COMPLETION_SUFFIX_CHARS,
  ATTR_SWITCHYARD_COMPLETION_TRIGGER,
  ATTR_SWITCHYARD_FEATURE,
  ATTR_SWITCHYARD_MODEL,
  ATTR_SWITCHYARD_OUTCOME,
  ATTR_SWITCHYARD_RESPONSE,
  ATTR_SWITCHYARD_TASK,
} from '../trace/attributes';

export interface CompletionEngineDeps {
  router: Router;
  config: SwitchyardConfig;
  logger: Logger;
  /** Where accepted / shown / rejected outcomes are recorded. */
  ledger?: Ledger;
  /** Each model call becomes a "completion" trace (context facts, outcome, text) with the router's spans under it. */
  tracer?: Tracer;
  clock?: Clock;
  sleep?: Sleep;
  /** Monotonic milliseconds for timings (performance.now by default). */
  hrtime?: () => number;
  workspaceRoot?: string;
  /** How long an unwanted in-flight call survives in case the next keystroke types through it. */
  graceMs?: number;
  cacheSize?: number;
  /**
   * Snippets from the workspace index for the code before the cursor (RAG). Optional and
   * time-boxed: whatever is not back within `indexTimeoutMs` is left out of this prompt.
   */
  indexSnippets?: (query: { filepath: string; languageId: string; prefix: string }, signal: AbortSignal) => Promise<Snippet[]>;
  indexTimeoutMs?: number;
}

export interface EngineTotals {
  /** complete() calls. */
  requests: number;
  /** Model calls started. */
  modelCalls: number;
  /** Model calls the engine aborted. */
  aborted: number;
  /** Requests answered from the cache. */
  cacheHits: number;
  /** Requests answered by joining a call already in flight. */
  inflightReuses: number;
  /** Requests that ended in the debounce (a newer keystroke or a cancel came first). */
  debounced: number;
}

export interface EngineStats {
  totals: EngineTotals;
  byModel: Record<string, ModelCompletionStats & { acceptRate: number | null }>;
}

/** How long a call the user is typing through survives without a requester (the editor asks again after its own debounce). */
const TYPE_THROUGH_KEEPALIVE_MS = 750;

/** Typed characters an in-flight call may be reused across. */
const REUSE_LOOKBACK = 128;

export class CompletionEngine {
  private readonly cache: CompletionCache;
  private readonly debouncer: Debouncer;
  private readonly outcomes: OutcomeTracker;
  private readonly inflight = new Set<Generation>();
  private readonly windowIndex = new WindowIndex();
  private readonly clock: Clock;
  private readonly hrtime: () => number;
  private readonly graceMs: number;
  private snoozedUntilMs = 0;
  private readonly totals: EngineTotals = { requests: 0, modelCalls: 0, aborted: 0, cacheHits: 0, inflightReuses: 0, debounced: 0 };

  constructor(private readonly deps: CompletionEngineDeps) {
    this.clock = deps.clock ?? systemClock;
    this.hrtime = deps.hrtime ?? (() => performance.now());
    this.graceMs = deps.graceMs ?? 60;
    const settings = deps.config.completion;
    this.cache = new CompletionCache({ max: deps.cacheSize ?? 500 });
    this.debouncer = new Debouncer({ baseMs: settings.debounceMs, adaptive: settings.adaptiveDebounce }, this.clock, deps.sleep ?? abortableSleep);
    this.outcomes = new OutcomeTracker(deps.ledger, this.clock, deps.logger, deps.workspaceRoot);
  }

  /** Whether completions are on for a language right now (setting, per-language switch, snooze). */
  isEnabledFor(languageId: string): boolean {
    const settings = this.deps.config.completion;
    if (!settings.enabled || settings.languages[languageId] === false) return false;
    return this.clock.now() >= this.snoozedUntilMs;
  }

  /** Turns completions off for `ms` (default: the snoozeMinutes setting); 0 ends a snooze. */
  snooze(ms = this.deps.config.completion.snoozeMinutes * 60_000): void {
    this.snoozedUntilMs = ms > 0 ? this.clock.now() + ms : 0;
    if (ms > 0) this.abortAll();
  }

  /** Epoch ms the snooze ends, or undefined when not snoozed. */
  snoozedUntil(): number | undefined {
    return this.clock.now() < this.snoozedUntilMs ? this.snoozedUntilMs : undefined;
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const started = this.hrtime();
    this.totals.requests++;
    const { document, signal } = request;
    /** `modelMs` in fields is every wait (debounce and model); the rest of the wall time is the engine's. */
    const result = (status: CompletionStatus, fields: Partial<CompletionResult> = {}): CompletionResult => {
      const latencyMs = this.hrtime() - started;
      const modelMs = fields.modelMs ?? 0;
      return {
        id: '',
        text: '',
        multiline: false,
        source: 'model',
        cacheHit: false,
        ...fields,
        status,
        latencyMs,
        modelMs,
        engineMs: Math.max(0, latencyMs - modelMs),
      };
    };
    if (!this.isEnabledFor(document.languageId)) return result('disabled');
    if (signal?.aborted) return result('cancelled');

    const docPrefix = document.text.slice(0, document.offset);
    const docSuffix = document.text.slice(document.offset);
    const delay = request.trigger === 'manual' ? 0 : this.debouncer.noteKeystroke();

    // 1. The cache: this exact context, or an earlier one whose start the user has typed since.
    const hit = this.cache.get(document.filepath, docPrefix, docSuffix);
    if (hit) {
      this.totals.cacheHits++;
      const e = hit.entry;
      this.outcomes.cacheHit(e.model);
      if (hit.remaining === '') {
        this.outcomes.reject();
        return result('empty', { id: e.id, cacheHit: true, source: 'cache', model: e.model, modelId: e.modelId, traceId: e.traceId });
      }
      this.outcomes.shown({ id: e.id, model: e.model, modelId: e.modelId, traceId: e.traceId }, true);
      return result('ok', { id: e.id, text: hit.remaining, multiline: e.multiline, source: 'cache', cacheHit: true, model: e.model, modelId: e.modelId, traceId: e.traceId });
    }

    // 2. A call in flight for an earlier keystroke that agrees with what was typed since.
    for (const g of [...this.inflight].reverse()) {
      if (g.filepath !== document.filepath || g.docSuffix !== docSuffix || !docPrefix.startsWith(g.docPrefix)) continue;
      const typed = docPrefix.slice(g.docPrefix.length);
      if (typed.length > REUSE_LOOKBACK || !g.agreesWith(typed)) continue;
      const waitStart = this.hrtime();
      const outcome = await this.waitFor(g, signal);
      const modelMs = this.hrtime() - waitStart;
      if (outcome === 'cancelled') return result('cancelled', { modelMs });
      const text = this.finish(g, outcome);
      if (outcome.status === 'ok' && text.startsWith(typed) && text.length > typed.length) {
        this.totals.inflightReuses++;
        this.outcomes.cacheHit(outcome.model);
        g.shown = true;
        this.outcomes.shown({ id: g.id, model: outcome.model, later: laterFacts(g) }, true);
        return result('ok', { id: g.id, text: text.slice(typed.length), multiline: g.ctx.multiline, source: 'inflight', cacheHit: true, model: outcome.model, modelMs });
      }
      break;
    }

    // 3. Debounce (manual invocations skip it).
    const debounceStart = this.hrtime();
    if (!(await this.debouncer.wait(delay, signal))) {
      this.totals.debounced++;
      return result('cancelled', { modelMs: this.hrtime() - debounceStart });
    }
    const debounceMs = this.hrtime() - debounceStart;

    // 4. A new model call.
    const settings = this.deps.config.completion;
    const indexWaitStart = this.hrtime();
    const indexSnippets = await this.lookupIndex(document.filepath, document.languageId, docPrefix, signal);
    const indexWaitMs = this.hrtime() - indexWaitStart;
    if (signal?.aborted) return result('cancelled', { modelMs: debounceMs + indexWaitMs });
    const ctx = assembleContext(request, { contextTokens: settings.contextTokens, maxLines: settings.maxLines, workspaceRoot: this.deps.workspaceRoot, indexSnippets, windowIndex: this.windowIndex });
    const id = randomUUID();
    const span = this.deps.tracer?.startTrace('completion', {
      [ATTR_GEN_AI_OPERATION_NAME]: 'text_completion',
      [ATTR_SWITCHYARD_TASK]: 'completion',
      [ATTR_SWITCHYARD_FEATURE]: 'completion',
      [ATTR_SWITCHYARD_COMPLETION_ID]: id,
      [ATTR_SWITCHYARD_COMPLETION_TRIGGER]: request.trigger,
      [ATTR_SWITCHYARD_COMPLETION_LANGUAGE]: document.languageId,
      [ATTR_SWITCHYARD_COMPLETION_MULTILINE]: ctx.multiline,
      [ATTR_SWITCHYARD_COMPLETION_PREFIX_CHARS]: ctx.prefix.length,
      [ATTR_SWITCHYARD_COMPLETION_SUFFIX_CHARS]: ctx.suffix.length,
      [ATTR_SWITCHYARD_COMPLETION_SNIPPETS]: ctx.snippets.map((s) => `${s.kind}:${s.filepath}`),
    });
    const g = new Generation(
      {
        router: this.deps.router,
        config: this.deps.config,
        ctx,
        docPrefix,
        docSuffix,
        graceMs: this.graceMs,
        ...(span ? { parentSpan: span } : {}),
        attributes: {
          [ATTR_SWITCHYARD_COMPLETION_ID]: id,
          [ATTR_SWITCHYARD_COMPLETION_TRIGGER]: request.trigger,
          [ATTR_SWITCHYARD_COMPLETION_MULTILINE]: ctx.multiline,
          [ATTR_SWITCHYARD_COMPLETION_LANGUAGE]: document.languageId,
          [ATTR_SWITCHYARD_COMPLETION_SNIPPETS]: ctx.snippets.length,
        },
        onResult: (r) => {
          this.outcomes.call(r.model, r.status);
          if (r.status === 'error' && r.error) this.deps.logger.warn(`Completion failed: ${r.error.message}`);
        },
      },
      id,
    );
    this.totals.modelCalls++;
    this.inflight.add(g);
    void g.done.finally(() => {
      this.inflight.delete(g);
      if (g.aborted) this.totals.aborted++;
    });
    void g.done.then(async (r) => {
      // A finished answer is cached even when its requester left: the next keystroke may want it.
      const settled = await g.settled;
      if (settled.status === 'ok' && !g.aborted) this.finish(g, settled);
      if (span) {
        // The model on the root names the trace in the Traces tab ("completion · coder").
        if (r.model) span.setAttribute(ATTR_SWITCHYARD_MODEL, r.model);
        if (r.modelId) span.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, r.modelId);
        endCompletionSpan(span, g, r.status, r.error?.message);
      }
    }, () => span?.end());
    const waitStart = this.hrtime();
    const outcome = await this.waitFor(g, signal);
    // Debounce and the index lookup count as waiting, not engine work.
    const modelMs = this.hrtime() - waitStart + debounceMs + indexWaitMs;
    if (outcome === 'cancelled') return result('cancelled', { id, modelMs });
    if (outcome.status === 'cancelled') return result('cancelled', { id, modelMs, model: outcome.model });
    if (outcome.status === 'error') {
      const e = outcome.error;
      return result('error', { id, modelMs, model: outcome.model, error: { kind: e?.kind ?? 'unknown', message: e?.message ?? 'The completion call failed.', ...(e?.fix ? { fix: e.fix } : {}) } });
    }
    const text = this.finish(g, outcome);
    const later = laterFacts(g);
    if (text === '') {
      this.outcomes.reject();
      return result('empty', { id, modelMs, model: outcome.model });
    }
    g.shown = true;
    this.outcomes.shown({ id, model: outcome.model, later }, false);
    const facts = await Promise.race([later, Promise.resolve(undefined)]);
    return result('ok', { id, text, multiline: ctx.multiline, source: 'model' as CompletionSource, model: outcome.model, modelId: outcome.modelId ?? facts?.modelId, traceId: outcome.traceId ?? facts?.traceId, modelMs });
  }

  /**
   * The document changed: abort calls in flight for this file that the edit contradicts (the user
   * typed something other than the start of what is streaming, deleted, or edited elsewhere).
   */
  documentChanged(filepath: string, text: string, offset: number): void {
    const prefix = text.slice(0, offset);
    const suffix = text.slice(offset);
    for (const g of this.inflight) {
      if (g.filepath !== filepath || g.settledYet) continue;
      const agrees = g.docSuffix === suffix && prefix.startsWith(g.docPrefix) && g.agreesWith(prefix.slice(g.docPrefix.length));
      if (!agrees) g.abort();
      else g.keepAlive(TYPE_THROUGH_KEEPALIVE_MS);
    }
  }

  /** The suggestion with this id was accepted. Returns false for an unknown or already-closed id. */
  accepted(id: string): boolean {
    return this.outcomes.accept(id);
  }

  /** The suggestion on screen was dismissed (Escape). */
  dismissed(): void {
    this.outcomes.reject();
  }

  stats(): EngineStats {
    return { totals: { ...this.totals }, byModel: this.outcomes.snapshot() };
  }

  /** Resolves when outcome records and in-flight calls are finished (tests, CLI exit). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.inflight].map((g) => g.done));
    await this.outcomes.flush();
  }

  abortAll(): void {
    for (const g of this.inflight) g.abort();
  }

  dispose(): void {
    this.abortAll();
    this.cache.clear();
  }

  /** Index snippets for the last lines before the cursor, or none when there is no index or it is slow. */
  private async lookupIndex(filepath: string, languageId: string, prefix: string, signal: AbortSignal | undefined): Promise<Snippet[] | undefined> {
    const lookup = this.deps.indexSnippets;
    if (!lookup) return undefined;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => {
        controller.abort();
        resolve(undefined);
      }, this.deps.indexTimeoutMs ?? 80)));
      const query = { filepath, languageId, prefix: prefix.split('\n').slice(-15).join('\n') };
      return await Promise.race([lookup(query, controller.signal).catch((err: unknown) => {
        this.deps.logger.debug(`Completion index lookup failed: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }), timeout]);
    } finally {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Waits for a call's settled outcome, leaving it (and letting it abort) when the caller cancels. */
  private waitFor(g: Generation, signal: AbortSignal | undefined): Promise<GenerationOutcome | 'cancelled'> {
    g.attach();
    return new Promise((resolve) => {
      const onAbort = () => {
        g.detach();
        resolve('cancelled');
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      void g.settled.then((outcome) => {
        if (signal?.aborted) return;
        signal?.removeEventListener('abort', onAbort);
        g.detach();
        resolve(outcome);
      });
    });
  }

  /** Postprocesses a call's text once and caches it under the call's context. */
  private finish(g: Generation, outcome: GenerationOutcome): string {
    if (g.final !== undefined) return g.final;
    if (outcome.status !== 'ok') return '';
    const prompt = outcome.prompt;
    const { text, changedBy } = postprocess(outcome.raw, { ctx: g.ctx, stop: prompt?.stop ?? [], promptKind: prompt?.mode.kind ?? 'template' });
    g.final = text;
    g.changedBy = changedBy;
    this.cache.set(g.filepath, g.docPrefix, g.docSuffix, { id: g.id, text, multiline: g.ctx.multiline, model: outcome.model, modelId: outcome.modelId, traceId: outcome.traceId });
    void g.done.then((r) => {
      // Early-settled calls learn their trace id when they end: keep the cache entry complete.
      const entry = this.cache.get(g.filepath, g.docPrefix, g.docSuffix);
      if (entry && entry.typed === '' && entry.entry.id === g.id) Object.assign(entry.entry, { traceId: r.traceId, modelId: r.modelId });
    });
    return text;
  }
}

/** Ends a call's root span with what became of it: shown, empty, cancelled, error, or unused (its requesters left). */
function endCompletionSpan(span: Span, g: Generation, status: 'ok' | 'error' | 'cancelled', message?: string): void {
  const outcome = g.aborted || status === 'cancelled' ? 'cancelled' : status === 'error' ? 'error' : g.final === '' ? 'empty' : g.shown ? 'shown' : 'unused';
  span.setAttribute(ATTR_SWITCHYARD_OUTCOME, outcome);
  if (g.changedBy.length) span.setAttribute(ATTR_SWITCHYARD_COMPLETION_POSTPROCESS, g.changedBy);
  if (g.final) span.setAttribute(ATTR_SWITCHYARD_RESPONSE, g.final);
  span.setStatus(status === 'error' ? 'error' : 'ok', message);
  span.end();
}

function laterFacts(g: Generation): Promise<{ traceId?: string; modelId?: string; provider?: string }> {
  return g.done.then((r) => ({ traceId: r.traceId, modelId: r.modelId, provider: r.provider }));
}
