/** The cost vocabulary: catalog entries, ledger records and the seams the router writes to. */
import { z } from 'zod';
import type { LedgerWriteFailure } from './ledgerFailure';
import type { UsageTotals } from './totals';

export const catalogEntrySchema = z.object({
  provider: z.enum(['openai', 'anthropic', 'deepseek', 'mistral', 'google', 'local']),
  inputPerMTok: z.number().nonnegative(),
  outputPerMTok: z.number().nonnegative(),
  cacheReadPerMTok: z.number().nonnegative().optional(),
  cacheWritePerMTok: z.number().nonnegative().optional(),
  contextWindow: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive(),
  fim: z.boolean().default(false),
  /** Embedding models have no output price. */
  kind: z.enum(['chat', 'completion', 'embedding']).default('chat'),
  /** Where this entry's prices come from and when they were checked; absent: the catalog file's. */
  source: z.string().min(1).optional(),
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date like "2026-11-01"').optional(),
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
});

const attemptRecordSchema = z.object({
  model: z.string(),
  modelId: z.string(),
  provider: z.string(),
  status: z.enum(['ok', 'error', 'skipped']),
  errorClass: z.string().optional(),
  reason: z.string().optional(),
  httpStatus: z.number().optional(),
  latencyMs: z.number(),
  ttftMs: z.number().optional(),
});

/** One ledger line: one router call, success or failure. */
export const ledgerRecordSchema = z.object({
  v: z.literal(1),
  traceId: z.string(),
  /** ISO-8601 time the call started. */
  time: z.string(),
  feature: z.string(),
  task: z.string(),
  workspace: z.string().optional(),
  route: z.array(z.string()),
  model: z.string().optional(),
  modelId: z.string().optional(),
  provider: z.string().optional(),
  attempts: z.array(attemptRecordSchema),
  usage: usageSchema,
  /** null: the price was unknown. */
  costUsd: z.number().nullable(),
  /** What the cache reads saved against the full input price (null when unknown). */
  cacheSavingsUsd: z.number().nullable().optional(),
  /** What the provider itself reported the call cost (OpenRouter usage.cost, LiteLLM header); absent when it did not. */
  providerCostUsd: z.number().nonnegative().optional(),
  /** The answering model runs on this machine (its $0 shows as "$0 (local)"); absent in older records and for billed models. */
  local: z.literal(true).optional(),
  /** Where the token counts came from; "estimated" = counted locally, "unknown" = the provider's were refused. */
  usageSource: z.enum(['reported', 'estimated', 'unknown']).optional(),
  status: z.enum(['ok', 'error', 'cancelled']),
  latencyMs: z.number(),
  ttftMs: z.number().optional(),
  /** Completion outcome and similar per-feature facts. */
  outcome: z.string().optional(),
});
export type LedgerRecord = z.infer<typeof ledgerRecordSchema>;

export interface LedgerFilter {
  sinceMs?: number;
  untilMs?: number;
}

export interface Ledger {
  append(record: LedgerRecord): Promise<void>;
  /** The failure of the last append, until an append succeeds again (undefined when writes work). */
  writeFailure?(): LedgerWriteFailure | undefined;
  /** Called when an append fails (each time); returns an unsubscribe function. */
  onWriteFailure?(listener: (failure: LedgerWriteFailure) => void): () => void;
  /** Every valid record (torn or invalid lines are skipped and counted). Big ledgers: records() or totals(). */
  read(filter?: LedgerFilter): Promise<LedgerRecord[]>;
  /** The valid records in order, a batch at a time (memory stays at one batch). */
  stream(filter?: LedgerFilter): AsyncIterable<LedgerRecord[]>;
  /** Per-day totals of every record, current to the end of the ledger. */
  totals(): Promise<UsageTotals>;
  /** Resolves when every append this instance accepted is on disk. */
  flush?(): Promise<void>;
}
