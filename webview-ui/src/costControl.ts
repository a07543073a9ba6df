/** The Usage tab's cost-control section: prompt-cache hit rate and savings, provider drift, "prices as of". */
import type { CostControlView, WebviewMessage } from '../../src/protocol/messages';
import { button, formatTokens, formatUsd, h } from './dom';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const signedPct = (v: number | null) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);

function cacheTable(title: string, keyLabel: string, rows: CostControlView['cacheByModel'], cls: string): HTMLElement {
  const body = h('tbody');
  for (const r of rows) {
    body.append(h('tr', {},
      h('td', { text: r.key }), h('td', { text: formatTokens(r.inputTokens) }), h('td', { text: formatTokens(r.cacheReadTokens) }),
      h('td', { class: 'cache-hit-rate', text: pct(r.hitRate) }), h('td', { class: 'cache-saved', text: formatUsd(r.savingsUsd) })));
  }
  return h('div', { class: `cost-control-block ${cls}` },
    h('h3', { text: title }),
    h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ...[keyLabel, 'Input', 'Cache reads', 'Hit rate', 'Saved'].map((c) => h('th', { text: c })))), body));
}

function driftTable(rows: CostControlView['drift']): HTMLElement {
  const box = h('div', { class: 'cost-control-block drift' }, h('h3', { text: 'Provider-reported cost vs ours' }));
  if (rows.length === 0) {
    box.append(h('div', { class: 'muted', text: 'No provider reported its own cost in this range (OpenRouter usage.cost, LiteLLM x-litellm-response-cost).' }));
    return box;
  }
  const body = h('tbody');
  for (const r of rows) {
    body.append(h('tr', { class: r.flagged ? 'drift-flagged' : 'drift-ok', data: { model: r.model } },
      h('td', { text: r.model }), h('td', { text: String(r.calls) }), h('td', { text: formatUsd(r.ourUsd) }), h('td', { text: formatUsd(r.providerUsd) }),
      h('td', { class: 'drift-value', text: signedPct(r.drift) }),
      h('td', {}, r.flagged ? h('span', { class: 'badge exceeded', text: 'over 2%', attrs: { title: 'Budgets count the higher figure.' } }) : h('span', { class: 'badge ok', text: 'ok' }))));
  }
  box.append(h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ...['Model', 'Calls', 'Ours', 'Provider', 'Drift', ''].map((c) => h('th', { text: c })))), body));
  return box;
}

/** The caps, editable: empty means no cap. Saved to the settings by the host. */
function capsForm(caps: NonNullable<CostControlView['caps']>, post: (m: WebviewMessage) => void): HTMLElement {
  const field = (label: string, cls: string, value: number | undefined) => {
    const input = h('input', { class: cls, attrs: { type: 'number', min: '0', step: '0.01', placeholder: 'no cap', 'aria-label': label, value: value === undefined ? '' : String(value) } });
    return { input, el: h('label', { class: 'cap-field' }, h('span', { text: label }), input) };
  };
  const turn = field('Per turn (USD)', 'cap-turn', caps.maxTurnUsd);
  const conv = field('Per conversation (USD)', 'cap-conversation', caps.maxConversationUsd);
  const error = h('span', { class: 'cap-error', attrs: { role: 'alert' } });
  const read = (i: HTMLInputElement): number | null | undefined => {
    if (i.value.trim() === '') return null;
    const n = Number(i.value);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const save = () => {
    const t = read(turn.input);
    const c = read(conv.input);
    if (t === undefined || c === undefined) {
      error.textContent = 'A cap is a positive amount in USD, or empty for none.';
      return;
    }
    error.textContent = '';
    post({ type: 'cost/setCaps', maxTurnUsd: t, maxConversationUsd: c });
  };
  return h('div', { class: 'cost-control-block caps' },
    h('h3', { text: 'Spend caps' }),
    h('div', { class: 'muted', text: 'Crossing a cap pauses the chat turn (tool loops included) and asks: continue, switch to a cheaper model, or stop.' }),
    h('div', { class: 'cap-form' }, turn.el, conv.el, button('Save caps', save, { secondary: true, class: 'cap-save' }), error));
}

export function costControlSection(view: CostControlView | undefined, post: (m: WebviewMessage) => void): HTMLElement {
  const section = h('div', { class: 'cost-control' });
  if (!view) return section;
  if (view.caps) section.append(capsForm(view.caps, post));
  if (view.pricesAsOf) section.append(h('div', { class: 'prices-as-of muted', text: `Prices as of ${view.pricesAsOf}`, attrs: { title: view.pricesSource ?? '' } }));
  if (view.cacheByModel.length) {
    section.append(cacheTable('Prompt cache by model', 'Model', view.cacheByModel, 'cache-by-model'), cacheTable('Prompt cache by day', 'Day', view.cacheByDay, 'cache-by-day'));
  }
  section.append(driftTable(view.drift));
  return section;
}
