/**
 * Tool-call approvals, docked between the conversation and the input: outside every answer's DOM
 * subtree, so nothing a model or tool writes can sit inside it, and drawn with the panel's own
 * classes and a header mark that sanitized content cannot set (no classes, styles or roles survive
 * the sanitizer). The card in the conversation only says that a decision is waiting here.
 */
import type { Conversation, ToolCallView } from '../../src/core/chat/types';
import type { WebviewMessage } from '../../src/protocol/messages';
import { button, h, prettyJson } from './dom';

type Decision = Extract<WebviewMessage, { type: 'tool/decide' }>['decision'];

export class ApprovalDock {
  readonly root = h('div', { class: 'approval-dock hidden', attrs: { role: 'region', 'aria-label': 'Tool calls waiting for your approval' } });

  constructor(private readonly decide: (callId: string, decision: Decision) => void) {}

  /** Shows every call of the conversation that waits for a decision (none: the dock hides). */
  render(conv: Conversation | null): void {
    const calls = (conv?.messages ?? []).flatMap((m) => (m.toolCalls ?? []).filter((c) => c.status === 'requested'));
    this.root.classList.toggle('hidden', calls.length === 0);
    this.root.replaceChildren(...calls.map((c) => this.card(c)));
  }

  private card(call: ToolCallView): HTMLElement {
    const name = call.server ? `${call.server} › ${call.name}` : call.name;
    const decide = (d: Decision) => () => this.decide(call.id, d);
    return h('div', { class: 'approval-card', data: { callId: call.id } },
      h('div', { class: 'approval-head' }, h('span', { class: 'approval-mark', text: '⛨', attrs: { 'aria-hidden': 'true' } }), h('span', { text: 'Switchyard asks before running a tool' })),
      h('div', { class: 'tool-name', text: name }),
      h('pre', { class: 'tool-args', text: prettyJson(call.arguments) }),
      h('div', { class: 'tool-approval' },
        button('Allow once', decide('once')),
        button('Allow for this session', decide('session'), { secondary: true }),
        button('Always allow', decide('always'), { secondary: true }),
        button('Deny', decide('deny'), { secondary: true, class: 'danger' })));
  }
}
