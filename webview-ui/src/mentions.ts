/** The menu over the chat input: "@" context mentions, or "/" MCP prompts (slash commands). */
import type { ContextChip } from '../../src/core/chat/types';
import type { HostMessage } from '../../src/protocol/messages';
import { h } from './dom';
import type { AppContext } from './state';

type SlashCommand = Extract<HostMessage, { type: 'chat/slashCommands' }>['commands'][number];

export class MentionMenu {
  readonly root = h('div', { class: 'mention-menu hidden', attrs: { role: 'listbox', 'aria-label': 'Add context' } });
  private index = 0;
  /** What the open menu offers. */
  private mode: 'mention' | 'slash' = 'mention';
  private slashCommands: SlashCommand[] = [];

  constructor(private readonly app: AppContext, private readonly input: HTMLTextAreaElement, private readonly addChip: (chip: ContextChip) => void) {}

  /** After each edit of the input: "@" after a space (or at the start) opens the mentions, "/" at the start the prompts. */
  inputChanged(): void {
    const upto = this.input.value.slice(0, this.input.selectionStart ?? this.input.value.length);
    if (/(^|\s)@$/.test(upto)) this.open('mention');
    else if (/^\/[\w.:-]*$/.test(upto)) this.open('slash');
    else this.close();
  }

  /** Arrows, Enter/Tab and Escape while the menu is open; true when the key was the menu's. */
  keydown(e: KeyboardEvent): boolean {
    if (this.root.classList.contains('hidden')) return false;
    const items = this.items();
    if (items.length === 0) {
      this.close();
      return false;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      this.index = (this.index + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      this.render();
      return true;
    }
    if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      this.pick(this.index);
      return true;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
      return true;
    }
    return false;
  }

  /** The host's answer to `chat/listSlashCommands`. */
  setSlashCommands(commands: SlashCommand[]): void {
    this.slashCommands = commands;
    if (this.mode === 'slash') this.open('slash');
  }

  private items(): Array<{ label: string; detail: string; run: () => void }> {
    if (this.mode === 'slash') {
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

  private open(mode: 'mention' | 'slash'): void {
    if (mode === 'slash' && this.mode !== 'slash') this.app.post({ type: 'chat/listSlashCommands' });
    this.mode = mode;
    this.index = 0;
    this.root.setAttribute('aria-label', mode === 'slash' ? 'MCP prompts' : 'Add context');
    this.root.classList.toggle('hidden', this.items().length === 0);
    this.render();
  }

  private close(): void {
    this.root.classList.add('hidden');
    this.mode = 'mention';
  }

  private render(): void {
    this.root.replaceChildren(
      ...this.items().map((item, i) =>
        h('div', {
          class: `mention-item${i === this.index ? ' active' : ''}`,
          attrs: { role: 'option', 'aria-selected': String(i === this.index) },
          on: { mousedown: (e) => { e.preventDefault(); this.pick(i); } },
        }, h('span', { class: 'mention-label', text: item.label }), h('span', { class: 'muted', text: item.detail })),
      ),
    );
  }

  /** Removes the typed "@" and runs the picked mention (or fills in the picked slash command). */
  private pick(i: number): void {
    const pos = this.input.selectionStart ?? this.input.value.length;
    if (this.mode === 'mention' && this.input.value[pos - 1] === '@') {
      this.input.value = this.input.value.slice(0, pos - 1) + this.input.value.slice(pos);
      this.input.selectionStart = this.input.selectionEnd = pos - 1;
      this.app.state.draft = this.input.value;
    }
    const item = this.items()[i];
    this.close();
    item?.run();
    this.app.save();
  }
}
