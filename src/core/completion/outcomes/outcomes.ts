/**
 * Counts what happens to completions per model (shown, accepted, rejected, cancelled, cache hits)
 * and writes the user-visible ones to the usage ledger, so accept rates survive restarts and show
 * in the cost report. A router call's own ledger record carries `outcome: 'cancelled'` when the
 * engine aborted it; accepted / rejected / cache_hit happen after the call and get a small record
 * of their own (no attempts, no usage, same traceId as the call that produced the text).
 */
import type { Ledger, LedgerRecord } from '../../cost/types';
import type { Logger } from '../../logger';
import type { Clock } from '../../basics';
import type { CompletionOutcome } from '../types';

export interface ModelCompletionStats {
  /** Model calls made. */
  requests: number;
  /** Calls the engine aborted (the user typed on or moved away). */
  cancelled: number;
  errors: number;
  /** Distinct suggestions displayed (from a model call or the cache). */
  shown: number;
  accepted: number;
  rejected: number;
  /** Requests answered from the cache or an in-flight call, without a new model call. */
  cacheHits: number;
}

const emptyStats = (): ModelCompletionStats => ({ requests: 0, cancelled: 0, errors: 0, shown: 0, accepted: 0, rejected: 0, cacheHits: 0 });

export interface OutcomeInfo {
  id: string;
  model?: string;
  modelId?: string;
  provider?: string;
  traceId?: string;
  /** Facts known only when the model call is over (an early-settled call is still streaming). */
  later?: Promise<{ traceId?: string; modelId?: string; provider?: string }>;
}

export class OutcomeTracker {
  private readonly byModel = new Map<string, ModelCompletionStats>();
  /** The suggestion on screen, if any, with what produced it. */
  private current?: OutcomeInfo;
  private readonly closed = new Set<string>();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly ledger: Ledger | undefined,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly workspace?: string,
  ) {}

  private stats(model: string | undefined): ModelCompletionStats {
    const key = model ?? '(none)';
    let s = this.byModel.get(key);
    if (!s) this.byModel.set(key, (s = emptyStats()));
    return s;
  }

  call(model: string | undefined, status: 'ok' | 'error' | 'cancelled'): void {
    const s = this.stats(model);
    s.requests++;
    if (status === 'cancelled') s.cancelled++;
    if (status === 'error') s.errors++;
  }

  cacheHit(model: string | undefined): void {
    this.stats(model).cacheHits++;
  }

  /** A suggestion is on screen. The same id again (typing through it) is not a new display. */
  shown(info: OutcomeInfo, fromCache: boolean): void {
    if (this.current?.id === info.id) return;
    if (this.current) this.reject();
    this.current = info;
    this.stats(info.model).shown++;
    // One ledger record per suggestion, written when it closes (accepted / rejected); a suggestion
    // shown again from the cache also leaves a cache_hit record (the cost report keeps those apart).
    if (fromCache) this.write('cache_hit', info);
  }

  /** The suggestion on screen went away without being accepted (replaced, or nothing to show). */
  reject(): void {
    const info = this.current;
    this.current = undefined;
    if (!info || this.closed.has(info.id)) return;
    this.closed.add(info.id);
    this.stats(info.model).rejected++;
    this.write('rejected', info);
  }

  /** The user accepted the suggestion with this id (fully or by the accept command). */
  accept(id: string): boolean {
    const info = this.current?.id === id ? this.current : undefined;
    if (!info || this.closed.has(id)) return false;
    this.closed.add(id);
    this.current = undefined;
    this.stats(info.model).accepted++;
    this.write('accepted', info);
    return true;
  }

  currentId(): string | undefined {
    return this.current?.id;
  }

  snapshot(): Record<string, ModelCompletionStats & { acceptRate: number | null }> {
    const out: Record<string, ModelCompletionStats & { acceptRate: number | null }> = {};
    for (const [model, s] of this.byModel) out[model] = { ...s, acceptRate: s.shown > 0 ? s.accepted / s.shown : null };
    return out;
  }

  /** Resolves when every outcome record written so far is in the ledger. */
  flush(): Promise<void> {
    return this.pending;
  }

  private write(outcome: CompletionOutcome, info: OutcomeInfo): void {
    if (!this.ledger) return;
    const ledger = this.ledger;
    const time = new Date(this.clock.now()).toISOString();
    this.pending = this.pending
      .then(async () => ledger.append(this.record(outcome, { ...info, ...(await info.later) }, time)))
      .catch((err: unknown) => {
        this.logger.warn(`Could not record the completion outcome "${outcome}": ${err instanceof Error ? err.message : String(err)}`);
      });
  }

  private record(outcome: CompletionOutcome, info: OutcomeInfo, time: string): LedgerRecord {
    return {
      v: 1,
      traceId: info.traceId ?? info.id,
      time,
      feature: 'completion',
      task: 'completion',
      ...(this.workspace ? { workspace: this.workspace } : {}),
      route: [],
      ...(info.model ? { model: info.model } : {}),
      ...(info.modelId ? { modelId: info.modelId } : {}),
      ...(info.provider ? { provider: info.provider } : {}),
      attempts: [],
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0,
      status: 'ok',
      latencyMs: 0,
      outcome,
    };
  }
}
