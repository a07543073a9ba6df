/**
 * Exact money arithmetic: dollar amounts as integer femto-dollars (1e-15 USD) in bigint, so sums
 * of many small per-call costs never drift; converted to a JS number only at the edges.
 */

const SCALE_DIGITS = 15;
const SCALE = 10n ** BigInt(SCALE_DIGITS);

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** Femto-dollars (1e-15 USD). */
export type Femto = bigint;

/**
 * The exact decimal value of a JS number's shortest round-trip representation, in femto-dollars
 * (digits beyond 1e-15 are rounded half away from zero). 0.1 → 100000000000000n exactly.
 */
export function usdToFemto(usd: number): Femto {
  if (!Number.isFinite(usd)) throw new RangeError(`not a finite dollar amount: ${usd}`);
  // Fast path: below $1M a value with at most 9 decimals round-trips through nano-dollars exactly
  // (doubles there are spaced < 1e-9, so that decimal is the shortest representation).
  if (Math.abs(usd) < 1e6) {
    const nanos = Math.round(usd * 1e9);
    if (nanos / 1e9 === usd) return BigInt(nanos) * 1_000_000n;
  }
  const negative = usd < 0;
  const text = Math.abs(usd).toString();
  const [mantissa, expText] = text.split('e');
  const exp = expText ? Number(expText) : 0;
  const [intPart, fracPart = ''] = mantissa.split('.');
  let digits = intPart + fracPart;
  // value = digits × 10^(exp − fracPart.length); we want value × 10^15.
  let shift = exp - fracPart.length + SCALE_DIGITS;
  let result: bigint;
  if (shift >= 0) {
    result = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    shift = -shift;
    if (shift > digits.length) digits = digits.padStart(shift, '0');
    const keep = digits.slice(0, digits.length - shift) || '0';
    const dropped = digits.slice(digits.length - shift);
    result = BigInt(keep) + (dropped[0] >= '5' ? 1n : 0n);
  }
  return negative ? -result : result;
}

/** The nearest JS number to an exact femto-dollar amount. */
export function femtoToUsd(femto: Femto): number {
  // Exact integers up to 2^53 divided by 1e15: IEEE division rounds correctly to the nearest double.
  if (femto <= MAX_EXACT && femto >= -MAX_EXACT) return Number(femto) / 1e15;
  const negative = femto < 0n;
  const abs = negative ? -femto : femto;
  const whole = abs / SCALE;
  const frac = (abs % SCALE).toString().padStart(SCALE_DIGITS, '0');
  const value = Number(`${whole}.${frac}`);
  return negative ? -value : value;
}

/** Exact sum of dollar amounts (nulls/undefined ignored). */
export function sumUsd(values: Iterable<number | null | undefined>): number {
  let total = 0n;
  for (const v of values) if (v != null) total += usdToFemto(v);
  return femtoToUsd(total);
}

/** What a cost figure covers: `local` when every call in it ran on a model served from this machine. */
export interface SpendFacts {
  local?: boolean;
}

/**
 * Display form: "$0.0123" — at least 2 decimals, up to 4 significant decimals for small amounts.
 * A $0 that only local calls made reads "$0 (local)", so it is not taken for a missing price.
 */
export function formatUsd(usd: number | null | undefined, facts: SpendFacts = {}): string {
  if (usd == null) return 'unknown';
  if (usd === 0 && facts.local) return '$0 (local)';
  const abs = Math.abs(usd);
  let decimals = 2;
  if (abs > 0 && abs < 1) decimals = Math.min(8, Math.max(2, 3 - Math.floor(Math.log10(abs))));
  const text = abs.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1');
  return `${usd < 0 ? '-' : ''}$${text}`;
}
