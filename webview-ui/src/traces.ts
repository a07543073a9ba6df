/** The Traces tab: a live, filterable list of recent operations and the detail of one trace. */
import type * as z from 'zod/mini';
import type { HostMessage, PriceView, TraceSummary, traceRecordSchema } from '../../src/protocol/messages';
import { ATTR_SWITCHYARD_LOCAL } from '../../src/core/trace/attributes';
import { button, clear, formatMs, formatTime, formatTokens, formatUsd, h, select } from './dom';
import type { AppContext } from './state';

type TraceRecord = z.infer<typeof traceRecordSchema>;
type SpanRecord = TraceRecord['spans'][number];
type AttrValue = SpanRecord['attributes'][string];

const MAX_ROWS = 500;

export class TracesTab {
  readonly root = h('section', { class: 'tab-panel traces', attrs: { id: 'panel-traces', role: 'tabpanel' } });
  private readonly filters = h('div', { class: 'toolbar' });
  private readonly list = h('div', { class: 'trace-list' });
  private readonly detail = h('div', { class: 'trace-detail' });
  private traces: TraceSummary[] = [];

  constructor(private readonly app: AppContext) {
    this.root.append(this.filters, h('div', { class: 'trace-split' }, this.list, this.detail));
    this.renderFilters();
    this.renderList();
    this.detail.append(h('div', { class: 'empty', text: 'Select a trace to see its spans, attempts, prompt and cost.' }));
  }

  request(): void {
    this.app.post({ type: 'traces/request' });
    if (this.app.state.selectedTrace) this.app.post({ type: 'traces/get', traceId: this.app.state.selectedTrace });
  }

  handle(msg: HostMessage): void {
    if (msg.type === 'traces/list') {
      this.traces = [...msg.traces].sort((a, b) => b.startMs - a.startMs).slice(0, MAX_ROWS);
      this.renderFilters();
      this.renderList();
    } else if (msg.type === 'traces/added') {
      this.traces = [msg.trace, ...this.traces.filter((t) => t.traceId !== msg.trace.traceId)].slice(0, MAX_ROWS);
      this.renderList();
    } else if (msg.type === 'traces/detail') {
      this.renderDetail(msg.traceId, msg.trace, msg.prices ?? {});
    }
  }

  private renderFilters(): void {
    const f = this.app.state.traceFilter;
    const uniq = (xs: Array<string | undefined>) => [...new Set(xs.filter((x): x is string => !!x))].sort();
    const search = h('input', { class: 'search grow', attrs: { type: 'search', placeholder: 'Search model, feature, trace id…', value: f.search, 'aria-label': 'Search traces' } });
    search.addEventListener('input', () => {
      f.search = search.value;
      this.app.save();
      this.renderList();
    });
    const opt = (label: string, xs: string[]) => [{ value: '', label }, ...xs.map((x) => ({ value: x, label: x }))];
    const set = (key: 'feature' | 'status' | 'model') => (v: string) => {
      f[key] = v;
      this.app.save();
      this.renderList();
    };
    clear(this.filters);
    this.filters.append(
      search,
      select(opt('All features', uniq(this.traces.map((t) => t.feature))), f.feature, set('feature'), { title: 'Feature' }),
      select(opt('All models', uniq(this.traces.map((t) => t.model))), f.model, set('model'), { title: 'Model' }),
      select(opt('All statuses', ['ok', 'error', 'cancelled']), f.status, set('status'), { title: 'Status' }),
      button('↻', () => this.request(), { secondary: true, title: 'Refresh', class: 'icon' }),
    );
  }

  private visible(): TraceSummary[] {
    const f = this.app.state.traceFilter;
    const q = f.search.trim().toLowerCase();
    return this.traces.filter(
      (t) =>
        (!f.feature || t.feature === f.feature) &&
        (!f.model || t.model === f.model) &&
        (!f.status || t.status === f.status) &&
        (!q || [t.traceId, t.name, t.feature, t.model ?? '', t.status].some((s) => s.toLowerCase().includes(q))),
    );
  }

