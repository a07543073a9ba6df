/**
 * The typed messages between the extension host and the Switchyard webview. Both sides validate
 * every inbound message with these schemas (`parseWebviewMessage` on the host,
 * `parseHostMessage` in the webview); a message that fails is dropped and logged.
 */
import { z } from 'zod';
import {
  chatErrorSchema,
  contextChipSchema,
  conversationSchema,
  conversationSummarySchema,
  fixActionSchema,
  storedMessageSchema,
  toolCallViewSchema,
  usageSchema,
} from '../core/chat/types';

const id = z.string().min(1).max(128);
export const tabSchema = z.enum(['chat', 'usage', 'traces']);
export type Tab = z.infer<typeof tabSchema>;

// ---------------------------------------------------------------- view models sent to the webview

export const modelOptionSchema = z.object({
  name: z.string().max(128),
  provider: z.string().max(128),
  id: z.string().max(256),
  contextWindow: z.number().optional(),
});
export type ModelOption = z.infer<typeof modelOptionSchema>;

const keyedTotals = z.object({
  key: z.string().max(256),
  calls: z.number(),
  costUsd: z.number(),
  /** Calls whose price was unknown (their cost is not in costUsd). */
  unknownCostCalls: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheSavingsUsd: z.number(),
});
export type KeyedTotals = z.infer<typeof keyedTotals>;

const budgetLine = z.object({
  period: z.enum(['day', 'month']),
  limitUsd: z.number(),
  spentUsd: z.number(),
  state: z.enum(['ok', 'warn', 'exceeded']),
});

/** Everything the Usage tab draws, computed on the host from the ledger. */
export const usageViewSchema = z.object({
  rangeDays: z.number().int().positive(),
  generatedAtMs: z.number(),
  totals: keyedTotals,
  /** Day labels (YYYY-MM-DD, UTC), oldest first. */
  days: z.array(z.string()),
  /** Per model, one value per day. */
  dailyByModel: z.array(z.object({ model: z.string(), costUsd: z.array(z.number()), tokens: z.array(z.number()) })),
  byFeature: z.array(keyedTotals),
  byProvider: z.array(keyedTotals),
  byModel: z.array(keyedTotals),
  budget: z.object({ onExceed: z.string(), lines: z.array(budgetLine) }),
  acceptRate: z.array(z.object({ model: z.string(), shown: z.number(), accepted: z.number(), rate: z.number().nullable() })),
});
export type UsageView = z.infer<typeof usageViewSchema>;

/** One row of the Traces tab list. */
export const traceSummarySchema = z.object({
  traceId: z.string().max(128),
  name: z.string().max(256),
  startMs: z.number(),
  feature: z.string().max(128),
  model: z.string().max(256).optional(),
  status: z.enum(['ok', 'error', 'cancelled', 'unset']),
  latencyMs: z.number(),
  ttftMs: z.number().optional(),
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  costUsd: z.number().nullable().optional(),
  attempts: z.number().optional(),
});
export type TraceSummary = z.infer<typeof traceSummarySchema>;

const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.array(z.number())]);
export const spanRecordSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  startMs: z.number(),
  endMs: z.number().optional(),
  status: z.enum(['unset', 'ok', 'error']),
  statusMessage: z.string().optional(),
  attributes: z.record(z.string(), attributeValue),
  events: z.array(z.object({ name: z.string(), timeMs: z.number(), attributes: z.record(z.string(), attributeValue).optional() })),
});
export const traceRecordSchema = z.object({
  traceId: z.string(),
  name: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  spans: z.array(spanRecordSchema).max(5000),
});

// ---------------------------------------------------------------- webview → host

