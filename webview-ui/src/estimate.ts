/**
 * Under the chat input: what the next turn will cost before it is sent, and how much of the
 * model's context window it fills. The host counts the tokens (the model family's tokenizer);
 * this view asks after each change of the draft (debounced) and shows only the latest answer.
 */
import type { ContextChip } from '../../src/core/chat/types';
import type { HostMessage, TurnEstimate } from '../../src/protocol/messages';
import { formatTokens, formatUsd, h } from './dom';

export interface DraftSource {
  draft(): { conversationId?: string; text: string; chips: ContextChip[]; model?: string };
  post(message: { type: 'chat/estimate'; seq: number; conversationId?: string; text: string; chips: ContextChip[]; model?: string }): void;
}

/** Wait this long after the last keystroke before asking the host. */
const DEBOUNCE_MS = 150;

export class TurnEstimateBar {
  readonly root = h('div', { class: 'turn-estimate', attrs: { 'aria-live': 'polite' } });
  private readonly costLine = h('span', { class: 'estimate-cost' });
  private readonly meterFill = h('div', { class: 'meter-fill ok' });
  private readonly meter = h('div', { class: 'meter context-meter', attrs: { role: 'progressbar', 'aria-label': 'Context window used', 'aria-valuemin': '0', 'aria-valuemax': '100' } }, this.meterFill);
  private readonly meterLabel = h('span', { class: 'context-label' });
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly source: DraftSource) {
    this.root.append(this.costLine, h('div', { class: 'context' }, this.meter, this.meterLabel));
    this.root.classList.add('hidden');
  }

  /** The draft changed: ask again shortly. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const d = this.source.draft();
      this.seq++;
      this.source.post({ type: 'chat/estimate', seq: this.seq, ...d });
    }, DEBOUNCE_MS);
  }

  handle(msg: HostMessage): void {
    if (msg.type !== 'chat/estimate' || msg.seq !== this.seq) return; // a stale answer
    this.render(msg.estimate);
  }

  private render(e: TurnEstimate | null): void {
    this.root.classList.toggle('hidden', e === null);
    if (!e) return;
    const cached = e.cachedTokens ? ` (${formatTokens(e.cachedTokens)} cached)` : '';
    const extra = e.uncountedChips ? ` + ${e.uncountedChips} context item(s) counted when sent` : '';
    this.costLine.textContent = `Next turn ≈ ${e.costUsd === null ? 'unknown price' : formatUsd(e.costUsd, { local: e.local })} · ${formatTokens(e.inputTokens)} in${cached} · ~${formatTokens(e.outputTokens)} out${extra}`;
    this.costLine.title = `${e.model} (${e.modelId}). Output ${e.outputFromHistory ? "at this conversation's average" : 'assumed before the first answer'}; cached prefix priced as cache reads.`;
    const pct = e.contextWindow > 0 ? Math.min(100, (e.inputTokens / e.contextWindow) * 100) : 0;
    this.meterFill.style.width = `${pct.toFixed(1)}%`;
    this.meterFill.className = `meter-fill ${pct >= 90 ? 'exceeded' : pct >= 70 ? 'warn' : 'ok'}`;
    this.meter.setAttribute('aria-valuenow', pct.toFixed(0));
    this.meterLabel.textContent = `${formatTokens(e.inputTokens)} / ${formatTokens(e.contextWindow)} tokens of context`;
  }
}
