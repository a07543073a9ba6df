/**
 * `switchyard ask --max-cost USD`: stops the answer once it has cost that much. With --tools the
 * loop stops before the next model call (exact spend so far); a single call is stopped mid-stream
 * when its input plus the output so far, counted with the model's tokenizer, reach the limit
 * (a stopped stream reports no usage, so that count is the spend shown).
 */
import type { AppServices } from '../../core/app';
import type { BeforeModelCall } from '../../core/chat/spendCap';
import { computeCost, budgetCost } from '../../core/cost/pricing';
import { formatUsd } from '../../core/cost/money';
import type { ChatMessage } from '../../core/models/types';
import type { RouterEvent } from '../../core/router/types';
import type { TurnResult } from '../../core/chat/turnResult';
import { priceOfModel } from '../../core/cost/local';

export class MaxCostWatch {
  /** Set once the limit was reached and the answer stopped. */
  reached = false;
  private model: string | undefined;
  private output = '';
  private projected = 0;

  constructor(
    readonly maxUsd: number,
    private readonly core: Pick<AppServices, 'config' | 'catalog' | 'tokens'>,
    private readonly messages: ChatMessage[],
    private readonly stop: () => void,
  ) {}

  /** For the tool loop: stop before the next call once the turn has cost the limit. */
  readonly beforeModelCall: BeforeModelCall = async (spentUsd) => {
    if (spentUsd < this.maxUsd) return { action: 'go' };
    this.reached = true;
    this.projected = Math.max(this.projected, spentUsd);
    return { action: 'stop', reason: `Stopped at --max-cost ${formatUsd(this.maxUsd)}: ${formatUsd(spentUsd)} spent.` };
  };

  /** For a single call: every router event; stops the stream when the projection reaches the limit. */
  observe(event: RouterEvent): void {
    if (event.type === 'attempt') {
      this.model = event.model;
      this.output = '';
    } else if (event.type === 'text') {
      this.output += event.text;
      const spent = this.projectedCost();
      if (spent !== undefined && spent >= this.maxUsd && !this.reached) {
        this.reached = true;
        this.projected = spent;
        this.stop();
      }
    }
  }

  /** What the answer cost: the router's exact figure (the higher of ours and the provider's), else the projection. */
  spentUsd(result: Pick<TurnResult, 'costUsd' | 'providerCostUsd'>): number {
    const exact = budgetCost(result.costUsd, result.providerCostUsd) ?? 0;
    return Math.max(exact, this.reached ? this.projected : 0);
  }

  private projectedCost(): number | undefined {
    const m = this.model ? this.core.config.models[this.model] : undefined;
    if (!m) return undefined;
    const price = priceOfModel(this.core.config, this.core.catalog, this.model!, m.id);
    const inputTokens = this.core.tokens.countMessages(m.id, this.messages);
    const outputTokens = this.core.tokens.countTokens(m.id, this.output);
    return computeCost({ inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 }, price).costUsd ?? undefined;
  }
}
