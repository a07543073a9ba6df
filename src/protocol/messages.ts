/**
 * The typed messages between the extension host and the Switchyard webview. Both sides validate
 * every inbound message with these schemas (`parseWebviewMessage` on the host,
 * `parseHostMessage` in the webview); a message that fails is dropped and logged.
 */
import * as z from 'zod/mini';
import {
  chatErrorSchema,
  contextChipSchema,
  conversationSchema,
  conversationSummarySchema,
  fixActionSchema,
  storedMessageSchema,
  toolCallViewSchema,
} from '../core/chat/types';

const id = z.string().check(z.minLength(1), z.maxLength(128));
export const tabSchema = z.enum(['chat', 'usage', 'traces']);
export type Tab = z.infer<typeof tabSchema>;

// ---------------------------------------------------------------- view models sent to the webview

export const modelOptionSchema = z.object({
  name: z.string().check(z.maxLength(128)),
  provider: z.string().check(z.maxLength(128)),
  id: z.string().check(z.maxLength(256)),
  contextWindow: z.optional(z.number()),
});
export type ModelOption = z.infer<typeof modelOptionSchema>;

const keyedTotals = z.object({
  key: z.string().check(z.maxLength(256)),
  calls: z.number(),
  costUsd: z.number(),
  /** Calls whose price was unknown (their cost is not in costUsd). */
  unknownCostCalls: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheSavingsUsd: z.number(),
  /** Every call in the row ran on a local model (its $0 reads "$0 (local)"). */
  local: z.optional(z.boolean()),
});
export type KeyedTotals = z.infer<typeof keyedTotals>;

const budgetLine = z.object({
  period: z.enum(['day', 'month']),
  limitUsd: z.number(),
  spentUsd: z.number(),
  state: z.enum(['ok', 'warn', 'exceeded']),
});

const cacheRow = z.object({
  key: z.string().check(z.maxLength(256)),
  inputTokens: z.number(),
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  hitRate: z.nullable(z.number()),
  savingsUsd: z.number(),
});

/** Cost control in the Usage tab: prompt-cache hits and savings, provider drift, price catalog date. */
const costControlViewSchema = z.object({
  cacheByModel: z.array(cacheRow).check(z.maxLength(500)),
  cacheByDay: z.array(cacheRow).check(z.maxLength(400)),
  drift: z.array(z.object({
    model: z.string().check(z.maxLength(256)),
    calls: z.number(),
    ourUsd: z.number(),
    providerUsd: z.number(),
    drift: z.nullable(z.number()),
    flagged: z.boolean(),
  })).check(z.maxLength(500)),
  /** The built-in price catalog's date and source ("prices as of …"). */
  pricesAsOf: z.optional(z.string().check(z.maxLength(32))),
  pricesSource: z.optional(z.string().check(z.maxLength(2000))),
  /** The spend caps in force (settings cost.maxTurnUsd / cost.maxConversationUsd), editable in the tab. */
  caps: z.optional(z.object({ maxTurnUsd: z.optional(z.number()), maxConversationUsd: z.optional(z.number()) })),
});
export type CostControlView = z.infer<typeof costControlViewSchema>;

/** Everything the Usage tab draws, computed on the host from the ledger. */
export const usageViewSchema = z.object({
  rangeDays: z.int().check(z.positive()),
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
  acceptRate: z.array(z.object({ model: z.string(), shown: z.number(), accepted: z.number(), rate: z.nullable(z.number()) })),
  costControl: z.optional(costControlViewSchema),
});
export type UsageView = z.infer<typeof usageViewSchema>;

/** One row of the Traces tab list. */
const traceSummarySchema = z.object({
  traceId: z.string().check(z.maxLength(128)),
  name: z.string().check(z.maxLength(256)),
  startMs: z.number(),
  feature: z.string().check(z.maxLength(128)),
  model: z.optional(z.string().check(z.maxLength(256))),
  status: z.enum(['ok', 'error', 'cancelled', 'unset']),
  latencyMs: z.number(),
  ttftMs: z.optional(z.number()),
  inputTokens: z.optional(z.number()),
  outputTokens: z.optional(z.number()),
  costUsd: z.optional(z.nullable(z.number())),
  /** Every model call of the trace ran on a local model. */
  local: z.optional(z.boolean()),
  attempts: z.optional(z.number()),
});
export type TraceSummary = z.infer<typeof traceSummarySchema>;

