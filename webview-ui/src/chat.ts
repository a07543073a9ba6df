/** The Chat tab: conversations, context chips, streamed markdown answers, errors with fixes, tool calls. */
import type { ContextChip, Conversation, StoredMessage, ToolCallView } from '../../src/core/chat/types';
import type { HostMessage } from '../../src/protocol/messages';
import { AnswerRenderer, plainBlock } from './answerRenderer';
import { ApprovalDock } from './approvalDock';
import { button, clear, formatMs, formatTokens, formatUsd, h, prettyJson, select } from './dom';
import type { CodeActions } from './markdown';
import type { AppContext, AppState } from './state';
import { TurnEstimateBar } from './estimate';
import { CapDialog } from './capDialog';
import { summaryMessage } from './summary';

export class ChatView {
  readonly root = h('section', { class: 'tab-panel chat', attrs: { id: 'panel-chat', role: 'tabpanel' } });
  private readonly toolbar = h('div', { class: 'toolbar' });
  private readonly list = h('div', { class: 'messages', attrs: { 'aria-live': 'polite' } });
  private readonly chipsRow = h('div', { class: 'chips' });
  private readonly input = h('textarea', { class: 'input', attrs: { rows: '3', placeholder: 'Ask about your code… (Enter to send, Shift+Enter for a new line)', 'aria-label': 'Message' } });
  private readonly sendBtn: HTMLButtonElement;
  private readonly stopBtn: HTMLButtonElement;
  private readonly banner = h('div', { class: 'banner hidden', attrs: { role: 'alert' } });
  private renaming = false;
  private readonly mentionMenu = h('div', { class: 'mention-menu hidden', attrs: { role: 'listbox', 'aria-label': 'Add context' } });
  private mentionIndex = 0;
  /** What the open menu offers: "@" context mentions, or "/" MCP prompts (slash commands). */
  private menuMode: 'mention' | 'slash' = 'mention';
  private slashCommands: Array<{ command: string; description?: string; arguments: Array<{ name: string; required: boolean }> }> = [];
  private pendingFrame = 0;
  private lastStreamSave = 0;
  private readonly bodies = new Map<string, HTMLElement>();
  private readonly answers = new AnswerRenderer();
  private readonly approvals = new ApprovalDock((callId, decision) => this.app.post({ type: 'tool/decide', callId, decision }));
  private readonly estimate: TurnEstimateBar;
  private readonly capDialog = new CapDialog((conversationId, decision) => this.app.post({ type: 'chat/capDecide', conversationId, decision }));

