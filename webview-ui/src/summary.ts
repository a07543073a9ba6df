/** A compaction summary in the chat list: "Summary of N earlier messages", collapsible, with the originals inside. */
import type { StoredMessage } from '../../src/core/chat/types';
import { h } from './dom';
import type { AnswerRenderer } from './answerRenderer';
import type { CodeActions } from './markdown';

export function summaryMessage(m: StoredMessage, originals: StoredMessage[], actions: CodeActions, renderer: AnswerRenderer): HTMLElement {
  // Model-written: rendered like an answer (bounded, sanitized, one bad block cannot break the rest).
  renderer.render(m.id, m.content, actions);
  const body = renderer.element(m.id);
  const earlier = h('details', { class: 'compacted-originals' },
    h('summary', { text: `The ${originals.length} original message(s)` }),
    ...originals.map((o) => h('div', { class: `compacted ${o.role}`, text: o.content })));
  return h('details', { class: 'msg summary', data: { id: m.id } },
    h('summary', { class: 'summary-title', text: `Summary of ${m.summaryOf ?? originals.length} earlier message(s)` }),
    body,
    originals.length ? earlier : null);
}
