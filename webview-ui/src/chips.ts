/** The context chips above the chat input: what the next question sends, and the instruction files' off/on switch. */
import type { ContextChip } from '../../src/core/chat/types';
import { clear, h } from './dom';
import type { AppContext } from './state';

export class ChipsRow {
  readonly root = h('div', { class: 'chips' });

  /** `changed` runs after every change of the chips (the turn estimate depends on them). */
  constructor(private readonly app: AppContext, private readonly changed: () => void) {}

  /** Adds (or replaces, by id) a chip; a second @workspace is not added. */
  add(chip: ContextChip): void {
    const s = this.app.state;
    if (chip.kind === 'workspace' && s.chips.some((c) => c.kind === 'workspace')) return;
    s.chips = [...s.chips.filter((c) => c.id !== chip.id), chip];
    this.chipsChanged();
  }

  render(): void {
    clear(this.root);
    for (const chip of this.app.state.chips) {
      const off = chip.kind === 'instructions' && chip.off === true;
      this.root.append(
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
    this.render();
    this.changed();
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

export function chipTitle(c: ContextChip): string {
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
