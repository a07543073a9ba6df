/** One Traces-tab row from a stored trace. Pure: no vscode import. */
import type { TraceRecord, SpanRecord } from '../../core/trace/types';
import type { TraceSummary } from '../../protocol/messages';
import {
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SWITCHYARD_ATTEMPTS,
  ATTR_SWITCHYARD_COST_USD,
  ATTR_SWITCHYARD_FEATURE,
  ATTR_SWITCHYARD_LOCAL,
  ATTR_SWITCHYARD_MODEL,
  ATTR_SWITCHYARD_STATUS,
  ATTR_SWITCHYARD_TTFT_MS,
} from '../../core/trace/attributes';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Router operation spans (one per router call) carry `switchyard.status`. */
function operationSpans(trace: TraceRecord): SpanRecord[] {
  return trace.spans.filter((s) => s.attributes[ATTR_SWITCHYARD_STATUS] !== undefined).sort((a, b) => a.startMs - b.startMs);
}

export function summarizeTrace(trace: TraceRecord): TraceSummary {
  const root = trace.spans.find((s) => !s.parentSpanId) ?? trace.spans[0];
  const ops = operationSpans(trace);
  const last = ops.at(-1);
  const rootStatus = str(root?.attributes[ATTR_SWITCHYARD_STATUS]);
  const lastStatus = str(last?.attributes[ATTR_SWITCHYARD_STATUS]);
  const rawStatus = rootStatus ?? lastStatus ?? root?.status ?? 'unset';
  const status: TraceSummary['status'] = rawStatus === 'ok' || rawStatus === 'error' || rawStatus === 'cancelled' ? rawStatus : 'unset';
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let cost: number | null | undefined;
  let attempts = 0;
  for (const op of ops) {
    const a = op.attributes;
    inputTokens = (inputTokens ?? 0) + (num(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]) ?? 0);
    outputTokens = (outputTokens ?? 0) + (num(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]) ?? 0);
    attempts += num(a[ATTR_SWITCHYARD_ATTEMPTS]) ?? 0;
    const c = num(a[ATTR_SWITCHYARD_COST_USD]);
    // An operation without a cost had an unknown price: the total is unknown too, never $0.
    cost = cost === null || c === undefined ? null : (cost ?? 0) + c;
  }
  return {
    traceId: trace.traceId,
    name: trace.name,
    startMs: trace.startMs,
    feature: str(root?.attributes[ATTR_SWITCHYARD_FEATURE]) ?? str(last?.attributes[ATTR_SWITCHYARD_FEATURE]) ?? trace.name,
    model: str(last?.attributes[ATTR_SWITCHYARD_MODEL]) ?? str(last?.attributes[ATTR_GEN_AI_REQUEST_MODEL]),
    status,
    latencyMs: trace.endMs - trace.startMs,
    // The first streamed token of the turn (an embedding call for @workspace has none).
    ttftMs: ops.map((o) => num(o.attributes[ATTR_SWITCHYARD_TTFT_MS])).find((t) => t !== undefined),
    inputTokens,
    outputTokens,
    costUsd: ops.length ? cost : undefined,
    // "$0 (local)" only when no call of the turn went to a billed model.
    ...(ops.length && ops.every((op) => op.attributes[ATTR_SWITCHYARD_LOCAL] === true) ? { local: true } : {}),
    attempts: ops.length ? attempts : undefined,
  };
}

/** The provider model ids that appear in a trace (for the price table). */
export function modelIdsOf(trace: TraceRecord): string[] {
  const ids = new Set<string>();
  for (const s of trace.spans) {
    const id = s.attributes[ATTR_GEN_AI_REQUEST_MODEL];
    if (typeof id === 'string') ids.add(id);
  }
  return [...ids];
}