const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.array(z.number())]);
const spanRecordSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.optional(z.string()),
  name: z.string(),
  startMs: z.number(),
  endMs: z.optional(z.number()),
  status: z.enum(['unset', 'ok', 'error']),
  statusMessage: z.optional(z.string()),
  attributes: z.record(z.string(), attributeValue),
  events: z.array(z.object({ name: z.string(), timeMs: z.number(), attributes: z.optional(z.record(z.string(), attributeValue)) })),
});
export const traceRecordSchema = z.object({
  traceId: z.string(),
  name: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  spans: z.array(spanRecordSchema).check(z.maxLength(5000)),
});

const priceViewSchema = z.object({
  inputPerMTok: z.number(),
  outputPerMTok: z.number(),
  cacheReadPerMTok: z.optional(z.number()),
  cacheWritePerMTok: z.optional(z.number()),
});
export type PriceView = z.infer<typeof priceViewSchema>;

/** The next turn's estimated cost and the context meter, shown under the chat input before sending. */
const turnEstimateSchema = z.object({
  model: z.string().check(z.maxLength(128)),
  modelId: z.string().check(z.maxLength(256)),
  inputTokens: z.number(),
  cachedTokens: z.number(),
  outputTokens: z.number(),
  outputFromHistory: z.boolean(),
  costUsd: z.nullable(z.number()),
  local: z.optional(z.boolean()),
  contextWindow: z.number(),
  uncountedChips: z.number(),
});
export type TurnEstimate = z.infer<typeof turnEstimateSchema>;

// ---------------------------------------------------------------- webview → host