  constructor(private readonly app: AppContext) {
    this.sendBtn = button('Send', () => this.send(), { title: 'Send (Enter)' });
    this.stopBtn = button('Stop', () => this.stop(), { title: 'Stop the answer (Escape)', class: 'danger' });
    this.input.value = app.state.draft;
    this.estimate = new TurnEstimateBar({
      draft: () => ({ conversationId: this.app.state.conversation?.id, text: this.input.value, chips: chipsToSend(this.app.state.chips), model: this.app.state.conversation?.model }),
      post: (m) => this.app.post(m),
    });
    this.input.addEventListener('input', () => {
      this.app.state.draft = this.input.value;
      this.app.save();
      this.estimate.schedule();
      const upto = this.input.value.slice(0, this.input.selectionStart ?? this.input.value.length);
      if (/(^|\s)@$/.test(upto)) this.openMentions('mention');
      else if (/^\/[\w.:-]*$/.test(upto)) this.openMentions('slash');
      else this.closeMentions();
    });
    this.input.addEventListener('keydown', (e) => {
      if (!this.mentionMenu.classList.contains('hidden')) {
        const items = this.mentionItems();
        if (items.length === 0) {
          this.closeMentions();
        } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          this.mentionIndex = (this.mentionIndex + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
          this.renderMentions();
          return;
        }
        if (e.key === 'Enter' || e.key === 'Tab') {
          e.preventDefault();
          this.pickMention(this.mentionIndex);
          return;
        }
        if (e.key === 'Escape') {
          e.preventDefault();
          this.closeMentions();
          return;
        }
      }
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.send();
      } else if (e.key === 'Escape' && this.app.state.running) {
        e.preventDefault();
        this.stop();
      }
    });
    const contextButtons = h(
      'div',
      { class: 'context-buttons' },
      button('@file', () => this.app.post({ type: 'chat/pickContext', kind: 'file' }), { secondary: true, title: 'Attach a file' }),
      button('@workspace', () => this.addChip({ kind: 'workspace', id: `ws-${Date.now()}` }), { secondary: true, title: 'Retrieve relevant code from the workspace index' }),
      button('MCP resource', () => this.app.post({ type: 'chat/pickContext', kind: 'mcp-resource' }), { secondary: true, title: 'Attach a resource from an MCP server' }),
    );
    const composer = h('div', { class: 'composer' }, this.mentionMenu, this.chipsRow, this.input, this.estimate.root, h('div', { class: 'composer-actions' }, contextButtons, h('div', { class: 'spacer' }), this.stopBtn, this.sendBtn));
    this.root.append(this.toolbar, this.banner, this.list, this.approvals.root, this.capDialog.root, composer);
    this.render();
    this.estimate.schedule();
  }

  private mentionItems(): Array<{ label: string; detail: string; run: () => void }> {
    if (this.menuMode === 'slash') {
      const typed = this.input.value.trim();
      return this.slashCommands
        .filter((c) => c.command.startsWith(typed))
        .map((c) => ({
          label: c.command,
          detail: [c.description ?? '', ...c.arguments.map((a) => (a.required ? `${a.name}=…` : `[${a.name}=…]`))].filter(Boolean).join('  '),
          run: () => {
            this.input.value = `${c.command}${c.arguments.length ? ' ' : ''}`;
            this.app.state.draft = this.input.value;
            this.input.focus();
          },
        }));
    }
    return [
      { label: '@file', detail: 'Attach a file', run: () => this.app.post({ type: 'chat/pickContext', kind: 'file' }) },
      { label: '@workspace', detail: 'Retrieve relevant code from the index', run: () => this.addChip({ kind: 'workspace', id: `ws-${Date.now()}` }) },
      { label: '@mcp', detail: 'Attach an MCP resource', run: () => this.app.post({ type: 'chat/pickContext', kind: 'mcp-resource' }) },
    ];
  }

  private openMentions(mode: 'mention' | 'slash'): void {
    if (mode === 'slash' && this.menuMode !== 'slash') this.app.post({ type: 'chat/listSlashCommands' });
    this.menuMode = mode;
    this.mentionIndex = 0;
    this.mentionMenu.setAttribute('aria-label', mode === 'slash' ? 'MCP prompts' : 'Add context');
    this.mentionMenu.classList.toggle('hidden', this.mentionItems().length === 0);
    this.renderMentions();
  }

  private closeMentions(): void {
    this.mentionMenu.classList.add('hidden');
    this.menuMode = 'mention';
  }

  private renderMentions(): void {
    this.mentionMenu.replaceChildren(
      ...this.mentionItems().map((item, i) =>
        h('div', {
          class: `mention-item${i === this.mentionIndex ? ' active' : ''}`,
          attrs: { role: 'option', 'aria-selected': String(i === this.mentionIndex) },
          on: { mousedown: (e) => { e.preventDefault(); this.pickMention(i); } },
        }, h('span', { class: 'mention-label', text: item.label }), h('span', { class: 'muted', text: item.detail })),
      ),
    );
  }

  /** Removes the typed "@" and runs the picked mention (or fills in the picked slash command). */
  private pickMention(i: number): void {
    const pos = this.input.selectionStart ?? this.input.value.length;
    if (this.menuMode === 'mention' && this.input.value[pos - 1] === '@') {
      this.input.value = this.input.value.slice(0, pos - 1) + this.input.value.slice(pos);
      this.input.selectionStart = this.input.selectionEnd = pos - 1;
      this.app.state.draft = this.input.value;
    }
    const item = this.mentionItems()[i];
    this.closeMentions();
    item?.run();
    this.app.save();
  }

  private get codeActions(): CodeActions {
    const conv = this.app.state.conversation;
    return {
      copy: (code) => this.app.post({ type: 'code/copy', code }),
      insert: (code) => this.app.post({ type: 'code/insert', code }),
      apply: (code, language) => this.app.post({ type: 'code/apply', code, language, conversationId: conv?.id }),
      openLink: (href) => this.app.post({ type: 'link/open', href }),
    };
  }

  focusInput(): void {
    this.input.focus();
  }

  addChip(chip: ContextChip): void {
    const s = this.app.state;
    if (chip.kind === 'workspace' && s.chips.some((c) => c.kind === 'workspace')) return;
    s.chips = [...s.chips.filter((c) => c.id !== chip.id), chip];
    this.app.save();
    this.renderChips();
    this.estimate.schedule();
  }

  private send(): void {
    const s = this.app.state;
    const text = this.input.value.trim();
    if (!text || s.running) return;
    this.app.post({ type: 'chat/send', conversationId: s.conversation?.id, text, chips: chipsToSend(s.chips), model: s.conversation?.model });
    s.draft = '';
    // Instruction files stay (on or off, as the user set them); the rest was for this question.
    s.chips = s.chips.filter((c) => c.kind === 'instructions');
    s.running = true;
    this.input.value = '';
    this.hideBanner();
    this.app.save();
    this.render();
  }

  private stop(): void {
    const id = this.app.state.conversation?.id;
    if (id) this.app.post({ type: 'chat/stop', conversationId: id });
  }

  handle(msg: HostMessage): void {
    const s = this.app.state;
    switch (msg.type) {
      case 'chat/conversations':
        s.conversations = msg.conversations;
        this.renderToolbar();
        break;
      case 'chat/conversation':
        s.conversation = msg.conversation;
        s.running = msg.running;
        this.render();
        this.estimate.schedule();
        break;
      case 'chat/estimate':
        this.estimate.handle(msg);
        return;
      case 'chat/capPrompt':
        if (s.conversation?.id === msg.conversationId) this.capDialog.show(msg);
        return;
      case 'chat/addChip':
        this.addChip(msg.chip);
        this.input.focus();
        break;
      case 'chat/slashCommands':
        this.slashCommands = msg.commands;
        if (this.menuMode === 'slash') this.openMentions('slash');
        break;
      case 'chat/delta':
        this.withMessage(msg.conversationId, msg.messageId, (m) => ({ ...m, content: m.content + msg.text }));
        this.scheduleBody(msg.messageId);
        return;
      case 'chat/notice':
        this.withMessage(msg.conversationId, msg.messageId, (m) => ({ ...m, notices: [...(m.notices ?? []), msg.text] }));
        this.renderMessages();
        break;
      case 'chat/toolCall':
        this.withMessage(msg.conversationId, msg.messageId, (m) => {
          const calls = [...(m.toolCalls ?? [])];
          const i = calls.findIndex((c) => c.id === msg.call.id);
          if (i >= 0) calls[i] = msg.call;
          else calls.push(msg.call);
          return { ...m, toolCalls: calls };
        });
        this.renderMessages();
        break;
      case 'chat/done':
        this.capDialog.hide(msg.conversationId);
        if (s.conversation?.id === msg.conversationId) {
          s.running = false;
          this.withMessage(msg.conversationId, msg.message.id, () => msg.message);
          this.render();
          this.estimate.schedule();
        }
        break;
      case 'chat/error':
        s.running = false;
        this.showBanner(msg.error.message, msg.error.actions.map((a) => button(a.label, () => this.app.post({ type: 'action/run', fix: a }), { secondary: true })));
        this.render();
        break;
      default:
        return;
    }
    this.app.save();
  }

  private withMessage(conversationId: string, messageId: string, fn: (m: StoredMessage) => StoredMessage): void {
    const conv = this.app.state.conversation;
    if (!conv || conv.id !== conversationId) return;
    const exists = conv.messages.some((m) => m.id === messageId);
    const messages = exists ? conv.messages.map((m) => (m.id === messageId ? fn(m) : m)) : conv.messages;
    this.app.state.conversation = { ...conv, messages };
  }

  /** Re-renders one streaming answer at most once per frame. */
  private scheduleBody(messageId: string): void {
    if (this.pendingFrame) return;
    this.pendingFrame = requestAnimationFrame(() => {
      this.pendingFrame = 0;
      const m = this.app.state.conversation?.messages.find((x) => x.id === messageId);
      const body = this.bodies.get(messageId);
      if (!m || !body) return this.renderMessages();
      const nearBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
      this.renderAnswer(m, body);
      if (nearBottom) this.list.scrollTop = this.list.scrollHeight;
      // Saving serialises the whole conversation: once a second while streaming (chat/done saves the end).
      if (performance.now() - this.lastStreamSave > 1000) {
        this.lastStreamSave = performance.now();
        this.app.save();
      }
    });
  }

  private showBanner(text: string, actions: HTMLElement[]): void {
    this.banner.classList.remove('hidden');
    this.banner.replaceChildren(h('span', { class: 'codicon-error', text: '⚠' }), h('span', { class: 'banner-text', text }), ...actions, button('Dismiss', () => this.hideBanner(), { secondary: true }));
  }

  private hideBanner(): void {
    this.banner.classList.add('hidden');
    clear(this.banner);
  }

  render(): void {
    this.renderToolbar();
    this.renderMessages();
    this.renderChips();
    this.sendBtn.disabled = this.app.state.running;
    this.stopBtn.classList.toggle('hidden', !this.app.state.running);
  }

  private modelOptions(routeLabel: boolean): Array<{ value: string; label: string }> {
    const s = this.app.state;
    const opts = s.models.map((m) => ({ value: m.name, label: `${m.name} · ${m.provider}` }));
    return routeLabel ? [{ value: '', label: `Route${s.routeModel ? ` (${s.routeModel})` : ''}` }, ...opts] : opts;
  }

  private renderToolbar(): void {
    const s = this.app.state;
    const conv = s.conversation;
    clear(this.toolbar);
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
        this.renderToolbar();
      };
      field.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === 'Escape') {
          e.preventDefault();
          finish(e.key === 'Enter');
        }
      });
      field.addEventListener('blur', () => finish(true));
      this.toolbar.append(field);
      queueMicrotask(() => field.select());
      return;
    }
    const convOptions = s.conversations.map((c) => ({ value: c.id, label: c.title }));
    if (conv && !convOptions.some((o) => o.value === conv.id)) convOptions.unshift({ value: conv.id, label: conv.title });
    if (convOptions.length === 0) convOptions.push({ value: '', label: 'New chat' });
    this.toolbar.append(
      select(convOptions, conv?.id ?? '', (v) => v && this.app.post({ type: 'chat/select', conversationId: v }), { title: 'Conversation', class: 'grow' }),
      // Compact so the row fits the 300 px side bar: "+" and a "…" menu, with full titles.
      button('+', () => this.app.post({ type: 'chat/new' }), { secondary: true, title: 'New conversation', class: 'icon' }),
      this.moreMenu(conv),
      select(this.modelOptions(true), conv?.model ?? '', (v) => {
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
        this.renderToolbar();
      } else if (v === 'delete') this.app.post({ type: 'chat/delete', conversationId: conv.id });
      else if (v === 'compact' && !this.app.state.running) this.app.post({ type: 'chat/compact', conversationId: conv.id });
    }, { title: 'More conversation actions (Compact summarises earlier messages with the summarize route)', class: 'more' });
    menu.disabled = !conv;
    return menu;
  }

  private renderChips(): void {
    clear(this.chipsRow);
    for (const chip of this.app.state.chips) {
      const off = chip.kind === 'instructions' && chip.off === true;
      this.chipsRow.append(
        h(
          'span',
          { class: `chip chip-${chip.kind}${off ? ' off' : ''}`, title: chipTitle(chip), data: { kind: chip.kind } },
          h('span', { class: 'chip-label', text: off ? `${chipLabel(chip)} · off` : chipLabel(chip) }),
          off
            ? h('button', {
              class: 'chip-include',
              text: 'include',
              title: 'Send the workspace instructions again',
              attrs: { type: 'button', 'aria-label': `Include ${chipLabel(chip)}` },
              on: { click: () => this.setInstructions(true) },
            })
            : h('button', {
              class: 'chip-remove',
              text: '×',
              title: chip.kind === 'instructions' ? 'Stop sending them in this workspace' : 'Remove',
              attrs: { type: 'button', 'aria-label': `Remove ${chipLabel(chip)}` },
              on: { click: () => (chip.kind === 'instructions' ? this.setInstructions(false) : this.removeChip(chip.id)) },
            }),
        ),
      );
    }
  }

  private removeChip(id: string): void {
    this.app.state.chips = this.app.state.chips.filter((c) => c.id !== id);
    this.chipsChanged();
  }

  /** Instruction files are a workspace choice: the chip stays, off or on, and the host keeps the choice. */
  private setInstructions(include: boolean): void {
    this.app.state.chips = this.app.state.chips.map((c) => {
      if (c.kind !== 'instructions') return c;
      const { off: _was, ...on } = c;
      return include ? on : { ...on, off: true as const };
    });
    this.app.post({ type: 'chat/instructions', include });
    this.chipsChanged();
  }

  private chipsChanged(): void {
    this.app.save();
    this.renderChips();
    this.estimate.schedule();
  }

  private renderMessages(): void {
    const conv = this.app.state.conversation;
    this.bodies.clear();
    clear(this.list);
    this.approvals.render(conv);
    this.answers.retain(new Set(conv?.messages.map((m) => m.id)));
    if ((!conv || conv.messages.length === 0) && this.app.state.models.length === 0) {
      // Not set up: the one thing to do is add a model (local server, account, or a Continue import).
      this.list.append(
        h('div', { class: 'empty not-set-up' },
          h('p', { text: 'Switchyard has no model yet.' }),
          h('p', { class: 'muted', text: 'Add Model finds Ollama, LM Studio, llama.cpp or vLLM on this machine, takes an OpenAI or Anthropic key, or imports your Continue config. Local models cost $0.' }),
          button('Add Model', () => this.app.post({ type: 'action/run', fix: { action: 'addModel', label: 'Add Model' } }))),
      );
      return;
    }
    if (!conv || conv.messages.length === 0) {
      this.list.append(
        h('div', { class: 'empty' },
          h('p', { text: 'Ask about the selected code, attach files with @file, or search the workspace with @workspace.' }),
          h('p', { class: 'muted', text: 'Tip: select code in the editor and run “Switchyard: Ask About Selection”.' })),
      );
      return;
    }
    const compacted = conv.messages.filter((m) => m.compacted && m.summaryOf === undefined);
    for (const m of conv.messages) {
      if (m.compacted) continue; // shown inside the summary that replaced it
      if (m.summaryOf !== undefined) this.list.append(summaryMessage(m, compacted, this.codeActions, this.answers));
      else this.list.append(m.role === 'user' ? this.userMessage(m) : this.assistantMessage(conv, m));
    }
    this.list.scrollTop = this.list.scrollHeight;
  }

  private userMessage(m: StoredMessage): HTMLElement {
    const chips = (m.chips ?? []).map((c) => h('span', { class: `chip static chip-${c.kind}`, text: chipLabel(c), title: chipTitle(c) }));
    return h('div', { class: 'msg user', data: { id: m.id } }, chips.length ? h('div', { class: 'chips' }, ...chips) : null, h('div', { class: 'user-text', text: m.content }));
  }

  /** One answer that cannot be rendered shows as plain text and never stops the others. */
  private renderAnswer(m: StoredMessage, body: HTMLElement): void {
    try {
      this.answers.render(m.id, m.content, this.codeActions);
    } catch (e) {
      body.replaceChildren(plainBlock(m.content, `the answer could not be rendered (${e instanceof Error ? e.message : String(e)})`));
    }
  }

  private assistantMessage(conv: Conversation, m: StoredMessage): HTMLElement {
    const body = this.answers.element(m.id);
    this.bodies.set(m.id, body);
    this.renderAnswer(m, body);
    const streaming = m.status === 'streaming';
    const el = h('div', { class: `msg assistant ${m.status ?? ''}`, data: { id: m.id } });
    for (const n of m.notices ?? []) el.append(h('div', { class: 'notice', text: n }));
    for (const call of m.toolCalls ?? []) el.append(this.toolCall(call));
    el.append(body);
    if (streaming && !m.content) el.append(h('div', { class: 'typing', text: 'Waiting for the model…' }));
    if (m.status === 'cancelled') el.append(h('div', { class: 'muted', text: 'Stopped.' }));
    if (m.error) {
      el.append(
        h('div', { class: 'error-box', attrs: { role: 'alert' } },
          h('div', { class: 'error-title', text: errorTitle(m.error.kind) }),
          h('div', { class: 'error-message', text: m.error.message }),
          m.error.fix ? h('div', { class: 'error-fix', text: m.error.fix }) : null,
          h('div', { class: 'error-actions' },
            ...m.error.actions.map((a) =>
              button(a.label, () => {
                if (a.action === 'retry') this.app.post({ type: 'chat/retry', conversationId: conv.id, messageId: m.id, model: conv.model });
                else this.app.post({ type: 'action/run', fix: a, conversationId: conv.id, messageId: m.id });
              }, { secondary: a.action !== 'setKey' && a.action !== 'addModel' }),
            ))),
      );
    }
    if (!streaming) el.append(this.footer(conv, m));
    return el;
  }

  private footer(conv: Conversation, m: StoredMessage): HTMLElement {
    const u = m.usage;
    const facts: string[] = [];
    if (m.model) facts.push(m.model);
    if (u) facts.push(`${formatTokens(u.inputTokens)} in${u.cacheReadTokens ? ` (${formatTokens(u.cacheReadTokens)} cached)` : ''} · ${formatTokens(u.outputTokens)} out`);
    if (m.status !== 'cancelled' || m.costUsd !== undefined) facts.push(formatUsd(m.costUsd, { local: m.local }));
    if (m.latencyMs !== undefined) facts.push(formatMs(m.latencyMs));
    const retry = select([{ value: '', label: 'Retry with…' }, ...this.modelOptions(false)], '', (v) => {
      if (v) this.app.post({ type: 'chat/retry', conversationId: conv.id, messageId: m.id, model: v });
    }, { title: 'Retry this answer with another model', class: 'retry' });
    retry.disabled = this.app.state.running;
    const trace = m.traceId
      ? h('a', { class: 'trace-link', text: 'trace', attrs: { href: '#', title: 'Open this call in the Traces tab' }, on: { click: (e) => { e.preventDefault(); this.openTrace(m.traceId!); } } })
      : null;
    return h('div', { class: 'msg-footer' }, h('span', { class: 'facts', text: facts.join(' · ') }), trace, retry);
  }

  private openTrace(traceId: string): void {
    this.app.state.selectedTrace = traceId;
    this.app.switchTab('traces');
    this.app.post({ type: 'traces/get', traceId });
  }

  private toolCall(call: ToolCallView): HTMLElement {
    const name = call.server ? `${call.server} › ${call.name}` : call.name;
    const details = h('details', { class: `tool-call ${call.status}` },
      h('summary', {}, h('span', { class: 'tool-name', text: `Tool: ${name}` }), h('span', { class: `badge ${call.status}`, text: call.status })),
      h('div', { class: 'tool-label', text: 'Arguments' }),
      h('pre', { class: 'tool-args', text: prettyJson(call.arguments) }),
      call.result !== undefined ? h('div', { class: 'tool-label', text: 'Result' }) : null,
      call.result !== undefined ? h('pre', { class: 'tool-result', text: call.result }) : null);
    if (call.status === 'requested') {
      details.open = true;
      // The buttons live in the approval dock, outside the answer (see approvalDock.ts).
      details.append(h('div', { class: 'approval-pointer', text: 'Waiting for your decision below the conversation.' }));
    }
    return details;
  }
}

