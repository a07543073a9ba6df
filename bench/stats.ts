/** Distribution summaries for benchmark samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summarize(samples: number[], digits = 1): { n: number; p50: number; p95: number; p99: number; mean: number } {
  const round = (x: number) => Number(x.toFixed(digits));
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return { n: samples.length, p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), p99: round(percentile(samples, 99)), mean: round(mean) };
}

/** High-resolution elapsed microseconds since `start` (from process.hrtime.bigint()). */
export const elapsedUs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1000;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so runs are comparable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
