/** What the router's parts share for its lifetime: its inputs, the breaker, the rejected keys, the current settings. */
import type { Price, SwitchyardConfig } from '../config/schema';
import type { Ledger } from '../cost/types';
import type { Logger } from '../logger';
import type { ModelAdapter, ResolvedModel } from '../models/types';
import type { Clock } from '../basics';
import type { Tracer } from '../trace/types';
import type { CircuitBreaker } from './breaker';
import type { ModelFacts } from './candidates';
import type { ResolvedRoute, RouteNeeds } from './resolve';

/** What the router needs from the price catalog. */
export interface PriceLookup {
  lookup(modelId: string): ModelFacts | undefined;
  priceFor(modelId: string, modelOverride?: Price): Price | undefined;
  /** The user's own price only (a local model without one costs $0). */
  explicitPriceFor?(modelId: string, modelOverride?: Price): Price | undefined;
}

/** What the router needs from the budget tracker. */
export interface BudgetGate {
  state(): { level: 'ok' | 'warning' | 'exceeded'; onExceed: 'warn' | 'block' | 'cheapest'; message?: string };
  add(costUsd: number | null, atMs?: number): void;
  /** Resolves once the spend so far is known (read lazily, on the first call). */
  ready?(): Promise<void>;
}

export interface RouterDeps {
  config: SwitchyardConfig;
  /** Adapter for a provider config name; throws ModelError{kind:'config'} when it cannot be built. */
  adapterFor: (providerName: string) => Promise<ModelAdapter>;
  catalog: PriceLookup;
  ledger: Ledger;
  tracer: Tracer;
  budget: BudgetGate;
  logger: Logger;
  clock?: Clock;
  workspace?: string;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface RouterRuntime {
  readonly deps: RouterDeps;
  readonly clock: Clock;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random: () => number;
  readonly breaker: CircuitBreaker;
  readonly rejectedKeys: RejectedKeys;
  /** The current settings (updateConfig swaps them; read them per call). */
  config(): SwitchyardConfig;
  priceOf(model: ResolvedModel): Price | undefined;
  resolve(task: string, pinned?: string, needs?: RouteNeeds): ResolvedRoute;
}

export const OPERATION_BY_TASK: Record<string, string> = { completion: 'text_completion', embedding: 'embeddings' };

/**
 * Providers whose key was rejected, with the adapter (so: the key) that was rejected; undefined
 * when no adapter could be built. A provider is tried again once its adapter (its key) changes.
 */
export class RejectedKeys {
  private readonly byProvider = new Map<string, ModelAdapter | undefined>();

  reject(provider: string, adapter: ModelAdapter | undefined): void {
    this.byProvider.set(provider, adapter);
  }

  /** Called with the adapter about to be used: a new adapter means a new key, so the mark goes. */
  noteAdapter(provider: string, adapter: ModelAdapter): void {
    if (this.byProvider.has(provider) && this.byProvider.get(provider) !== adapter) this.byProvider.delete(provider);
  }

  /** True when the provider's key was rejected and its adapter has not changed since. */
  async stillRejected(provider: string, adapterFor: (provider: string) => Promise<ModelAdapter>): Promise<boolean> {
    if (!this.byProvider.has(provider)) return false;
    const current = await adapterFor(provider).catch(() => undefined);
    return current === this.byProvider.get(provider);
  }
}
