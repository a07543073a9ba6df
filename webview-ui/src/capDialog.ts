/** The spend-cap question in the Chat tab: continue for about $X more, switch to a cheaper model, or stop. */
import type { HostMessage } from '../../src/protocol/messages';
import { button, clear, formatUsd, h } from './dom';

type CapPromptMessage = Extract<HostMessage, { type: 'chat/capPrompt' }>;
type Decide = (conversationId: string, decision: 'continue' | 'switch' | 'stop') => void;

export class CapDialog {
  readonly root = h('div', { class: 'cap-dialog hidden', attrs: { role: 'alertdialog', 'aria-label': 'Spend cap reached' } });
  private conversationId: string | undefined;

  constructor(private readonly decide: Decide) {}

  show(p: CapPromptMessage): void {
    this.conversationId = p.conversationId;
    clear(this.root);
    const answer = (decision: 'continue' | 'switch' | 'stop') => () => {
      this.hide();
      this.decide(p.conversationId, decision);
    };
    this.root.append(
      h('div', { class: 'cap-message', text: `${p.message} The turn is paused.` }),
      h('div', { class: 'cap-actions' },
        button(`Continue for about ${formatUsd(p.extraUsd)} more`, answer('continue'), { class: 'cap-continue' }),
        p.cheaperModel ? button(`Switch to ${p.cheaperModel}`, answer('switch'), { secondary: true, class: 'cap-switch' }) : null,
        button('Stop', answer('stop'), { secondary: true, class: 'cap-stop' })),
    );
    this.root.classList.remove('hidden');
  }

  /** The turn ended (or another conversation is shown): the question no longer applies. */
  hide(conversationId?: string): void {
    if (conversationId !== undefined && conversationId !== this.conversationId) return;
    this.conversationId = undefined;
    this.root.classList.add('hidden');
    clear(this.root);
  }
}
