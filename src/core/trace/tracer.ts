/**
 * The tracer: spans with W3C-sized ids (32-hex trace, 16-hex span); when a root span ends, its
 * whole tree becomes one TraceRecord handed to the store and the optional exporter. String
 * attributes pass through redact() (bodies through redactBody(), JSON value by value); body
 * attributes are dropped when recordBodies is false.
 */
import { randomFillSync } from 'node:crypto';
import { silentLogger, type Logger } from '../logger';
import { systemClock, type Clock } from '../basics';
import { BODY_ATTRIBUTES } from './attributes';
import { redact, redactBody } from './redact';
import type { AttributeValue, Attributes, Span, SpanRecord, TraceRecord, TraceStore, Tracer } from './types';

/** Receives every finished trace (e.g. OTLP export). Failures must not reach the caller. */
export interface TraceExporter {
  export(trace: TraceRecord): void | Promise<void>;
  /** Flushes pending exports and releases resources. */
  shutdown?(): Promise<void>;
}

export interface TracerOptions {
  store: TraceStore;
  clock?: Clock;
  /** Keep prompt/response bodies (redacted). Default true. */
  recordBodies?: boolean;
  exporter?: TraceExporter;
  logger?: Logger;
  /** Longest body attribute kept, in characters (the rest is cut with a marker). Default 100 000. */
  maxBodyChars?: number;
}

/** Random bytes drawn 4 KB at a time: one randomFillSync per ~170 spans instead of one per id. */
const randomPool = Buffer.alloc(4096);
let randomPoolUsed = randomPool.length;

function hexId(bytes: number): string {
  for (;;) {
    if (randomPoolUsed + bytes > randomPool.length) {
      randomFillSync(randomPool);
      randomPoolUsed = 0;
    }
    const id = randomPool.toString('hex', randomPoolUsed, randomPoolUsed + bytes);
    randomPoolUsed += bytes;
    if (!/^0+$/.test(id)) return id; // all-zero ids are invalid in W3C trace context
  }
}

const newTraceId = (): string => hexId(16);
const newSpanId = (): string => hexId(8);

/** State shared by every span of one trace. */
interface TraceState {
  readonly traceId: string;
  readonly spans: SpanRecord[];
  finished: boolean;
}

interface Settings {
  store: TraceStore;
  clock: Clock;
  recordBodies: boolean;
  exporter?: TraceExporter;
  logger: Logger;
  maxBodyChars: number;
}

function cleanValue(settings: Settings, key: string, value: AttributeValue): AttributeValue | undefined {
  const isBody = BODY_ATTRIBUTES.has(key);
  if (isBody && !settings.recordBodies) return undefined;
  if (typeof value === 'string') {
    if (!isBody) return redact(value);
    // Redacted whole (JSON value by value) before it is cut, so a cut never splits a secret's context.
    const text = redactBody(value);
    return text.length > settings.maxBodyChars
      ? `${text.slice(0, settings.maxBodyChars)}… [truncated ${text.length - settings.maxBodyChars} chars]`
      : text;
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return (value as string[]).map(redact);
  // A copy: the caller may change its array after the span has it (the stored trace never changes).
  if (Array.isArray(value)) return [...value] as number[];
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

class LiveSpan implements Span {
  readonly spanId = newSpanId();
  private readonly record: SpanRecord;
  private ended = false;

  constructor(
    private readonly settings: Settings,
    private readonly trace: TraceState,
    name: string,
    parentSpanId: string | undefined,
    attributes: Attributes | undefined,
    private readonly isRoot: boolean,
  ) {
    this.record = { traceId: trace.traceId, spanId: this.spanId, name, startMs: settings.clock.now(), status: 'unset', attributes: {}, events: [] };
    if (parentSpanId) this.record.parentSpanId = parentSpanId;
    trace.spans.push(this.record);
    if (attributes) this.setAttributes(attributes);
  }

  get traceId(): string {
    return this.trace.traceId;
  }

  private get writable(): boolean {
    return !this.ended && !this.trace.finished;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (!this.writable) return this;
    if (value === undefined) {
      delete this.record.attributes[key];
      return this;
    }
    const clean = cleanValue(this.settings, key, value);
    if (clean === undefined) delete this.record.attributes[key];
    else this.record.attributes[key] = clean;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const k in attributes) this.setAttribute(k, attributes[k]);
    return this;
  }

  addEvent(name: string, attributes?: Attributes): this {
    if (!this.writable) return this;
    const event: SpanRecord['events'][number] = { name, timeMs: this.settings.clock.now() };
    if (attributes) {
      const clean: Attributes = {};
      for (const [k, v] of Object.entries(attributes)) {
        const c = cleanValue(this.settings, k, v);
        if (c !== undefined) clean[k] = c;
      }
      event.attributes = clean;
    }
    this.record.events.push(event);
    return this;
  }

  setStatus(status: 'ok' | 'error', message?: string): this {
    if (!this.writable) return this;
    this.record.status = status;
    if (message !== undefined) this.record.statusMessage = redact(message);
    else delete this.record.statusMessage;
    return this;
  }

  child(name: string, attributes?: Attributes): Span {
    return new LiveSpan(this.settings, this.trace, name, this.spanId, attributes, false);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.trace.finished) return;
    this.record.endMs = this.settings.clock.now();
    if (this.isRoot) this.finishTrace();
  }

  /**
   * Hands the tree on (spans still open are closed at the root's end). The span records themselves
   * are handed on, not copies: once the trace is finished no span writes to its record again, and
   * every value in a record is the tracer's own (strings, numbers and copied arrays).
   */
  private finishTrace(): void {
    this.trace.finished = true;
    const endMs = this.record.endMs ?? this.settings.clock.now();
    const spans: SpanRecord[] = this.trace.spans;
    for (const span of spans) span.endMs ??= endMs;
    const trace: TraceRecord = { traceId: this.trace.traceId, name: this.record.name, startMs: this.record.startMs, endMs, spans };
    try {
      this.settings.store.add(trace);
    } catch (e) {
      this.settings.logger.error(`Trace store rejected trace ${trace.traceId}: ${(e as Error).message}`);
    }
    const exporter = this.settings.exporter;
    if (exporter) {
      try {
        Promise.resolve(exporter.export(trace)).catch((e: unknown) => this.settings.logger.warn(`Trace export failed: ${(e as Error)?.message ?? String(e)}`));
      } catch (e) {
        this.settings.logger.warn(`Trace export failed: ${(e as Error).message}`);
      }
    }
  }
}

/** A tracer whose body recording and exporter follow the settings (spans already open keep theirs only if they finished). */
export interface ManagedTracer extends Tracer {
  update(next: { recordBodies?: boolean; exporter?: TraceExporter }): void;
}

export function createTracer(opts: TracerOptions): ManagedTracer {
  const settings: Settings = {
    store: opts.store,
    clock: opts.clock ?? systemClock,
    recordBodies: opts.recordBodies ?? true,
    exporter: opts.exporter,
    logger: opts.logger ?? silentLogger,
    maxBodyChars: opts.maxBodyChars ?? 100_000,
  };
  return {
    startTrace(name: string, attributes?: Attributes): Span {
      const state: TraceState = { traceId: newTraceId(), spans: [], finished: false };
      return new LiveSpan(settings, state, name, undefined, attributes, true);
    },
    update(next) {
      if (next.recordBodies !== undefined) settings.recordBodies = next.recordBodies;
      if ('exporter' in next) settings.exporter = next.exporter;
    },
  };
}
