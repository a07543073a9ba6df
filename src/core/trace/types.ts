/**
 * Trace vocabulary. A trace is a tree of spans (operation → attempts → tool calls / retrieval);
 * attribute names follow the OpenTelemetry GenAI semantic conventions where one exists
 * (gen_ai.request.model, gen_ai.usage.input_tokens, …) and use the `switchyard.` prefix otherwise.
 */

export type AttributeValue = string | number | boolean | string[] | number[];
export type Attributes = Record<string, AttributeValue>;

export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes?: Attributes;
}

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** Epoch milliseconds (fractional allowed). */
  startMs: number;
  endMs?: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
  attributes: Attributes;
  events: SpanEvent[];
}

/** A finished trace as stored for the Traces tab. */
export interface TraceRecord {
  traceId: string;
  /** The root span's name, e.g. "chat", "completion", "embedding". */
  name: string;
  startMs: number;
  endMs: number;
  spans: SpanRecord[];
}

/** A live span. `child()` starts a nested span; `end()` finishes it (idempotent). */
export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  setAttribute(key: string, value: AttributeValue | undefined): this;
  setAttributes(attributes: Attributes): this;
  addEvent(name: string, attributes?: Attributes): this;
  setStatus(status: 'ok' | 'error', message?: string): this;
  child(name: string, attributes?: Attributes): Span;
  end(): void;
}

export interface Tracer {
  /** Starts a new trace whose root span is returned. The trace is stored when the root ends. */
  startTrace(name: string, attributes?: Attributes): Span;
}

/** Bounded store of finished traces (by count and bytes), newest first. */
export interface TraceStore {
  add(trace: TraceRecord): void;
  /** Up to `limit` traces, newest first, after the `offset` newest: the store is never read whole. */
  page(offset: number, limit: number): Promise<TraceRecord[]>;
  find(traceId: string): Promise<TraceRecord | undefined>;
  /** Called with every trace added; returns an unsubscribe function. */
  onDidAdd(listener: (trace: TraceRecord) => void): () => void;
  /** Resolves when every pending file write has finished. */
  flush(): Promise<void>;
}
