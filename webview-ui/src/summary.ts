/** A compaction summary in the chat list: "Summary of N earlier messages", collapsible, with the originals inside. */
import type { StoredMessage } from '../../src/core/chat/types';
import { h } from './dom';
import { renderMarkdown, type CodeActions } from './markdown';

export function summaryMessage(m: StoredMessage, originals: StoredMessage[], actions: CodeActions): HTMLElement {
  const body = h('div', { class: 'md' });
  renderMarkdown(m.content, body, actions);
  const earlier = h('details', { class: 'compacted-originals' },
    h('summary', { text: `The ${originals.length} original message(s)` }),
    ...originals.map((o) => h('div', { class: `compacted ${o.role}`, text: o.content })));
  return h('details', { class: 'msg summary', data: { id: m.id } },
    h('summary', { class: 'summary-title', text: `Summary of ${m.summaryOf ?? originals.length} earlier message(s)` }),
    body,
    originals.length ? earlier : null);
}