export const webviewMessageSchema = z.discriminatedUnion('type', [
  /** The page loaded (or was shown again): the host answers with `init`. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('chat/send'), conversationId: z.optional(id), text: z.string().check(z.minLength(1), z.maxLength(100_000)), chips: z.array(contextChipSchema).check(z.maxLength(50)), model: z.optional(z.string().check(z.maxLength(128))) }),
  z.object({ type: z.literal('chat/stop'), conversationId: id }),
  /** Summarise the conversation's older messages now (the summarize route). */
  z.object({ type: z.literal('chat/compact'), conversationId: id }),
  /** The answer to a spend-cap prompt. */
  z.object({ type: z.literal('chat/capDecide'), conversationId: id, decision: z.enum(['continue', 'switch', 'stop']) }),
  /** The draft changed (text, chips or model): the host answers with `chat/estimate` for `seq`. */
  z.object({ type: z.literal('chat/estimate'), seq: z.int().check(z.nonnegative()), conversationId: z.optional(id), text: z.string().check(z.maxLength(100_000)), chips: z.array(contextChipSchema).check(z.maxLength(50)), model: z.optional(z.string().check(z.maxLength(128))) }),
  z.object({ type: z.literal('chat/retry'), conversationId: id, messageId: id, model: z.optional(z.string().check(z.maxLength(128))) }),
  z.object({ type: z.literal('chat/new') }),
  z.object({ type: z.literal('chat/select'), conversationId: id }),
  z.object({ type: z.literal('chat/delete'), conversationId: id }),
  z.object({ type: z.literal('chat/rename'), conversationId: id, title: z.string().check(z.minLength(1), z.maxLength(200)) }),
  /** null: follow the chat route. */
  z.object({ type: z.literal('chat/setModel'), conversationId: z.optional(id), model: z.nullable(z.string().check(z.maxLength(128))) }),
  /** Ask the host for a chip: a file picker, or an MCP resource picker. */
  z.object({ type: z.literal('chat/pickContext'), kind: z.enum(['file', 'mcp-resource']) }),
  /** The user turned the workspace's instruction files off (removed their chip) or back on; kept per workspace. */
  z.object({ type: z.literal('chat/instructions'), include: z.boolean() }),
  /** The user typed "/" at the start of the input: the host answers with `chat/slashCommands`. */
  z.object({ type: z.literal('chat/listSlashCommands') }),
  z.object({ type: z.literal('code/copy'), code: z.string().check(z.maxLength(2_000_000)) }),
  z.object({ type: z.literal('code/insert'), code: z.string().check(z.maxLength(2_000_000)) }),
  /** Show a diff against the selection the question was about (or the active editor) and apply on accept. */
  z.object({ type: z.literal('code/apply'), code: z.string().check(z.maxLength(2_000_000)), language: z.optional(z.string().check(z.maxLength(64))), conversationId: z.optional(id), messageId: z.optional(id) }),
  /** A link in rendered markdown; the host validates the scheme before opening it. */
  z.object({ type: z.literal('link/open'), href: z.string().check(z.minLength(1), z.maxLength(8192)) }),
  z.object({ type: z.literal('action/run'), fix: fixActionSchema, conversationId: z.optional(id), messageId: z.optional(id) }),
  z.object({ type: z.literal('tool/decide'), callId: id, decision: z.enum(['once', 'session', 'always', 'deny']) }),
  /** Writes the spend caps (null: no cap) to the settings. */
  z.object({
    type: z.literal('cost/setCaps'),
    maxTurnUsd: z.nullable(z.number().check(z.positive(), z.maximum(1_000_000))),
    maxConversationUsd: z.nullable(z.number().check(z.positive(), z.maximum(1_000_000))),
  }),
  z.object({ type: z.literal('usage/request'), rangeDays: z.int().check(z.minimum(1), z.maximum(366)) }),
  /** The Usage tab left the screen: stop refreshing it. */
  z.object({ type: z.literal('usage/close') }),
  z.object({ type: z.literal('usage/export'), format: z.enum(['csv', 'markdown']), rangeDays: z.int().check(z.minimum(1), z.maximum(366)) }),
  z.object({ type: z.literal('traces/request') }),
  z.object({ type: z.literal('traces/get'), traceId: z.string().check(z.minLength(1), z.maxLength(128)) }),
  z.object({ type: z.literal('traces/copy'), traceId: z.string().check(z.minLength(1), z.maxLength(128)) }),
  z.object({ type: z.literal('traces/openRaw'), traceId: z.string().check(z.minLength(1), z.maxLength(128)) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

// ---------------------------------------------------------------- host → webview

const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    models: z.array(modelOptionSchema),
    /** The chat route's head, shown when a conversation follows the route. */
    routeModel: z.optional(z.string()),
    conversations: z.array(conversationSummarySchema),
    active: z.nullable(conversationSchema),
    running: z.boolean(),
    tab: z.optional(tabSchema),
  }),
  z.object({ type: z.literal('showTab'), tab: tabSchema }),
  z.object({ type: z.literal('models'), models: z.array(modelOptionSchema), routeModel: z.optional(z.string()) }),
  z.object({ type: z.literal('chat/conversations'), conversations: z.array(conversationSummarySchema) }),
  z.object({ type: z.literal('chat/conversation'), conversation: z.nullable(conversationSchema), running: z.boolean() }),
  z.object({ type: z.literal('chat/addChip'), chip: contextChipSchema }),
  /** MCP prompts offered as slash commands ("/server.prompt"). */
  z.object({
    type: z.literal('chat/slashCommands'),
    commands: z.array(z.object({
      command: z.string().check(z.maxLength(200)),
      description: z.optional(z.string().check(z.maxLength(2000))),
      arguments: z.array(z.object({ name: z.string().check(z.maxLength(100)), description: z.optional(z.string().check(z.maxLength(1000))), required: z.boolean() })).check(z.maxLength(50)),
    })).check(z.maxLength(500)),
  }),
  /** A spend cap was crossed: the turn waits for chat/capDecide. */
  z.object({
    type: z.literal('chat/capPrompt'),
    conversationId: id,
    scope: z.enum(['turn', 'conversation']),
    spentUsd: z.number(),
    capUsd: z.number(),
    extraUsd: z.number(),
    cheaperModel: z.optional(z.string().check(z.maxLength(128))),
    message: z.string().check(z.maxLength(1000)),
  }),
  /** The estimate for the draft the webview numbered `seq` (null: no model / no price data). */
  z.object({ type: z.literal('chat/estimate'), seq: z.int().check(z.nonnegative()), estimate: z.nullable(turnEstimateSchema) }),
  z.object({ type: z.literal('chat/delta'), conversationId: id, messageId: id, text: z.string() }),
  z.object({ type: z.literal('chat/notice'), conversationId: id, messageId: id, text: z.string().check(z.maxLength(1000)) }),
  z.object({ type: z.literal('chat/toolCall'), conversationId: id, messageId: id, call: toolCallViewSchema }),
  z.object({ type: z.literal('chat/done'), conversationId: id, message: storedMessageSchema }),
  /** An error that belongs to no answer (e.g. a failed send). */
  z.object({ type: z.literal('chat/error'), error: chatErrorSchema }),
  z.object({ type: z.literal('usage/data'), usage: usageViewSchema }),
  z.object({ type: z.literal('traces/list'), traces: z.array(traceSummarySchema) }),
  z.object({ type: z.literal('traces/added'), trace: traceSummarySchema }),
  /** `prices`: the catalog price per 1M tokens used for each model id in the trace. */
  z.object({ type: z.literal('traces/detail'), trace: z.nullable(traceRecordSchema), traceId: z.string(), prices: z.optional(z.record(z.string(), priceViewSchema)) }),
  z.object({ type: z.literal('toast'), level: z.enum(['info', 'warn', 'error']), text: z.string().check(z.maxLength(2000)) }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function describe(error: z.core.$ZodError, raw: unknown): string {
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
