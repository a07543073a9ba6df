/**
 * A tiny element builder: text always goes through textContent, never innerHTML, and through
 * revealInvisibles, so no shown name or text can hide characters or reverse itself.
 */
import { revealInvisibles } from './visible';
import { formatUsd as formatUsdAmount, type SpendFacts } from '../../src/core/cost/money';

type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string | undefined>;
  data?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (ev: HTMLElementEventMap[K]) => void }>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = revealInvisibles(props.text);
  if (props.title) el.title = revealInvisibles(props.title);
  // Attributes that are read out or shown as a tooltip are text too.
  for (const [k, v] of Object.entries(props.attrs ?? {})) if (v !== undefined) el.setAttribute(k, k === 'aria-label' || k === 'title' ? revealInvisibles(v) : v);
  for (const [k, v] of Object.entries(props.data ?? {})) el.dataset[k] = v;
  for (const [ev, fn] of Object.entries(props.on ?? {})) el.addEventListener(ev, fn as EventListener);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(revealInvisibles(String(c))) : c);
  }
  return el;
}

export function button(label: string, onClick: () => void, opts: { class?: string; title?: string; secondary?: boolean; disabled?: boolean } = {}): HTMLButtonElement {
  const b = h('button', { class: `btn ${opts.secondary ? 'secondary' : ''} ${opts.class ?? ''}`.trim(), text: label, title: opts.title, attrs: { type: 'button' } });
  b.disabled = opts.disabled ?? false;
  b.addEventListener('click', (e) => {
    e.preventDefault();
    onClick();
  });
  return b;
}

export function select(options: Array<{ value: string; label: string }>, value: string, onChange: (v: string) => void, opts: { title?: string; class?: string } = {}): HTMLSelectElement {
  const s = h('select', { class: `select ${opts.class ?? ''}`.trim(), title: opts.title, attrs: { 'aria-label': opts.title } });
  for (const o of options) {
    const opt = h('option', { text: o.label, attrs: { value: o.value } });
    if (o.value === value) opt.selected = true;
    s.append(opt);
  }
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

/**
 * Long text as a run of blocks of about `size` characters, cut after a newline where one is near:
 * the browser lays out only the chunks on screen (`.text-chunk` has content-visibility: auto), so
 * megabytes of text do not block the panel. The chunks' text is exactly `text`.
 */
export function textChunks(text: string, size = 16_384): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end);
      if (nl > start + size / 2) end = nl + 1;
    }
    out.push(h('span', { class: 'text-chunk', text: text.slice(start, end) }));
    start = end;
  }
  return out;
}

/** Tool arguments and other JSON text, indented when it parses. */
export function prettyJson(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** Dollars as the status bar shows them: one rounding rule (src/core/cost/money.ts) everywhere; "$0 (local)" for local calls. */
export function formatUsd(v: number | null | undefined, facts: SpendFacts = {}): string {
  return v === null || v === undefined ? 'cost unknown' : formatUsdAmount(v, facts);
}

export function formatTokens(n: number | undefined): string {
  if (n === undefined) return '–';
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${(n / 1000).toFixed(0)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