  private renderList(): void {
    clear(this.list);
    const rows = this.visible();
    const table = h('table', { class: 'grid selectable' },
      h('thead', {}, h('tr', {}, ...['Time', 'Feature', 'Model', 'Status', 'Latency', 'TTFT', 'Tokens', 'Cost'].map((c) => h('th', { text: c })))));
    const body = h('tbody');
    for (const t of rows) {
      const tr = h('tr', {
        class: `${t.traceId === this.app.state.selectedTrace ? 'selected' : ''} status-${t.status}`,
        data: { traceId: t.traceId },
        attrs: { tabindex: '0' },
        on: {
          click: () => this.select(t.traceId),
          keydown: (e) => {
            if (e.key === 'Enter') this.select(t.traceId);
          },
        },
      },
        h('td', { text: formatTime(t.startMs).slice(11) , title: formatTime(t.startMs) }),
        h('td', { text: t.feature, title: t.feature }),
        h('td', { text: t.model ?? '–', title: t.model ?? '' }),
        h('td', {}, h('span', { class: `badge ${t.status}`, text: t.status })),
        h('td', { text: formatMs(t.latencyMs) }),
        h('td', { text: formatMs(t.ttftMs) }),
        h('td', { text: t.inputTokens === undefined ? '–' : `${formatTokens(t.inputTokens)} / ${formatTokens(t.outputTokens)}`, title: t.inputTokens === undefined ? '' : `${t.inputTokens} in / ${t.outputTokens} out` }),
        h('td', { class: 'cost', text: t.costUsd === undefined ? '–' : formatUsd(t.costUsd, { local: t.local }), title: t.costUsd === undefined ? '' : formatUsd(t.costUsd, { local: t.local }) }));
      body.append(tr);
    }
    table.append(body);
    this.list.append(table);
    if (rows.length === 0) this.list.append(h('div', { class: 'empty', text: this.traces.length ? 'No trace matches the filter.' : 'No model calls yet.' }));
  }

  private select(traceId: string): void {
    this.app.state.selectedTrace = traceId;
    this.app.save();
    for (const tr of Array.from(this.list.querySelectorAll('tr[data-trace-id]'))) tr.classList.toggle('selected', (tr as HTMLElement).dataset.traceId === traceId);
    this.app.post({ type: 'traces/get', traceId });
  }

  private renderDetail(traceId: string, trace: TraceRecord | null, prices: Record<string, PriceView>): void {
    clear(this.detail);
    if (!trace) {
      this.detail.append(h('div', { class: 'empty', text: `Trace ${traceId} is no longer in the store (it keeps the most recent traces).` }));
      return;
    }
    const root = trace.spans.find((s) => !s.parentSpanId) ?? trace.spans[0];
    // Router operations (one per model call; a tool loop makes several), in time order.
    const ops = trace.spans.filter((s) => s.attributes['switchyard.attempts'] !== undefined).sort((x, y) => x.startMs - y.startMs);
    const op = ops.at(-1) ?? root;
    const a = op?.attributes ?? {};
    this.detail.append(
      h('div', { class: 'detail-head' },
        h('h2', { text: `${trace.name} · ${str(a['switchyard.model']) ?? 'no model'}` }),
        h('div', { class: 'muted', text: `${formatTime(trace.startMs)} · ${formatMs(trace.endMs - trace.startMs)} · ${trace.traceId}${ops.length > 1 ? ` · ${ops.length} model calls` : ''}` }),
        h('div', { class: 'detail-actions' },
          button('Copy as JSON', () => this.app.post({ type: 'traces/copy', traceId: trace.traceId }), { secondary: true }),
          button('Open raw', () => this.app.post({ type: 'traces/openRaw', traceId: trace.traceId }), { secondary: true }))),
    );
    this.detail.append(section('Timeline', waterfall(trace)));
    const attempts = trace.spans.filter((s) => s.attributes['switchyard.attempt'] !== undefined).sort((x, y) => x.startMs - y.startMs);
    if (attempts.length) this.detail.append(section('Attempts', attemptsTable(attempts)));
    const calls = ops.length ? ops : op ? [op] : [];
    calls.forEach((o, i) => this.detail.append(section(`Usage and price${calls.length > 1 ? ` (call ${i + 1})` : ''}`, usageTable(o, prices))));
    const fromRoot = root && root !== op ? Object.entries(root.attributes).filter(([k]) => k.startsWith('switchyard.chat.') || k.startsWith('switchyard.tool_loop.')) : [];
    // The chat span and the router operation under it both carry switchyard.chat.* (the router copies
    // the caller's attributes): each request attribute is listed once, the outer span's value first.
    const listed = new Set<string>();
    const params = [...fromRoot, ...Object.entries(ops[0]?.attributes ?? a).filter(([k]) => /^gen_ai\.request\.|^switchyard\.(task|feature|route|budget_level|chat\.)/.test(k))]
      .filter(([k]) => !listed.has(k) && Boolean(listed.add(k)));
    if (params.length) this.detail.append(section('Request', kvTable(params)));
    const chunks = retrievedChunks(trace);
    if (chunks.length) this.detail.append(section('Retrieved context', chunksTable(chunks)));
    const tools = toolSpans(trace);
    if (tools.length) this.detail.append(section('Tool calls', ...tools));
    let bodies = 0;
    calls.forEach((o, i) => {
      const suffix = calls.length > 1 ? ` (call ${i + 1})` : '';
      const prompt = str(o.attributes['switchyard.prompt']);
      const response = str(o.attributes['switchyard.response']);
      if (prompt) this.detail.append(section(`Prompt${suffix} (redacted)`, h('pre', { class: 'body', text: prompt })));
      if (response) this.detail.append(section(`Response${suffix} (redacted)`, h('pre', { class: 'body', text: response })));
      if (prompt || response) bodies++;
    });
    if (!bodies) this.detail.append(h('div', { class: 'muted', text: 'Prompt and response bodies are not recorded (switchyard.trace.recordBodies).' }));
  }
}

