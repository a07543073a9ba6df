/** The Usage tab: spend and tokens per day by model, by feature and provider, cache savings, budget, accept rate. */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { HostMessage, KeyedTotals, UsageView } from '../../src/protocol/messages';
import { button, clear, formatTokens, formatUsd, h, select } from './dom';
import type { AppContext } from './state';
import { revealInvisibles } from './visible';
import { costControlSection } from './costControl';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, DoughnutController, ArcElement, Tooltip, Legend);

const PALETTE_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function palette(i: number): string {
  const base = themeColor(PALETTE_VARS[i % PALETTE_VARS.length]!, FALLBACK[i % FALLBACK.length]!);
  return i < PALETTE_VARS.length ? base : shade(base, i);
}

/** A variant of a colour for series beyond the palette (hex only; others are returned as is). */
function shade(color: string, i: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1]!, 16);
  const f = 0.6 + ((i * 37) % 40) / 100;
  const c = (s: number) => Math.min(255, Math.round(((n >> s) & 255) * f)).toString(16).padStart(2, '0');
  return `#${c(16)}${c(8)}${c(0)}`;
}

export class UsageTab {
  readonly root = h('section', { class: 'tab-panel usage', attrs: { id: 'panel-usage', role: 'tabpanel' } });
  private readonly body = h('div', { class: 'usage-body' });
  private charts: Chart[] = [];
  private data: UsageView | undefined;
  private metric: 'cost' | 'tokens' = 'cost';
  private rangeSelect: HTMLSelectElement | undefined;

  constructor(private readonly app: AppContext) {
    this.root.append(this.toolbar(), this.body);
    this.body.append(h('div', { class: 'empty', text: 'Loading usage…' }));
  }

  private toolbar(): HTMLElement {
    const ranges = [1, 7, 30, 90].map((d) => ({ value: String(d), label: d === 1 ? 'Today' : `Last ${d} days` }));
    this.rangeSelect = select(ranges, String(this.app.state.usageRange), (v) => {
      this.app.state.usageRange = Number(v);
      this.app.save();
      this.request();
    }, { title: 'Range' });
    return h(
      'div',
      { class: 'toolbar' },
      this.rangeSelect,
      select([{ value: 'cost', label: 'Spend' }, { value: 'tokens', label: 'Tokens' }], this.metric, (v) => {
        this.metric = v === 'tokens' ? 'tokens' : 'cost';
        if (this.data) this.render(this.data);
      }, { title: 'Daily chart shows' }),
      h('div', { class: 'spacer' }),
      // Short labels with full titles: the row has to fit the 300 px side bar.
      button('↻', () => this.request(), { secondary: true, title: 'Refresh', class: 'icon' }),
      button('CSV', () => this.app.post({ type: 'usage/export', format: 'csv', rangeDays: this.app.state.usageRange }), { secondary: true, title: 'Export CSV' }),
      button('Markdown', () => this.app.post({ type: 'usage/export', format: 'markdown', rangeDays: this.app.state.usageRange }), { secondary: true, title: 'Export Markdown' }),
    );
  }

  request(): void {
    this.app.post({ type: 'usage/request', rangeDays: this.app.state.usageRange });
  }

  handle(msg: HostMessage): void {
    if (msg.type !== 'usage/data') return;
    this.data = withVisibleNames(msg.usage);
    this.app.state.usageRange = msg.usage.rangeDays;
    if (this.rangeSelect && [...this.rangeSelect.options].some((o) => o.value === String(msg.usage.rangeDays))) this.rangeSelect.value = String(msg.usage.rangeDays);
    this.render(this.data);
  }

  private destroyCharts(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }

