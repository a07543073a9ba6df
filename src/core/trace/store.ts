/**
 * The stored-trace schema and the in-memory trace store: newest first, bounded by count AND bytes
 * (oldest evicted). The persistent store the front doors use is ./fileStore.ts.
 */
import { z } from 'zod';
import { silentLogger, type Logger } from '../logger';
import type { TraceRecord, TraceStore } from './types';

const attributeValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.array(z.number())]);
const attributesSchema = z.record(z.string(), attributeValueSchema);
const spanRecordSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  startMs: z.number(),
  endMs: z.number().optional(),
  status: z.enum(['unset', 'ok', 'error']),
  statusMessage: z.string().optional(),
  attributes: attributesSchema,
  events: z.array(z.object({ name: z.string(), timeMs: z.number(), attributes: attributesSchema.optional() })),
});
export const traceRecordSchema = z.object({
  traceId: z.string(),
  name: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  spans: z.array(spanRecordSchema),
});

export interface MemoryTraceStoreOptions {
  maxTraces: number;
  maxBytes: number;
  logger?: Logger;
}

interface Entry {
  trace: TraceRecord;
  bytes: number;
}

/** Traces in memory only (tests, and front doors that keep no trace file). Persistent: FileTraceStore. */
export class MemoryTraceStore implements TraceStore {
  /** Oldest first (eviction from the front); list() reverses. */
  private entries: Entry[] = [];
  private byId = new Map<string, Entry>();
  private totalBytes = 0;
  private listeners = new Set<(trace: TraceRecord) => void>();
  private readonly logger: Logger;

  constructor(private readonly opts: MemoryTraceStoreOptions) {
    if (!(opts.maxTraces > 0) || !(opts.maxBytes > 0)) throw new Error('MemoryTraceStore: maxTraces and maxBytes must be positive (settings switchyard.trace.maxTraces / maxBytes).');
    this.logger = opts.logger ?? silentLogger;
  }

  /** Total size of the stored traces as JSON, in bytes. */
  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.entries.length;
  }

  add(trace: TraceRecord): void {
    this.insert(trace, Buffer.byteLength(JSON.stringify(trace)));
    for (const listener of [...this.listeners]) {
      try {
        listener(trace);
      } catch (e) {
        this.logger.error(`Trace listener failed: ${(e as Error).message}`);
      }
    }
  }

  /** Every trace, newest first. */
  list(): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (let i = this.entries.length - 1; i >= 0; i--) out.push(this.entries[i].trace);
    return out;
  }

  get(traceId: string): TraceRecord | undefined {
    return this.byId.get(traceId)?.trace;
  }

  async page(offset: number, limit: number): Promise<TraceRecord[]> {
    return this.list().slice(offset, offset + limit);
  }

  async find(traceId: string): Promise<TraceRecord | undefined> {
    return this.get(traceId);
  }

  onDidAdd(listener: (trace: TraceRecord) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async clear(): Promise<void> {
    this.entries = [];
    this.byId.clear();
    this.totalBytes = 0;
  }

  async flush(): Promise<void> {}

  private insert(trace: TraceRecord, bytes: number): void {
    const existing = this.byId.get(trace.traceId);
    if (existing) this.remove(existing);
    const entry: Entry = { trace, bytes };
    this.entries.push(entry);
    this.byId.set(trace.traceId, entry);
    this.totalBytes += entry.bytes;
    // Evict oldest; the newest trace is always kept, even when it alone exceeds maxBytes.
    while (this.entries.length > 1 && (this.entries.length > this.opts.maxTraces || this.totalBytes > this.opts.maxBytes)) {
      this.remove(this.entries[0]);
    }
  }

  private remove(entry: Entry): void {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
    this.byId.delete(entry.trace.traceId);
    this.totalBytes -= entry.bytes;
  }
}