function str(v: AttrValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : String(v);
}

function num(v: AttrValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function section(title: string, ...content: HTMLElement[]): HTMLElement {
  return h('div', { class: 'detail-section' }, h('h3', { text: title }), ...content);
}

/** Spans in tree order with their depth. */
function ordered(trace: TraceRecord): Array<{ span: SpanRecord; depth: number }> {
  const ids = new Set(trace.spans.map((s) => s.spanId));
  const kids = new Map<string | undefined, SpanRecord[]>();
  for (const s of trace.spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : undefined;
    kids.set(parent, [...(kids.get(parent) ?? []), s]);
  }
  const out: Array<{ span: SpanRecord; depth: number }> = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of (kids.get(parent) ?? []).sort((x, y) => x.startMs - y.startMs)) {
      out.push({ span: s, depth });
      walk(s.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

function waterfall(trace: TraceRecord): HTMLElement {
  const total = Math.max(1, trace.endMs - trace.startMs);
  const box = h('div', { class: 'waterfall' });
  for (const { span, depth } of ordered(trace)) {
    const end = span.endMs ?? trace.endMs;
    const bar = h('div', { class: `wf-bar ${span.status}` });
    bar.style.left = `${(((span.startMs - trace.startMs) / total) * 100).toFixed(2)}%`;
    bar.style.width = `${Math.max(0.5, ((end - span.startMs) / total) * 100).toFixed(2)}%`;
    const label = h('div', { class: 'wf-label', text: span.name, title: span.statusMessage ?? span.name });
    label.style.paddingLeft = `${depth * 12}px`;
    const attrs = h('details', { class: 'wf-attrs' }, h('summary', { text: 'attributes' }), kvTable(Object.entries(span.attributes)), span.events.length ? eventsList(span) : null);
    box.append(h('div', { class: `wf-row ${span.status}`, data: { spanId: span.spanId } }, label, h('div', { class: 'wf-track' }, bar), h('div', { class: 'wf-dur', text: formatMs(end - span.startMs) })), attrs);
  }
  return box;
}

function eventsList(span: SpanRecord): HTMLElement {
  return h('ul', { class: 'events' }, ...span.events.map((e) => h('li', { text: `${e.name} ${e.attributes ? JSON.stringify(e.attributes) : ''}` })));
}

function kvTable(entries: Array<[string, AttrValue]>): HTMLElement {
  return h('table', { class: 'kv' }, h('tbody', {}, ...entries.map(([k, v]) => h('tr', {}, h('th', { text: k }), h('td', { text: truncate(str(v) ?? '', 2000) })))));
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}… (${s.length - n} more characters)` : s;
}

function attemptsTable(spans: SpanRecord[]): HTMLElement {
  const head = ['#', 'Model', 'Provider', 'Status', 'Error class', 'Why the router moved on', 'HTTP', 'Latency', 'TTFT'];
  return h('table', { class: 'grid attempts' },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { text: c })))),
    h('tbody', {}, ...spans.map((s) => {
      const a = s.attributes;
      const failed = s.status === 'error' || a['error.type'] !== undefined;
      return h('tr', { class: failed ? 'status-error' : 'status-ok' },
        h('td', { text: str(a['switchyard.attempt']) ?? '' }),
        h('td', { text: str(a['switchyard.model']) ?? str(a['gen_ai.request.model']) ?? '' }),
        h('td', { text: str(a['switchyard.provider']) ?? '' }),
        h('td', {}, h('span', { class: `badge ${failed ? 'error' : 'ok'}`, text: failed ? 'error' : 'ok' })),
        h('td', { text: str(a['error.type']) ?? str(a['switchyard.error_class']) ?? '' }),
        h('td', { text: str(a['switchyard.fallback_reason']) ?? (failed ? s.statusMessage ?? '' : '') }),
        h('td', { text: str(a['http.response.status_code']) ?? str(a['switchyard.http_status']) ?? '' }),
        h('td', { text: formatMs((s.endMs ?? s.startMs) - s.startMs) }),
        h('td', { text: formatMs(num(a['switchyard.ttft_ms'])) }));
    })));
}

function usageTable(op: SpanRecord | undefined, prices: Record<string, PriceView>): HTMLElement {
  const a = op?.attributes ?? {};
  const modelId = str(a['gen_ai.request.model']);
  const price = modelId ? prices[modelId] : undefined;
  const input = num(a['gen_ai.usage.input_tokens']);
  const read = num(a['gen_ai.usage.cache_read.input_tokens']);
  const write = num(a['gen_ai.usage.cache_creation.input_tokens']);
  const output = num(a['gen_ai.usage.output_tokens']);
  const rows: Array<[string, string, string]> = [
    ['Input (uncached)', formatTokens(input === undefined ? undefined : Math.max(0, input - (read ?? 0) - (write ?? 0))), price ? `$${price.inputPerMTok}/M` : '–'],
    ['Cache read', formatTokens(read), price?.cacheReadPerMTok !== undefined ? `$${price.cacheReadPerMTok}/M` : '–'],
    ['Cache write', formatTokens(write), price?.cacheWritePerMTok !== undefined ? `$${price.cacheWritePerMTok}/M` : '–'],
    ['Output', formatTokens(output), price ? `$${price.outputPerMTok}/M` : '–'],
  ];
  const cost = num(a['switchyard.cost_usd']);
  return h('table', { class: 'grid usage' },
    h('thead', {}, h('tr', {}, h('th', { text: 'Tokens' }), h('th', { text: 'Count' }), h('th', { text: `Price${modelId ? ` (${modelId})` : ''}` }))),
    h('tbody', {}, ...rows.map(([k, v, p]) => h('tr', {}, h('td', { text: k }), h('td', { text: v }), h('td', { text: p }))),
      h('tr', { class: 'total' }, h('td', { text: 'Cost' }), h('td', { text: cost === undefined ? 'unknown (no price for this model)' : formatUsd(cost, { local: a[ATTR_SWITCHYARD_LOCAL] === true }) }), h('td', { text: str(a['switchyard.cache_savings_usd']) ? `saved ${formatUsd(num(a['switchyard.cache_savings_usd']))}` : '' }))));
}

interface Chunk { path: string; score?: number; lines?: string; source: string }

/** Retrieval results: span events (or attributes) that carry a path and a score. */
function retrievedChunks(trace: TraceRecord): Chunk[] {
  const out: Chunk[] = [];
  for (const s of trace.spans) {
    for (const e of s.events) {
      const at = e.attributes ?? {};
      const path = str(at['path'] ?? at['file'] ?? at['switchyard.rag.path']);
      const score = num(at['score'] ?? at['switchyard.rag.score']);
      if (path && (score !== undefined || /chunk|retriev/i.test(e.name))) {
        const start = at['startLine'] ?? at['start_line'];
        const end = at['endLine'] ?? at['end_line'];
        out.push({ path, score, lines: start !== undefined ? `${str(start)}-${str(end) ?? ''}` : undefined, source: str(at['source']) ?? s.name });
      }
    }
  }
  return out;
}

function chunksTable(chunks: Chunk[]): HTMLElement {
  return h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, ...['File', 'Lines', 'Score', 'Source'].map((c) => h('th', { text: c })))),
    h('tbody', {}, ...chunks.map((c) => h('tr', {}, h('td', { text: c.path }), h('td', { text: c.lines ?? '' }), h('td', { text: c.score === undefined ? '' : c.score.toFixed(3) }), h('td', { text: c.source })))));
}

function toolSpans(trace: TraceRecord): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const s of trace.spans) {
    const a = s.attributes;
    if (a['gen_ai.operation.name'] !== 'execute_tool' && a['gen_ai.tool.name'] === undefined) continue;
    const args = str(a['gen_ai.tool.call.arguments'] ?? a['switchyard.tool.arguments']);
    const result = str(a['gen_ai.tool.call.result'] ?? a['switchyard.tool.result']);
    out.push(h('div', { class: `tool-call ${s.status}` },
      h('div', { class: 'tool-name', text: [str(a['gen_ai.tool.name']) ?? s.name, s.status, formatMs((s.endMs ?? s.startMs) - s.startMs), str(a['switchyard.tool.approval']) ? `approval: ${str(a['switchyard.tool.approval'])}` : ''].filter(Boolean).join(' · ') }),
      args ? h('pre', { class: 'tool-args', text: args }) : null,
      result ? h('pre', { class: 'tool-result', text: truncate(result, 5000) }) : null));
  }
  for (const s of trace.spans) {
    const calls = str(s.attributes['switchyard.tool_calls']);
    if (calls) out.push(h('div', { class: 'tool-call' }, h('div', { class: 'tool-name', text: `Requested by the model (${s.name})` }), h('pre', { class: 'tool-args', text: calls })));
  }
  return out;
}
