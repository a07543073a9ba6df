/**
 * Builds the core service graph (catalog, ledger, traces, budget, adapters, router) in one
 * place, for both front doors: the VS Code host and the CLI.
 */
import { join } from 'node:path';
import type { Price, SwitchyardConfig } from './config/schema';
import { loadPriceFile } from './cost/priceImport';
import { BudgetTracker } from './cost/budget';
import { PriceCatalog } from './cost/catalog';
import { JsonlLedger } from './cost/ledger';
import { TokenCounter } from './models/tokens';
import type { Logger } from './logger';
import { ModelError } from './models/errors';
import { createAdapter } from './models/registry';
import type { KeyFixForm } from './models/apiKeys';
import type { ModelAdapter } from './models/types';
import { createRouter, type ManagedRouter } from './router/router';
import { tapRouter } from './router/tap';
import type { RouterResult } from './router/types';
import { systemClock, type Clock, type SecretSource } from './basics';
import type { Ledger } from './cost/types';
import type { Tracer, TraceStore } from './trace/types';
import { FileTraceStore } from './trace/fileStore';
import { createOtlpExporter } from './trace/otlp';
import { createTracer } from './trace/tracer';

export interface CreateCoreOptions {
  config: SwitchyardConfig;
  secrets: SecretSource;
  dataDir: string;
  logger: Logger;
  clock?: Clock;
  workspace?: string;
  /** Reported as service.version on exported traces. */
  version?: string;
  /** Which front door's action the missing-key fix names (default: both). */
  keyFixForm?: KeyFixForm;
  /** Told about every finished router call (the host's notifications and Usage refresh). */
  onCallFinished?: (result: RouterResult) => void;
}

/**
 * The core service graph both front doors (the VS Code host and the CLI) build once, in their
 * composition roots, through createCoreServices; it lives as long as they do.
 */
export interface AppServices {
  /** The current settings (updateConfig() replaces them; read them when needed, do not keep them). */
  readonly config: SwitchyardConfig;
  readonly router: ManagedRouter;
  readonly ledger: Ledger;
  readonly tracer: Tracer;
  readonly traceStore: TraceStore;
  readonly logger: Logger;
  /** Folder for the ledger, traces and indexes. */
  readonly dataDir: string;
  readonly clock: Clock;
  readonly catalog: PriceCatalog;
  readonly budget: BudgetTracker;
  /** Local token counts (cached), for cache breakpoints, the next-turn estimate and the context meter. */
  readonly tokens: TokenCounter;
  /** The adapter for a provider (cached; rebuilt when its key or settings change). */
  adapterFor(providerName: string): Promise<ModelAdapter>;
  /** Settings changed: every part takes the new settings in place (caches, breaker, spend kept). */
  updateConfig(config: SwitchyardConfig): void;
  /** Flushes trace export and releases what the graph holds. Idempotent. */
  dispose(): Promise<void>;
}

/** The price overrides: `cost.pricesFile`'s prices, then `prices` over them (an unreadable file is reported, never fatal). */
export function priceOverrides(config: Pick<SwitchyardConfig, 'prices' | 'cost'>, logger: Logger): Record<string, Price> {
  const file = config.cost?.pricesFile;
  if (!file) return config.prices;
  try {
    const imported = loadPriceFile(file);
    logger.info(`Prices: ${Object.keys(imported.prices).length} model(s) from ${file} (${imported.format} format${imported.skipped.length ? `, ${imported.skipped.length} entries without token prices skipped` : ''}).`);
    return { ...imported.prices, ...config.prices };
  } catch (err) {
    logger.error(`${err instanceof Error ? err.message : String(err)} Using the built-in price catalog.`);
    return config.prices;
  }
}

export const LEDGER_FILE = 'ledger.jsonl';
export const TRACES_FILE = 'traces.jsonl';