  private render(u: UsageView): void {
    this.destroyCharts();
    clear(this.body);
    const fg = themeColor('--vscode-foreground', '#cccccc');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    Chart.defaults.color = fg;
    Chart.defaults.borderColor = grid;
    Chart.defaults.font.family = themeColor('--vscode-font-family', 'system-ui, sans-serif');
    Chart.defaults.font.size = 11;
    Chart.defaults.animation = false;

    const t = u.totals;
    this.body.append(
      h('div', { class: 'cards' },
        card('Spend', formatUsd(t.costUsd, { local: t.local }), t.unknownCostCalls ? `+ ${t.unknownCostCalls} call(s) at unknown price` : `${u.rangeDays} days`),
        card('Calls', String(t.calls), `${formatTokens(t.inputTokens)} in · ${formatTokens(t.outputTokens)} out`),
        card('Cache savings', formatUsd(t.cacheSavingsUsd), `${formatTokens(t.cacheReadTokens)} cached input tokens`),
      ),
      this.budget(u),
    );
    if (t.calls === 0) {
      this.body.append(h('div', { class: 'empty', text: 'No model calls in this range yet.' }), costControlSection(u.costControl, (m) => this.app.post(m)));
      return;
    }
    const daily = this.metric === 'cost' ? 'Spend per day by model (USD)' : 'Tokens per day by model';
    this.chart(daily, 'chart-daily', {
      type: 'bar',
      data: {
        labels: u.days.map((d) => d.slice(5)),
        datasets: u.dailyByModel.map((s, i) => ({ label: s.model, data: this.metric === 'cost' ? s.costUsd : s.tokens, backgroundColor: palette(i), stack: 'models' })),
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } }, plugins: { legend: { position: 'bottom' } } },
    });
    const row = h('div', { class: 'chart-row' });
    this.body.append(row);
    this.chart('By feature (USD)', 'chart-feature', doughnut(u.byFeature), row);
    this.chart('By provider (USD)', 'chart-provider', doughnut(u.byProvider), row);
    this.chart('By model (USD, with cache savings)', 'chart-model', {
      type: 'bar',
      data: {
        labels: u.byModel.map((m) => m.key),
        datasets: [
          { label: 'Spend', data: u.byModel.map((m) => m.costUsd), backgroundColor: palette(0) },
          { label: 'Cache savings', data: u.byModel.map((m) => m.cacheSavingsUsd), backgroundColor: palette(2) },
        ],
      },
      options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } } },
    });
    if (u.acceptRate.length) {
      this.chart('Completion accept rate by model (%)', 'chart-accept', {
        type: 'bar',
        data: {
          labels: u.acceptRate.map((a) => `${a.model} (${a.accepted}/${a.shown})`),
          datasets: [{ label: 'Accepted', data: u.acceptRate.map((a) => (a.rate === null ? 0 : Math.round(a.rate * 1000) / 10)), backgroundColor: palette(2) }],
        },
        options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, scales: { x: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
      });
    }
    this.body.append(table(u.byModel), costControlSection(u.costControl, (m) => this.app.post(m)));
  }

  private budget(u: UsageView): HTMLElement {
    const box = h('div', { class: 'budget' }, h('h3', { text: 'Budget' }));
    if (u.budget.lines.length === 0) {
      box.append(h('div', { class: 'muted', text: 'No budget set (switchyard.budget.dailyUsd / monthlyUsd).' }));
      return box;
    }
    for (const l of u.budget.lines) {
      const pct = l.limitUsd > 0 ? Math.min(100, (l.spentUsd / l.limitUsd) * 100) : 0;
      const fill = h('div', { class: `meter-fill ${l.state}` });
      fill.style.width = `${pct.toFixed(1)}%`;
      box.append(
        h('div', { class: `budget-line ${l.state}`, data: { state: l.state } },
          h('span', { class: 'budget-label', text: `${l.period === 'day' ? 'Today' : 'This month'}: ${formatUsd(l.spentUsd)} of ${formatUsd(l.limitUsd)}` }),
          h('div', { class: 'meter', attrs: { role: 'progressbar', 'aria-valuenow': pct.toFixed(0), 'aria-valuemin': '0', 'aria-valuemax': '100' } }, fill),
          h('span', { class: `badge ${l.state}`, text: l.state === 'ok' ? 'ok' : l.state === 'warn' ? `warning (on exceed: ${u.budget.onExceed})` : `exceeded (${u.budget.onExceed})` })),
      );
    }
    return box;
  }

  private chart(title: string, id: string, config: ChartConfiguration, parent: HTMLElement = this.body): void {
    const canvas = h('canvas', { attrs: { id, 'aria-label': title, role: 'img' } });
    parent.append(h('div', { class: 'chart-box' }, h('h3', { text: title }), h('div', { class: 'chart-wrap' }, canvas)));
    this.charts.push(new Chart(canvas, config));
  }
}

/** Model, feature and provider names as shown: chart labels are drawn on a canvas, not through `h`. */
function withVisibleNames(u: UsageView): UsageView {
  const keyed = (rows: KeyedTotals[]) => rows.map((r) => ({ ...r, key: revealInvisibles(r.key) }));
  return {
    ...u,
    dailyByModel: u.dailyByModel.map((s) => ({ ...s, model: revealInvisibles(s.model) })),
    byFeature: keyed(u.byFeature),
    byProvider: keyed(u.byProvider),
    byModel: keyed(u.byModel),
    acceptRate: u.acceptRate.map((a) => ({ ...a, model: revealInvisibles(a.model) })),
  };
}

function doughnut(rows: KeyedTotals[]): ChartConfiguration {
  return {
    type: 'doughnut',
    data: { labels: rows.map((r) => r.key), datasets: [{ data: rows.map((r) => r.costUsd), backgroundColor: rows.map((_, i) => palette(i)), borderWidth: 0 }] },
    options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'right' } } },
  };
}

function card(title: string, value: string, sub: string): HTMLElement {
  return h('div', { class: 'card' }, h('div', { class: 'card-title', text: title }), h('div', { class: 'card-value', text: value }), h('div', { class: 'card-sub', text: sub }));
}

function table(rows: KeyedTotals[]): HTMLElement {
  const t = h('table', { class: 'grid by-model' },
    h('thead', {}, h('tr', {}, ...['Model', 'Calls', 'Input', 'Cached', 'Output', 'Spend', 'Cache savings'].map((c) => h('th', { text: c })))));
  const body = h('tbody');
  for (const r of rows) {
    body.append(h('tr', {},
      h('td', { text: r.key, title: r.key }), h('td', { text: String(r.calls) }), h('td', { text: formatTokens(r.inputTokens) }), h('td', { text: formatTokens(r.cacheReadTokens) }),
      h('td', { text: formatTokens(r.outputTokens) }), h('td', { class: 'spend', text: formatUsd(r.costUsd, { local: r.local }) + (r.unknownCostCalls ? ` + ${r.unknownCostCalls} unknown` : '') }), h('td', { text: formatUsd(r.cacheSavingsUsd) })));
  }
  t.append(body);
  return t;
}