export const webviewMessageSchema = z.discriminatedUnion('type', [
  /** The page loaded (or was shown again): the host answers with `init`. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('chat/send'), conversationId: id.optional(), text: z.string().min(1).max(100_000), chips: z.array(contextChipSchema).max(50), model: z.string().max(128).optional() }),
  z.object({ type: z.literal('chat/stop'), conversationId: id }),
  z.object({ type: z.literal('chat/retry'), conversationId: id, messageId: id, model: z.string().max(128).optional() }),
  z.object({ type: z.literal('chat/new') }),
  z.object({ type: z.literal('chat/select'), conversationId: id }),
  z.object({ type: z.literal('chat/delete'), conversationId: id }),
  z.object({ type: z.literal('chat/rename'), conversationId: id, title: z.string().min(1).max(200) }),
  /** null: follow the chat route. */
  z.object({ type: z.literal('chat/setModel'), conversationId: id.optional(), model: z.string().max(128).nullable() }),
  /** Ask the host for a chip: a file picker, or an MCP resource picker. */
  z.object({ type: z.literal('chat/pickContext'), kind: z.enum(['file', 'mcp-resource']) }),
  z.object({ type: z.literal('code/copy'), code: z.string().max(2_000_000) }),
  z.object({ type: z.literal('code/insert'), code: z.string().max(2_000_000) }),
  /** Show a diff against the selection the question was about (or the active editor) and apply on accept. */
  z.object({ type: z.literal('code/apply'), code: z.string().max(2_000_000), language: z.string().max(64).optional(), conversationId: id.optional(), messageId: id.optional() }),
  /** A link in rendered markdown; the host validates the scheme before opening it. */
  z.object({ type: z.literal('link/open'), href: z.string().min(1).max(8192) }),
  z.object({ type: z.literal('action/run'), fix: fixActionSchema, conversationId: id.optional(), messageId: id.optional() }),
  z.object({ type: z.literal('tool/decide'), callId: id, decision: z.enum(['once', 'session', 'always', 'deny']) }),
  z.object({ type: z.literal('usage/request'), rangeDays: z.number().int().min(1).max(366) }),
  z.object({ type: z.literal('usage/export'), format: z.enum(['csv', 'markdown']), rangeDays: z.number().int().min(1).max(366) }),
  z.object({ type: z.literal('traces/request') }),
  z.object({ type: z.literal('traces/get'), traceId: z.string().min(1).max(128) }),
  z.object({ type: z.literal('traces/copy'), traceId: z.string().min(1).max(128) }),
  z.object({ type: z.literal('traces/openRaw'), traceId: z.string().min(1).max(128) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

// ---------------------------------------------------------------- host → webview

export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    models: z.array(modelOptionSchema),
    /** The chat route's head, shown when a conversation follows the route. */
    routeModel: z.string().optional(),
    conversations: z.array(conversationSummarySchema),
    active: conversationSchema.nullable(),
    running: z.boolean(),
    tab: tabSchema.optional(),
  }),
  z.object({ type: z.literal('showTab'), tab: tabSchema }),
  z.object({ type: z.literal('models'), models: z.array(modelOptionSchema), routeModel: z.string().optional() }),
  z.object({ type: z.literal('chat/conversations'), conversations: z.array(conversationSummarySchema) }),
  z.object({ type: z.literal('chat/conversation'), conversation: conversationSchema.nullable(), running: z.boolean() }),
  z.object({ type: z.literal('chat/addChip'), chip: contextChipSchema }),
  z.object({ type: z.literal('chat/delta'), conversationId: id, messageId: id, text: z.string() }),
  z.object({ type: z.literal('chat/notice'), conversationId: id, messageId: id, text: z.string().max(1000) }),
  z.object({ type: z.literal('chat/toolCall'), conversationId: id, messageId: id, call: toolCallViewSchema }),
  z.object({ type: z.literal('chat/done'), conversationId: id, message: storedMessageSchema }),
  /** An error that belongs to no answer (e.g. a failed send). */
  z.object({ type: z.literal('chat/error'), error: chatErrorSchema }),
  z.object({ type: z.literal('usage/data'), usage: usageViewSchema }),
  z.object({ type: z.literal('traces/list'), traces: z.array(traceSummarySchema) }),
  z.object({ type: z.literal('traces/added'), trace: traceSummarySchema }),
  z.object({ type: z.literal('traces/detail'), trace: traceRecordSchema.nullable(), traceId: z.string() }),
  z.object({ type: z.literal('toast'), level: z.enum(['info', 'warn', 'error']), text: z.string().max(2000) }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

export { usageSchema };

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function describe(error: z.ZodError, raw: unknown): string {
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String((raw as { type: unknown }).type).slice(0, 40) : '(no type)';
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') || '(root)';
  return `message "${type}" rejected: ${path}: ${issue?.message ?? 'invalid'}`;
}

/** Host side: validates a message from the webview. */
export function parseWebviewMessage(raw: unknown): ParseResult<WebviewMessage> {
  const r = webviewMessageSchema.safeParse(raw);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: describe(r.error, raw) };
}

/** Webview side: validates a message from the host. */
export function parseHostMessage(raw: unknown): ParseResult<HostMessage> {
  const r = hostMessageSchema.safeParse(raw);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: describe(r.error, raw) };
}

/** Links the host may open from rendered markdown: web pages and mail only. */
export function isSafeExternalLink(href: string): boolean {
  try {
    const u = new URL(href);
    return (u.protocol === 'https:' || u.protocol === 'http:' || u.protocol === 'mailto:') && !u.username && !u.password;
  } catch {
    return false;
  }
}
