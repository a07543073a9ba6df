/** The Traces tab: a page of recent traces, one trace's detail with the prices used, copy and open as JSON, and new traces live. */
import * as vscode from 'vscode';
import type { TraceRecord } from '../../../core/trace/types';
import type { PriceView } from '../../../protocol/messages';
import type { HostServices } from '../../hostServices';
import type { PanelConnections } from '../connections';
import { modelIdsOf, summarizeTrace } from '../traceView';
import type { AreaHandlers } from './types';

/** Traces listed when the Traces tab opens: a page from the store, read from its file. */
const TRACE_PAGE = 200;

/** Tells every page about each new trace; call again when the core changes. Returns the unsubscribe. */
export function watchTraces(services: HostServices, connections: PanelConnections): () => void {
  return services.core.traceStore.onDidAdd((trace) => {
    if (connections.size) connections.broadcast({ type: 'traces/added', trace: summarizeTrace(trace) });
  });
}

function pricesOf(services: HostServices, trace: TraceRecord): Record<string, PriceView> {
  const out: Record<string, PriceView> = {};
  const core = services.core;
  for (const id of modelIdsOf(trace)) {
    const override = Object.values(core.config.models).find((m) => m.id === id)?.price;
    const price = core.catalog.priceFor(id, override);
    if (price) out[id] = price;
  }
  return out;
}

async function storedTrace(services: HostServices, traceId: string): Promise<TraceRecord> {
  const trace = await services.core.traceStore.find(traceId);
  if (!trace) throw new Error(`Trace ${traceId} is no longer in the store.`);
  return trace;
}

export const traceHandlers = {
  'traces/request': async (panel, conn) => {
    const traces = (await panel.services.core.traceStore.page(0, TRACE_PAGE)).map(summarizeTrace);
    panel.connections.post(conn, { type: 'traces/list', traces });
  },

  'traces/get': async (panel, conn, msg) => {
    const trace = await panel.services.core.traceStore.find(msg.traceId);
    panel.connections.post(conn, { type: 'traces/detail', traceId: msg.traceId, trace: trace ?? null, prices: trace ? pricesOf(panel.services, trace) : undefined });
  },

  'traces/copy': async (panel, conn, msg) => {
    const trace = await storedTrace(panel.services, msg.traceId);
    await vscode.env.clipboard.writeText(JSON.stringify(trace, null, 2));
    panel.connections.post(conn, { type: 'toast', level: 'info', text: 'Trace copied as JSON.' });
  },

  'traces/openRaw': async (panel, _conn, msg) => {
    const trace = await storedTrace(panel.services, msg.traceId);
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(trace, null, 2) });
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Active });
  },
} satisfies AreaHandlers;
