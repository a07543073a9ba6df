/**
 * Spend caps that pause and ask: a per-turn and a per-conversation cap (settings `cost.maxTurnUsd`,
 * `cost.maxConversationUsd`). Before each model call of a turn (tool rounds included) the guard
 * compares what was spent with the caps; once one is crossed it asks the user to continue for about
 * $X more, switch to a cheaper model, or stop, and does what the answer says.
 */
import type { Price, SwitchyardConfig } from '../config/schema';
import type { Conversation } from './types';
import { priceOfModel, type PriceSource } from '../cost/local';
import { formatUsd } from '../cost/money';

export type CapScope = 'turn' | 'conversation';

/** What the user is asked when a cap is crossed. */
export interface CapPrompt {
  conversationId: string;
  scope: CapScope;
  spentUsd: number;
  capUsd: number;
  /** "Continue for about $X more" raises the crossed cap by this much. */
  extraUsd: number;
  /** The model config name "switch to a cheaper model" moves to (absent: none is cheaper). */
  cheaperModel?: string;
  /** The cap in words, e.g. "This turn has cost $0.52, over its cap of $0.50." */
  message: string;
}

export type CapDecision = 'continue' | 'switch' | 'stop';
export type AskCap = (prompt: CapPrompt, signal: AbortSignal) => Promise<CapDecision>;

/** What the turn does next: go on (possibly with another model) or stop. */
export type CapOutcome = { action: 'go'; model?: string } | { action: 'stop'; reason: string };

/** Checked before each model call of a turn with the turn's spend so far (USD). */
export type BeforeModelCall = (turnSpentUsd: number, signal: AbortSignal) => Promise<CapOutcome>;

export interface SpendCapGuardOptions {
  conversationId: string;
  maxTurnUsd?: number;
  maxConversationUsd?: number;
  /** What the conversation cost before this turn. */
  conversationSpentUsd: number;
  /** The model the turn starts with (config name; undefined = the chat route's head). */
  model: string | undefined;
  config: SwitchyardConfig;
  priceOf: (modelName: string) => Price | undefined;
  ask: AskCap;
  onSwitch?: (model: string) => void;
}

/** Price of a model per 1M input + 1M output tokens, for ordering by cost; unknown sorts last. */
function weight(price: Price | undefined): number {
  return price ? price.inputPerMTok + price.outputPerMTok : Number.POSITIVE_INFINITY;
}

/** The cheapest configured chat model strictly cheaper than `current`, or undefined. */
export function cheaperModel(config: SwitchyardConfig, current: string | undefined, priceOf: (name: string) => Price | undefined): string | undefined {
  const head = current ?? config.pinned.chat ?? config.routes.chat?.[0];
  const currentWeight = head ? weight(priceOf(head)) : Number.POSITIVE_INFINITY;
  let best: { name: string; w: number } | undefined;
  for (const name of Object.keys(config.models)) {
    if (name === head || config.models[name]?.fim === 'native') continue;
    const w = weight(priceOf(name));
    if (w < currentWeight && (!best || w < best.w)) best = { name, w };
  }
  return best?.name;
}

class SpendCapGuard {
  private turnLimit: number | undefined;
  private conversationLimit: number | undefined;
  private model: string | undefined;

  constructor(private readonly opts: SpendCapGuardOptions) {
    this.turnLimit = opts.maxTurnUsd;
    this.conversationLimit = opts.maxConversationUsd;
    this.model = opts.model;
  }

  /** Whether any cap is set (no cap: nothing to check). */
  get active(): boolean {
    return this.turnLimit !== undefined || this.conversationLimit !== undefined;
  }

  readonly beforeModelCall: BeforeModelCall = async (turnSpentUsd, signal) => {
    const crossed = this.crossed(turnSpentUsd);
    if (!crossed) return { action: 'go' };
    const cheaper = cheaperModel(this.opts.config, this.model, this.opts.priceOf);
    const extraUsd = crossed.scope === 'turn' ? this.opts.maxTurnUsd! : this.opts.maxTurnUsd ?? this.opts.maxConversationUsd! / 4;
    const what = crossed.scope === 'turn' ? 'This turn' : 'This conversation';
    const prompt: CapPrompt = {
      conversationId: this.opts.conversationId,
      scope: crossed.scope,
      spentUsd: crossed.spent,
      capUsd: crossed.limit,
      extraUsd,
      ...(cheaper ? { cheaperModel: cheaper } : {}),
      message: `${what} has cost ${formatUsd(crossed.spent)}, reaching its cap of ${formatUsd(crossed.limit)}.`,
    };
    let decision: CapDecision;
    try {
      decision = signal.aborted ? 'stop' : await this.opts.ask(prompt, signal);
    } catch {
      decision = 'stop';
    }
    if (decision === 'stop' || (decision === 'switch' && !cheaper)) {
      return { action: 'stop', reason: `${prompt.message} Stopped at the spend cap.` };
    }
    // Continuing (with either model) raises the crossed cap by the amount offered.
    if (crossed.scope === 'turn') this.turnLimit = crossed.limit + extraUsd;
    else this.conversationLimit = crossed.limit + extraUsd;
    if (decision === 'switch') {
      this.model = cheaper;
      this.opts.onSwitch?.(cheaper!);
      return { action: 'go', model: cheaper };
    }
    return { action: 'go' };
  };

  private crossed(turnSpentUsd: number): { scope: CapScope; spent: number; limit: number } | undefined {
    if (this.turnLimit !== undefined && turnSpentUsd >= this.turnLimit) return { scope: 'turn', spent: turnSpentUsd, limit: this.turnLimit };
    const total = this.opts.conversationSpentUsd + turnSpentUsd;
    if (this.conversationLimit !== undefined && total >= this.conversationLimit) return { scope: 'conversation', spent: total, limit: this.conversationLimit };
    return undefined;
  }
}

/** The guard for a turn of `conv` under the configured caps, or undefined when no cap is set. */
export function capGuardFor(
  conv: Conversation,
  core: { config: SwitchyardConfig; catalog?: PriceSource },
  ask: AskCap | undefined,
  onSwitch: (model: string) => void,
): SpendCapGuard | undefined {
  const { maxTurnUsd, maxConversationUsd } = core.config.cost ?? {};
  if (maxTurnUsd === undefined && maxConversationUsd === undefined) return undefined;
  const spent = conv.messages.reduce((s, m) => s + (m.role === 'assistant' && typeof m.costUsd === 'number' ? m.costUsd : 0), 0);
  return new SpendCapGuard({
    conversationId: conv.id,
    maxTurnUsd,
    maxConversationUsd,
    conversationSpentUsd: spent,
    model: conv.model,
    config: core.config,
    priceOf: (name) => {
      const m = core.config.models[name];
      return m && core.catalog ? priceOfModel(core.config, core.catalog, name, m.id) : undefined;
    },
    // Nobody to ask (e.g. a headless caller): a crossed cap stops.
    ask: ask ?? (async () => 'stop'),
    onSwitch,
  });
}
