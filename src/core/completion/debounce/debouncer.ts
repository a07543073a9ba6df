/**
 * Debounce before a model call, adaptive to typing speed: the wait follows the recent gap between
 * keystrokes (a fast typist gets a short wait that still outlasts their gaps, a slow one a longer
 * wait), clamped around the configured base. A newer wait supersedes an older one.
 */
import type { Clock } from '../../basics';

export interface DebounceOptions {
  baseMs: number;
  adaptive: boolean;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Gaps longer than this are pauses, not typing rhythm. */
const RHYTHM_MAX_GAP_MS = 1000;

export class Debouncer {
  private lastKeyAt?: number;
  private gapEma?: number;
  private generation = 0;

  constructor(
    private options: DebounceOptions,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {}

  /** New settings apply from the next request; the typing-rhythm estimate is kept. */
  updateOptions(options: DebounceOptions): void {
    this.options = options;
  }

  /** Notes a keystroke (a completion request) and returns how long to wait before calling the model. */
  noteKeystroke(): number {
    const now = this.clock.now();
    if (this.lastKeyAt !== undefined) {
      const gap = now - this.lastKeyAt;
      if (gap > 0 && gap < RHYTHM_MAX_GAP_MS) this.gapEma = this.gapEma === undefined ? gap : 0.3 * gap + 0.7 * this.gapEma;
    }
    this.lastKeyAt = now;
    return this.currentDelay();
  }

  currentDelay(): number {
    const base = this.options.baseMs;
    if (!this.options.adaptive || this.gapEma === undefined || base === 0) return base;
    return Math.round(Math.min(base * 3, Math.max(base * 0.5, this.gapEma * 1.5)));
  }

  /**
   * Waits the delay; resolves true when the caller should go on, false when it was cancelled or a
   * newer request arrived meanwhile.
   */
  async wait(delayMs: number, signal?: AbortSignal): Promise<boolean> {
    const mine = ++this.generation;
    if (delayMs > 0) {
      try {
        await this.sleep(delayMs, signal);
      } catch {
        return false;
      }
    }
    return !signal?.aborted && mine === this.generation;
  }
}
