/** Per-model circuit breaker: after consecutive failures a model cools down, then one probe is let through. */
import type { Clock } from '../basics';

interface BreakerEntry {
  consecutiveFailures: number;
  openedAtMs?: number;
  probing: boolean;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  private readonly entries = new Map<string, BreakerEntry>();

  constructor(
    private failureThreshold: number,
    private cooldownMs: number,
    private readonly clock: Clock,
  ) {}

  /** New thresholds apply from the next call; models keep their state (open stays open). */
  updateSettings(failureThreshold: number, cooldownMs: number): void {
    this.failureThreshold = failureThreshold;
    this.cooldownMs = cooldownMs;
  }

  state(model: string): BreakerState {
    const entry = this.entries.get(model);
    if (!entry || entry.openedAtMs === undefined) return 'closed';
    return this.clock.now() - entry.openedAtMs >= this.cooldownMs ? 'half_open' : 'open';
  }

  /** True when a call may go to the model now; a half-open model admits one probe at a time. */
  tryAcquire(model: string): boolean {
    const state = this.state(model);
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const entry = this.entries.get(model)!;
    if (entry.probing) return false;
    entry.probing = true;
    return true;
  }

  /** Milliseconds until an open breaker lets a probe through. */
  remainingCooldownMs(model: string): number {
    const entry = this.entries.get(model);
    if (!entry || entry.openedAtMs === undefined) return 0;
    return Math.max(0, entry.openedAtMs + this.cooldownMs - this.clock.now());
  }

  onSuccess(model: string): void {
    this.entries.delete(model);
  }

  onFailure(model: string): void {
    const entry = this.entries.get(model) ?? { consecutiveFailures: 0, probing: false };
    entry.consecutiveFailures += 1;
    if (entry.probing || entry.consecutiveFailures >= this.failureThreshold) {
      entry.openedAtMs = this.clock.now();
    }
    entry.probing = false;
    this.entries.set(model, entry);
  }

  /** A call that ended neither in success nor in a model failure (cancel, bad request) frees the probe. */
  onNeutral(model: string): void {
    const entry = this.entries.get(model);
    if (entry) entry.probing = false;
  }
}