export function chipLabel(c: ContextChip): string {
  switch (c.kind) {
    case 'selection':
      return `${basename(c.path)}:${c.startLine}-${c.endLine}`;
    case 'file':
      return basename(c.path);
    case 'workspace':
      return '@workspace';
    case 'mcp-resource':
      return `${c.server}: ${c.name ?? c.uri}`;
    case 'instructions':
      return c.paths.length === 1 ? basename(c.paths[0]!) : `${basename(c.paths[0]!)} +${c.paths.length - 1}`;
  }
}

function chipTitle(c: ContextChip): string {
  switch (c.kind) {
    case 'selection':
      return `Selection in ${c.path}, lines ${c.startLine}–${c.endLine}`;
    case 'file':
      return `File ${c.path}`;
    case 'workspace':
      return 'Code retrieved from the workspace index';
    case 'mcp-resource':
      return `MCP resource ${c.uri} from ${c.server}`;
    case 'instructions':
      return c.off
        ? `Workspace instructions not sent in this workspace: ${c.paths.join(', ')}. Include to send them in the system prompt again.`
        : `Workspace instructions sent in the system prompt: ${c.paths.join(', ')}. Remove to leave them out in this workspace.`;
  }
}

/** What a question sends: every chip except instruction files the user turned off. */
export function chipsToSend(chips: readonly ContextChip[]): ContextChip[] {
  return chips.filter((c) => !(c.kind === 'instructions' && c.off));
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

function errorTitle(kind: string): string {
  const titles: Record<string, string> = {
    auth: 'The provider rejected the API key',
    config: 'Switchyard is not set up for this model',
    budget: 'Blocked by your budget',
    context_window: 'The conversation is too long for the model',
    rate_limit: 'Rate limited',
    timeout: 'The model timed out',
    network: 'Network error',
    not_found: 'Model or endpoint not found',
  };
  return titles[kind] ?? 'The request failed';
}
