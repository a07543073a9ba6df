/** The chat toolbar: the conversation picker, New, the "…" menu (Rename, Delete, Compact) and the model picker. */
import { button, clear, h, select } from './dom';
import type { AppContext, AppState } from './state';

/** The models to pick from; with `routeLabel`, first "Route (its head model)", the choice that leaves the pick to the route. */
export function modelOptions(s: AppState, routeLabel: boolean): Array<{ value: string; label: string }> {
  const opts = s.models.map((m) => ({ value: m.name, label: `${m.name} · ${m.provider}` }));
  return routeLabel ? [{ value: '', label: `Route${s.routeModel ? ` (${s.routeModel})` : ''}` }, ...opts] : opts;
}

export class ConversationToolbar {
  readonly root = h('div', { class: 'toolbar' });
  private renaming = false;

  constructor(private readonly app: AppContext) {}

  render(): void {
    const s = this.app.state;
    const conv = s.conversation;
    clear(this.root);
    if (this.renaming && conv) {
      const field = h('input', { class: 'rename', attrs: { type: 'text', value: conv.title, 'aria-label': 'Conversation title' } });
      // Removing the focused field fires blur: `done` makes Enter, Escape and blur finish once.
      let done = false;
      const finish = (save: boolean) => {
        if (done) return;
        done = true;
        this.renaming = false;
        const title = field.value.trim();
        if (save && title && title !== conv.title) this.app.post({ type: 'chat/rename', conversationId: conv.id, title });
        this.render();
      };
      field.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === 'Escape') {
          e.preventDefault();
          finish(e.key === 'Enter');
        }
      });
      field.addEventListener('blur', () => finish(true));
      this.root.append(field);
      queueMicrotask(() => field.select());
      return;
    }
    const convOptions = s.conversations.map((c) => ({ value: c.id, label: c.title }));
    if (conv && !convOptions.some((o) => o.value === conv.id)) convOptions.unshift({ value: conv.id, label: conv.title });
    if (convOptions.length === 0) convOptions.push({ value: '', label: 'New chat' });
    this.root.append(
      select(convOptions, conv?.id ?? '', (v) => v && this.app.post({ type: 'chat/select', conversationId: v }), { title: 'Conversation', class: 'grow' }),
      // Compact so the row fits the 300 px side bar: "+" and a "…" menu, with full titles.
      button('+', () => this.app.post({ type: 'chat/new' }), { secondary: true, title: 'New conversation', class: 'icon' }),
      this.moreMenu(conv),
      select(modelOptions(s, true), conv?.model ?? '', (v) => {
        this.app.post({ type: 'chat/setModel', conversationId: conv?.id, model: v || null });
        if (conv) this.app.state.conversation = { ...conv, model: v || undefined };
        this.app.save();
      }, { title: 'Model for this conversation', class: 'model-picker' }),
    );
  }

  /** Rename / Delete of the current conversation, as a native select that acts and resets. */
  private moreMenu(conv: AppState['conversation']): HTMLSelectElement {
    const menu = select([{ value: '', label: '…' }, { value: 'rename', label: 'Rename' }, { value: 'delete', label: 'Delete' }, { value: 'compact', label: 'Compact (summarise earlier messages)' }], '', (v) => {
      menu.value = '';
      if (!conv) return;
      if (v === 'rename') {
        this.renaming = true;
        this.render();
      } else if (v === 'delete') this.app.post({ type: 'chat/delete', conversationId: conv.id });
      else if (v === 'compact' && !this.app.state.running) this.app.post({ type: 'chat/compact', conversationId: conv.id });
    }, { title: 'More conversation actions (Compact summarises earlier messages with the summarize route)', class: 'more' });
    menu.disabled = !conv;
    return menu;
  }
}
