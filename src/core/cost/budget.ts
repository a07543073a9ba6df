/**
 * Daily and monthly spend against the configured budget (local calendar days and months),
 * seeded from the ledger's per-day totals (never its records) and kept current by the router
 * after each call. Loading is lazy: building the core reads nothing; the first call that needs
 * the budget (the router's gate, the status bar) waits for ready().
 */
import type { BudgetConfig } from '../config/schema';
import { systemClock, type Clock } from '../basics';
import { femtoToUsd, formatUsd, usdToFemto, type Femto } from './money';
import type { Ledger } from './types';

export type BudgetLevel = 'ok' | 'warning' | 'exceeded';

export interface BudgetState {
  dailySpentUsd: number;
  monthlySpentUsd: number;
  dailyLimitUsd?: number;
  monthlyLimitUsd?: number;
  level: BudgetLevel;
  onExceed: 'warn' | 'block' | 'cheapest';
  /** Set when level is not 'ok', e.g. "Daily budget exceeded: $5.12 of $5.00 spent today." */
  message?: string;
}

/** Fraction of a limit at which the level becomes 'warning'. */
const WARNING_FRACTION = 0.8;

/** "2026-11-24" in local time. */
export function localDayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Midnight at the start of the local month containing `ms`. */
function startOfLocalMonth(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

export class BudgetTracker {
  /** Local day key → spend that day, exact. Only the current month's days are kept. */
  private days = new Map<string, Femto>();
  private loading: Promise<void> | undefined;

  constructor(
    private config: BudgetConfig,
    private readonly ledger: Pick<Ledger, 'totals'>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** New limits apply from the next state(); the spend is kept. */
  updateConfig(config: BudgetConfig): void {
    this.config = config;
  }

  /** Resolves once this month's spend was read (the first call starts the read). Never rejects. */
  ready(): Promise<void> {
    this.loading ??= this.load().catch(() => undefined);
    return this.loading;
  }

  /**
   * Re-sums this month's spend (local time) from the ledger's totals, which also picks up what
   * other windows and the CLI spent. Costs this process added meanwhile are in the totals too.
   */
  async load(): Promise<void> {
    const totals = await this.ledger.totals();
    this.days = totals.spendByDay(localDayKey(startOfLocalMonth(this.clock.now())));
    this.loading ??= Promise.resolve();
  }

  /** Adds one call's cost (null = unknown price: counted as nothing) at `atMs` (default now). */
  add(costUsd: number | null, atMs?: number): void {
    if (costUsd == null || costUsd === 0 || !Number.isFinite(costUsd)) return;
    const key = localDayKey(atMs ?? this.clock.now());
    this.days.set(key, (this.days.get(key) ?? 0n) + usdToFemto(costUsd));
  }

  state(): BudgetState {
    const now = this.clock.now();
    const today = localDayKey(now);
    const month = today.slice(0, 7);
    let monthly = 0n;
    for (const [key, spent] of this.days) {
      if (key.startsWith(month)) monthly += spent;
      else if (key < month) this.days.delete(key); // roll-over: previous months are no longer needed
    }
    const dailySpentUsd = femtoToUsd(this.days.get(today) ?? 0n);
    const monthlySpentUsd = femtoToUsd(monthly);
    const state: BudgetState = { dailySpentUsd, monthlySpentUsd, level: 'ok', onExceed: this.config.onExceed ?? 'warn' };
    if (this.config.dailyUsd !== undefined) state.dailyLimitUsd = this.config.dailyUsd;
    if (this.config.monthlyUsd !== undefined) state.monthlyLimitUsd = this.config.monthlyUsd;

    const checks = [
      { label: 'Daily', period: 'today', spent: dailySpentUsd, limit: state.dailyLimitUsd },
      { label: 'Monthly', period: 'this month', spent: monthlySpentUsd, limit: state.monthlyLimitUsd },
    ];
    const messages: string[] = [];
    for (const c of checks) {
      if (c.limit === undefined) continue;
      if (c.spent >= c.limit) {
        if (state.level !== 'exceeded') messages.length = 0;
        state.level = 'exceeded';
        messages.push(`${c.label} budget exceeded: ${formatUsd(c.spent)} of ${formatUsd(c.limit)} spent ${c.period}.`);
      } else if (c.spent >= c.limit * WARNING_FRACTION && state.level !== 'exceeded') {
        state.level = 'warning';
        const pct = Math.floor((c.spent / c.limit) * 100);
        messages.push(`${c.label} budget at ${pct}%: ${formatUsd(c.spent)} of ${formatUsd(c.limit)} spent ${c.period}.`);
      }
    }
    if (messages.length) state.message = messages.join(' ');
    return state;
  }
}
