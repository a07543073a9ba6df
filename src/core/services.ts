/**
 * The core service graph both front doors (the VS Code host and the CLI) build once, in their
 * composition roots, through `createCoreServices` (src/core/app.ts).
 */
import type { SwitchyardConfig } from './config/schema';
import type { Logger } from './logger';
import type { Router } from './router/types';
import type { Ledger } from './cost/types';
import type { Tracer, TraceStore } from './trace/types';

/** Where API keys come from: SecretStorage in VS Code, environment variables in the CLI. */
export interface SecretSource {
  /** The API key of a provider (config name), or undefined when none is set. */
  apiKey(providerName: string): Promise<string | undefined>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface CoreServices {
  readonly config: SwitchyardConfig;
  readonly router: Router;
  readonly ledger: Ledger;
  readonly tracer: Tracer;
  readonly traceStore: TraceStore;
  readonly logger: Logger;
  /** Folder for the ledger, traces and indexes. */
  readonly dataDir: string;
  readonly clock: Clock;
}
