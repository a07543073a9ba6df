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

/** `tokens` × `perMTok` (USD per million tokens) in femto-dollars, still to be divided by 1e6. */
function tokensCost(tokens: number, perMTok: number): Femto {
  return usdToFemto(perMTok) * BigInt(tokens);
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
  const readPrice = price.cacheReadPerMTok ?? price.inputPerMTok;
  const writePrice = price.cacheWritePerMTok ?? price.inputPerMTok;
  // Sum of (USD/MTok in femto) × tokens, then ÷ 1e6 once at the end: exact until the final division.
  const perMillion =
    tokensCost(t.uncachedInput, price.inputPerMTok) +
    tokensCost(t.cacheRead, readPrice) +
    tokensCost(t.cacheWrite, writePrice) +
    tokensCost(t.output, price.outputPerMTok);
  const savingsPerMillion = tokensCost(t.cacheRead, price.inputPerMTok) - tokensCost(t.cacheRead, readPrice);
  return { costUsd: divMillion(perMillion), cacheSavingsUsd: divMillion(savingsPerMillion) };
}

/** femto × tokens ÷ 1e6, rounded half-up to a whole femto-dollar, as dollars. */
function divMillion(x: Femto): number {
  const q = x / 1_000_000n;
  const r = x % 1_000_000n;
  return femtoToUsd(r * 2n >= 1_000_000n ? q + 1n : q);
}
