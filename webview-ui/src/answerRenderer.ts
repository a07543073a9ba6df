/**
 * Renders assistant answers incrementally: an answer is split into top-level blocks, a finished
 * block is parsed, sanitized and highlighted once and its DOM reused, so a streamed piece costs
 * only the open last block. Blocks past the parser's bounds, and any block the renderer fails on,
 * are shown as plain text; a long answer restored at once is rendered in time slices so no task
 * blocks the panel.
 */
import { h, textChunks } from './dom';
import { renderMarkdownBlock, type CodeActions } from './markdown';
import { blockLimitViolation, splitBlocks, type Block } from './markdownBlocks';

/** Rendering work per task before the rest is deferred (plain text shows meanwhile). */
const SLICE_MS = 40;

interface RenderedBlock {
  key: string;
  node: HTMLElement;
  pending: boolean;
}

interface AnswerCache {
  /** The answer's element, kept across re-renders of the conversation: moving it is one insertion, not one per block. */
  element: HTMLElement;
  md: string;
  blocks: Block[];
  definitions: string;
  rendered: RenderedBlock[];
  /** The code and link actions of the latest render (deferred blocks are rendered with them). */
  actions?: CodeActions;
  /** A slice of deferred blocks is scheduled. */
  continuing: boolean;
}

export class AnswerRenderer {
  private readonly answers = new Map<string, AnswerCache>();

  /** The element answer `id` renders into (the same one each time). */
  element(id: string): HTMLElement {
    return this.cacheOf(id).element;
  }

  /** Renders `md` (the answer `id`) into its element, reusing every block already rendered. */
  render(id: string, md: string, actions: CodeActions): void {
    const cache = this.cacheOf(id);
    const target = cache.element;
    const blocks = this.split(cache, md);
    const definitions = blocks.flatMap((b) => b.definitions).join('\n');
    const deadline = performance.now() + SLICE_MS;
    const rendered: RenderedBlock[] = new Array(blocks.length);
    // From the end: the newest text is what the user looks at.
    for (let i = blocks.length - 1; i >= 0; i--) {
      const block = blocks[i]!;
      const key = keyOf(block, definitions);
      const prev = cache.rendered[i];
      // A deferred block stays deferred (the same placeholder) until a slice renders it.
      if (prev && prev.key === key && (!prev.pending || i < blocks.length - 1)) rendered[i] = prev;
      else if (i < blocks.length - 1 && performance.now() > deadline) rendered[i] = { key, node: pendingBlock(block.text), pending: true };
      else rendered[i] = { key, node: renderBlock(block, definitions, actions), pending: false };
    }
    Object.assign(cache, { md, blocks, definitions, rendered, actions });
    reconcile(target, rendered.map((b) => b.node));
    if (!cache.continuing && rendered.some((b) => b.pending)) this.continueLater(id, cache);
  }

  private cacheOf(id: string): AnswerCache {
    let cache = this.answers.get(id);
    if (!cache) {
      cache = { element: h('div', { class: 'md' }), md: '', blocks: [], definitions: '', rendered: [], continuing: false };
      this.answers.set(id, cache);
    }
    return cache;
  }

  /** Forgets answers no longer shown. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.answers.keys()) if (!ids.has(id)) this.answers.delete(id);
  }

  /** Re-splits only from the last block when the answer grew by appending. */
  private split(cache: AnswerCache, md: string): Block[] {
    const last = cache.blocks.at(-1);
    if (last && md.length >= cache.md.length && md.startsWith(cache.md)) return [...cache.blocks.slice(0, -1), ...splitBlocks(md, last.start)];
    return splitBlocks(md);
  }

  /** Renders deferred blocks, newest first, one time slice per task, until none is left. */
  private continueLater(id: string, cache: AnswerCache): void {
    cache.continuing = true;
    setTimeout(() => {
      cache.continuing = false;
      const actions = cache.actions;
      if (this.answers.get(id) !== cache || !actions) return;
      const deadline = performance.now() + SLICE_MS;
      let left = false;
      for (let i = cache.rendered.length - 1; i >= 0; i--) {
        const r = cache.rendered[i]!;
        if (!r.pending) continue;
        if (performance.now() > deadline) {
          left = true;
          break;
        }
        const node = renderBlock(cache.blocks[i]!, cache.definitions, actions);
        r.node.replaceWith(node);
        cache.rendered[i] = { key: r.key, node, pending: false };
      }
      if (left) this.continueLater(id, cache);
    }, 0);
  }
}

/** Makes `target`'s children exactly `nodes`, touching only those that changed (a re-insert costs a relayout). */
function reconcile(target: HTMLElement, nodes: HTMLElement[]): void {
  const keep = new Set<Node>(nodes);
  let child = target.firstChild;
  const dropStale = () => {
    while (child && !keep.has(child)) {
      const next: ChildNode | null = child.nextSibling;
      child.remove();
      child = next;
    }
  };
  for (const node of nodes) {
    dropStale();
    if (child === node) child = child.nextSibling;
    else target.insertBefore(node, child);
  }
  dropStale();
  while (child) {
    const next: ChildNode | null = child.nextSibling;
    child.remove();
    child = next;
  }
}

function keyOf(block: Block, definitions: string): string {
  // Reference-style links need the answer's definitions; other blocks do not depend on them.
  return definitions && block.text.includes(']') ? `${block.text}\n\n${definitions}` : block.text;
}

/** One block, or its plain text with the reason when it is past the bounds or the renderer fails on it. */
function renderBlock(block: Block, definitions: string, actions: CodeActions): HTMLElement {
  const reason = blockLimitViolation(block.text);
  if (reason) return plainBlock(block.text, reason);
  const wrap = h('div', { class: 'md-block' });
  try {
    wrap.append(renderMarkdownBlock(keyOf(block, definitions), actions));
    return wrap;
  } catch (e) {
    return plainBlock(block.text, `the renderer failed on it (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function plainBlock(text: string, reason: string): HTMLElement {
  return h('div', { class: 'md-block md-plain' }, h('div', { class: 'md-plain-note', text: `Shown as plain text: ${reason}.` }), h('div', { class: 'md-plain-text' }, ...textChunks(text)));
}

function pendingBlock(text: string): HTMLElement {
  return h('div', { class: 'md-block md-plain md-pending' }, ...textChunks(text));
}