export async function createCoreServices(opts: CreateCoreOptions): Promise<AppServices> {
  const { secrets, dataDir, logger } = opts;
  const clock = opts.clock ?? systemClock;
  // The one source of settings for the graph: parts read it when they need it; updateConfig()
  // swaps it and tells the parts with derived state. The graph itself is never rebuilt.
  let config = opts.config;

  let catalog = new PriceCatalog(undefined, priceOverrides(config, logger));
  const tokens = new TokenCounter();
  const ledger = new JsonlLedger(join(dataDir, LEDGER_FILE), logger);
  // Nothing is read here: the store indexes its file when the Traces tab first asks.
  const traceStore = new FileTraceStore({
    maxTraces: config.trace.maxTraces,
    maxBytes: config.trace.maxBytes,
    filePath: join(dataDir, TRACES_FILE),
    logger,
  });
  const exporterFor = (c: SwitchyardConfig) => (c.trace.otlpEndpoint ? createOtlpExporter({ endpoint: c.trace.otlpEndpoint, headers: c.trace.otlpHeaders, logger, serviceVersion: opts.version }) : undefined);
  const exporterKey = (c: SwitchyardConfig) => JSON.stringify([c.trace.otlpEndpoint ?? null, c.trace.otlpHeaders ?? null]);
  let exporter = exporterFor(config);
  const tracer = createTracer({ store: traceStore, clock, recordBodies: config.trace.recordBodies, exporter, logger });
  // The spend is read lazily (router gate, status bar): building the core reads no ledger.
  const budget = new BudgetTracker(config.budget, ledger, clock);

  /** Adapters by provider, reused while the provider's settings and key stay the same. */
  const adapters = new Map<string, { key: string | undefined; settings: string; adapter: ModelAdapter }>();
  async function adapterFor(providerName: string): Promise<ModelAdapter> {
    const provider = config.providers[providerName];
    if (!provider) {
      throw new ModelError({
        kind: 'config',
        provider: providerName,
        message: `Provider "${providerName}" is not configured (configured: ${Object.keys(config.providers).join(', ') || 'none'}).`,
        fix: 'Add it under providers.',
      });
    }
    const key = await secrets.apiKey(providerName);
    const settings = JSON.stringify(provider);
    const cached = adapters.get(providerName);
    if (cached && cached.key === key && cached.settings === settings) return cached.adapter;
    const adapter = createAdapter(providerName, provider, key, logger, tokens, opts.keyFixForm);
    adapters.set(providerName, { key, settings, adapter });
    return adapter;
  }

  // The router sees the current catalog through this lookup (the catalog is rebuilt when prices change).
  // The router reads the current catalog through this (updateConfig swaps the catalog in place).
  const prices = {
    lookup: (id: string) => catalog.lookup(id),
    priceFor: (id: string, override?: Parameters<PriceCatalog['priceFor']>[1]) => catalog.priceFor(id, override),
    explicitPriceFor: (id: string, override?: Parameters<PriceCatalog['priceFor']>[1]) => catalog.explicitPriceFor(id, override),
  };
  const managed = createRouter({ config, adapterFor, catalog: prices, ledger, tracer, budget, logger, clock, workspace: opts.workspace });
  const router = opts.onCallFinished ? tapRouter(managed, opts.onCallFinished) : managed;

  let disposed = false;
  return {
    get config() {
      return config;
    },
    router,
    ledger,
    tracer,
    traceStore,
    logger,
    dataDir,
    clock,
    get catalog() {
      return catalog;
    },
    budget,
    tokens,
    adapterFor,
    updateConfig(next: SwitchyardConfig) {
      const previous = config;
      // Build what can fail first, so an invalid price table leaves everything as it was.
      const samePrices = JSON.stringify(next.prices) === JSON.stringify(previous.prices) && JSON.stringify(next.cost) === JSON.stringify(previous.cost);
      const nextCatalog = samePrices ? catalog : new PriceCatalog(undefined, priceOverrides(next, logger));
      config = next;
      catalog = nextCatalog;
      router.updateConfig(next);
      budget.updateConfig(next.budget);
      traceStore.updateLimits({ maxTraces: next.trace.maxTraces, maxBytes: next.trace.maxBytes });
      if (exporterKey(next) !== exporterKey(previous)) {
        void exporter?.shutdown?.();
        exporter = exporterFor(next);
        tracer.update({ recordBodies: next.trace.recordBodies, exporter });
      } else {
        tracer.update({ recordBodies: next.trace.recordBodies });
      }
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      adapters.clear();
      // Traces already handed to the store / exporter are written out before the process ends.
      await Promise.allSettled([traceStore.close(), ledger.close(), exporter?.shutdown?.()]);
    },
  };
}
