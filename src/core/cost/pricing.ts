/** Cost of one call from normalised usage and a price, computed exactly (integer femto-dollars). */
import type { Price } from '../config/schema';
import type { Usage } from '../models/types';
import { femtoToUsd, usdToFemto, type Femto } from './money';

export interface CallCost {
  /** null: the price is unknown (never shown as $0). */
  costUsd: number | null;
  /** What the cache reads saved against the full input price; null when the price is unknown. */
  cacheSavingsUsd: number | null;
}

/** Splits usage by how each part is billed (see Usage in src/core/models/types.ts). */
export function billableTokens(usage: Usage): { uncachedInput: number; cacheRead: number; cacheWrite: number; output: number } {
  const cacheRead = Math.max(0, usage.cacheReadTokens);
  const cacheWrite = Math.max(0, usage.cacheWriteTokens);
  return {
    uncachedInput: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    cacheRead,
    cacheWrite,
    output: Math.max(0, usage.outputTokens),
  };
}

/**
 * inputTokens includes cached tokens: uncached = input − cacheRead − cacheWrite is billed at the
 * input price, cache reads at cacheReadPerMTok and cache writes at cacheWritePerMTok (each falling
 * back to the input price when absent), output at the output price.
 */
export function computeCost(usage: Usage, price: Price | undefined): CallCost {
  if (!price) return { costUsd: null, cacheSavingsUsd: null };
  const t = billableTokens(usage);
  const input = usdToFemto(price.inputPerMTok);
  const read = price.cacheReadPerMTok === undefined ? input : usdToFemto(price.cacheReadPerMTok);
  const write = price.cacheWritePerMTok === undefined ? input : usdToFemto(price.cacheWritePerMTok);
  const output = usdToFemto(price.outputPerMTok);
  // Σ tokens × (USD per 1M tokens, in femto-dollars), divided by 1e6 once at the end: exact until then.
  const perMillion = BigInt(t.uncachedInput) * input + BigInt(t.cacheRead) * read + BigInt(t.cacheWrite) * write + BigInt(t.output) * output;
  const savingsPerMillion = BigInt(t.cacheRead) * (input - read);
  return { costUsd: divMillion(perMillion), cacheSavingsUsd: divMillion(savingsPerMillion) };
}

/** femto × tokens ÷ 1e6, rounded half-up to a whole femto-dollar, as dollars. */
function divMillion(x: Femto): number {
  const q = x / 1_000_000n;
  const r = x % 1_000_000n;
  return femtoToUsd(r * 2n >= 1_000_000n ? q + 1n : q);
}

/** The spend budgets and caps count: the higher of our figure and the provider's (unknown stays unknown unless the provider said). */
export function budgetCost(costUsd: number | null, providerCostUsd: number | undefined): number | null {
  if (providerCostUsd === undefined) return costUsd;
  return costUsd === null ? providerCostUsd : Math.max(costUsd, providerCostUsd);
}
