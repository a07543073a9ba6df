/**
 * Optional OTLP/HTTP export of finished traces (Jaeger, Langfuse, any OpenTelemetry collector),
 * through the OpenTelemetry JS exporter. Ids, timestamps and attributes are kept as recorded;
 * failures are logged and never reach the caller.
 */
import { SpanKind, SpanStatusCode, type HrTime, type SpanContext } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { silentLogger, type Logger } from '../logger';
import { ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_SYSTEM } from './attributes';
import type { TraceExporter } from './tracer';
import type { SpanRecord, TraceRecord } from './types';

export interface OtlpExporterOptions {
  /** Collector base URL ("http://localhost:4318") or the full traces URL ("…/v1/traces"). */
  endpoint: string;
  /** Extra HTTP headers, e.g. an Authorization header for a hosted collector. */
  headers?: Record<string, string>;
  logger?: Logger;
  serviceName?: string;
  serviceVersion?: string;
  timeoutMs?: number;
  /** Traces waiting for export beyond this are dropped (with one warning) rather than queued forever. */
  maxPending?: number;
}

export interface OtlpTraceExporter extends TraceExporter {
  /** Resolves when every export started so far has finished (successfully or not). */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** "http://host:4318" → "http://host:4318/v1/traces"; a URL already ending in /v1/traces is kept. */
export function otlpTracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (!/\/v1\/traces\/?$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.toString();
}

function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos];
}

const SAMPLED = 1;
const STATUS = { unset: SpanStatusCode.UNSET, ok: SpanStatusCode.OK, error: SpanStatusCode.ERROR } as const;

/** OpenTelemetry ReadableSpans with the same ids, times, attributes, events and status as the trace. */
function toReadableSpans(trace: TraceRecord, resource: Resource, scope: { name: string; version?: string }): ReadableSpan[] {
  return trace.spans.map((s: SpanRecord): ReadableSpan => {
    const context: SpanContext = { traceId: s.traceId, spanId: s.spanId, traceFlags: SAMPLED, isRemote: false };
    const endMs = s.endMs ?? trace.endMs;
    const span: ReadableSpan = {
      name: s.name,
      kind: ATTR_GEN_AI_PROVIDER_NAME in s.attributes || ATTR_GEN_AI_SYSTEM in s.attributes ? SpanKind.CLIENT : SpanKind.INTERNAL,
      spanContext: () => context,
      startTime: hrTime(s.startMs),
      endTime: hrTime(endMs),
      duration: hrTime(Math.max(0, endMs - s.startMs)),
      status: s.statusMessage !== undefined ? { code: STATUS[s.status], message: s.statusMessage } : { code: STATUS[s.status] },
      attributes: { ...s.attributes },
      links: [],
      events: s.events.map((e) => ({ name: e.name, time: hrTime(e.timeMs), attributes: e.attributes ?? {}, droppedAttributesCount: 0 })),
      ended: true,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
    if (s.parentSpanId) return { ...span, parentSpanContext: { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: SAMPLED, isRemote: false } };
    return span;
  });
}

export function createOtlpExporter(opts: OtlpExporterOptions): OtlpTraceExporter {
  const logger = opts.logger ?? silentLogger;
  const url = otlpTracesUrl(opts.endpoint);
  const exporter = new OTLPTraceExporter({ url, headers: { ...(opts.headers ?? {}) }, timeoutMillis: opts.timeoutMs ?? 10_000 });
  const resource = resourceFromAttributes({ 'service.name': opts.serviceName ?? 'switchyard', ...(opts.serviceVersion ? { 'service.version': opts.serviceVersion } : {}) });
  const scope = { name: 'switchyard', ...(opts.serviceVersion ? { version: opts.serviceVersion } : {}) };
  const maxPending = opts.maxPending ?? 100;
  const pending = new Set<Promise<void>>();
  let droppedWarned = false;
  let lastError = '';
  const host = new URL(url).host; // never log headers: they may carry credentials

  return {
    export(trace: TraceRecord): void {
      if (pending.size >= maxPending) {
        if (!droppedWarned) logger.warn(`OTLP export to ${host} is falling behind; dropping traces until it catches up.`);
        droppedWarned = true;
        return;
      }
      let spans: ReadableSpan[];
      try {
        spans = toReadableSpans(trace, resource, scope);
      } catch (e) {
        logger.warn(`OTLP export skipped trace ${trace.traceId}: ${(e as Error).message}`);
        return;
      }
      const done = new Promise<void>((resolve) => {
        try {
          exporter.export(spans, (result) => {
            if (result.code !== 0) {
              const message = result.error?.message ?? 'unknown error';
              // One line per distinct failure, so a down collector does not flood the log.
              if (message !== lastError) logger.warn(`OTLP export to ${host} failed: ${message}. Check switchyard.trace.otlpEndpoint.`);
              lastError = message;
            } else {
              lastError = '';
              droppedWarned = false;
            }
            resolve();
          });
        } catch (e) {
          logger.warn(`OTLP export to ${host} failed: ${(e as Error).message}`);
          resolve();
        }
      });
      pending.add(done);
      void done.then(() => pending.delete(done));
    },
    async forceFlush(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async shutdown(): Promise<void> {
      await this.forceFlush();
      try {
        await exporter.shutdown();
      } catch (e) {
        logger.warn(`OTLP exporter shutdown: ${(e as Error).message}`);
      }
    },
  };
}
