/**
 * Bounded store of finished traces for the Traces tab: newest first, bounded by count AND bytes
 * (oldest evicted), with optional JSONL persistence that is compacted when it grows past 2× the bound.
 */
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
  /** JSONL file the traces persist to (loaded by load()); none = memory only. */
  filePath?: string;
  logger?: Logger;
}

interface Entry {
  trace: TraceRecord;
  line: string;
  bytes: number;
}

export class MemoryTraceStore implements TraceStore {
  /** Oldest first (eviction from the front); list() reverses. */
  private entries: Entry[] = [];
  private byId = new Map<string, Entry>();
  private totalBytes = 0;
  private listeners = new Set<(trace: TraceRecord) => void>();
  private readonly logger: Logger;
  /** Lines and bytes in the persistence file (valid or not) since the last compaction. */
  private fileLines = 0;
  private fileBytes = 0;
  private writes: Promise<void> = Promise.resolve();

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

  /** Loads persisted traces (invalid lines skipped), keeping the newest within the bounds. */
  async load(): Promise<void> {
    const path = this.opts.filePath;
    if (!path) return;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    let skipped = 0;
    const lines = text.split('\n');
    this.fileLines = 0;
    for (const raw of lines) {
      if (!raw.trim()) continue;
      this.fileLines++;
      try {
        const parsed = traceRecordSchema.safeParse(JSON.parse(raw));
        if (parsed.success) this.insert(parsed.data as TraceRecord, raw);
        else skipped++;
      } catch {
        skipped++;
      }
    }
    this.fileBytes = Buffer.byteLength(text);
    if (skipped) this.logger.warn(`Trace file ${path}: skipped ${skipped} invalid line(s).`);
    if (this.needsCompaction()) await this.compact();
  }

  add(trace: TraceRecord): void {
    const line = JSON.stringify(trace);
    this.insert(trace, line);
    if (this.opts.filePath) this.persist(line);
    for (const listener of [...this.listeners]) {
      try {
        listener(trace);
      } catch (e) {
        this.logger.error(`Trace listener failed: ${(e as Error).message}`);
      }
    }
  }

  list(): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (let i = this.entries.length - 1; i >= 0; i--) out.push(this.entries[i].trace);
    return out;
  }

  get(traceId: string): TraceRecord | undefined {
    return this.byId.get(traceId)?.trace;
  }

  onDidAdd(listener: (trace: TraceRecord) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Removes every trace (and truncates the file). */
  async clear(): Promise<void> {
    this.entries = [];
    this.byId.clear();
    this.totalBytes = 0;
    if (this.opts.filePath) await this.enqueue(() => this.rewrite());
  }

  /** Resolves when every pending file write has finished. */
  flush(): Promise<void> {
    return this.writes;
  }

  private insert(trace: TraceRecord, line: string): void {
    const existing = this.byId.get(trace.traceId);
    if (existing) this.remove(existing);
    const entry: Entry = { trace, line, bytes: Buffer.byteLength(line) };
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

  private needsCompaction(): boolean {
    return this.fileLines > 2 * this.opts.maxTraces || this.fileBytes > 2 * this.opts.maxBytes;
  }

  private persist(line: string): void {
    void this.enqueue(async () => {
      const path = this.opts.filePath!;
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(path, 'a');
      try {
        await handle.write(`${line}\n`);
      } finally {
        await handle.close();
      }
      this.fileLines++;
      this.fileBytes += Buffer.byteLength(line) + 1;
      if (this.needsCompaction()) await this.rewrite();
    });
  }

  private compact(): Promise<void> {
    return this.enqueue(() => this.rewrite());
  }

  /** Writes the current traces to a temp file and renames it over the old one. */
  private async rewrite(): Promise<void> {
    const path = this.opts.filePath!;
    await mkdir(dirname(path), { recursive: true });
    const body = this.entries.map((e) => `${e.line}\n`).join('');
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
    this.fileLines = this.entries.length;
    this.fileBytes = Buffer.byteLength(body);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.writes.then(task).catch((e: unknown) => {
      this.logger.error(`Trace file ${this.opts.filePath}: ${(e as Error)?.message ?? String(e)}`);
    });
    this.writes = run;
    return run;
  }
}

