/**
 * The chat vocabulary as zod schemas: context chips, stored messages and conversations. The
 * host persists these, the protocol sends them to the webview; types are inferred from here.
 * This file imports nothing but zod so the webview bundle can share it.
 */
import * as z from 'zod/mini';

const id = z.string().check(z.minLength(1), z.maxLength(128));
const relPath = z.string().check(z.minLength(1), z.maxLength(4096));

/** A piece of context the user attached to a question, shown as a removable chip. */
export const contextChipSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('selection'),
    id,
    /** Workspace-relative path (or file name) for display and the prompt. */
    path: relPath,
    uri: z.optional(z.string().check(z.maxLength(8192))),
    /** 1-based, inclusive. */
    startLine: z.int().check(z.positive()),
    endLine: z.int().check(z.positive()),
    language: z.optional(z.string().check(z.maxLength(64))),
    text: z.string().check(z.maxLength(400_000)),
  }),
  z.object({ kind: z.literal('file'), id, path: relPath, uri: z.optional(z.string().check(z.maxLength(8192))) }),
  z.object({ kind: z.literal('workspace'), id }),
  z.object({ kind: z.literal('mcp-resource'), id, server: z.string().check(z.minLength(1), z.maxLength(256)), uri: z.string().check(z.minLength(1), z.maxLength(8192)), name: z.optional(z.string().check(z.maxLength(256))) }),
  /** The workspace's instruction files (AGENTS.md, …), sent in the system prompt while the chip is on; `off`: shown, not sent. */
  z.object({ kind: z.literal('instructions'), id, paths: z.array(relPath).check(z.minLength(1), z.maxLength(20)), off: z.optional(z.literal(true)) }),
]);
export type ContextChip = z.infer<typeof contextChipSchema>;

const usageSchema = z.object({
  inputTokens: z.int().check(z.nonnegative()),
  outputTokens: z.int().check(z.nonnegative()),
  cacheReadTokens: z.int().check(z.nonnegative()),
  cacheWriteTokens: z.int().check(z.nonnegative()),
});

/** What a chat error offers as its fix; the host maps each to a VS Code command. */
export const fixActionSchema = z.object({
  action: z.enum(['setKey', 'openSettings', 'switchModel', 'retry', 'addModel']),
  label: z.string().check(z.minLength(1), z.maxLength(120)),
  /** Provider config name for setKey. */
  provider: z.optional(z.string().check(z.maxLength(64))),
});
export type FixAction = z.infer<typeof fixActionSchema>;

export const chatErrorSchema = z.object({
  /** ErrorClass of the router's ModelError, or 'internal'. */
  kind: z.string().check(z.maxLength(64)),
  message: z.string().check(z.maxLength(4000)),
  fix: z.optional(z.string().check(z.maxLength(1000))),
  actions: z.array(fixActionSchema).check(z.maxLength(8)),
});
export type ChatError = z.infer<typeof chatErrorSchema>;

/** A tool call in an answer, as the Chat tab shows it (requested → approved/denied → running → done/error). */
export const toolCallViewSchema = z.object({
  id,
  name: z.string().check(z.minLength(1), z.maxLength(256)),
  /** MCP server name when the tool comes from one. */
  server: z.optional(z.string().check(z.maxLength(256))),
  /** JSON text of the arguments. */
  arguments: z.string().check(z.maxLength(200_000)),
  status: z.enum(['requested', 'approved', 'denied', 'running', 'done', 'error']),
  result: z.optional(z.string().check(z.maxLength(200_000))),
});
export type ToolCallView = z.infer<typeof toolCallViewSchema>;

export const storedMessageSchema = z.object({
  id,
  role: z.enum(['user', 'assistant']),
  /** What the user typed / what the model answered (markdown). */
  content: z.string().check(z.maxLength(2_000_000)),
  /** User turns: the text actually sent (question + expanded context), reused for later turns. */
  promptContent: z.optional(z.string().check(z.maxLength(2_000_000))),
  timeMs: z.number(),
  chips: z.optional(z.array(contextChipSchema).check(z.maxLength(50))),
  /** Assistant turns: the model that answered, the one asked for, and the call's facts. */
  model: z.optional(z.string().check(z.maxLength(128))),
  requestedModel: z.optional(z.string().check(z.maxLength(128))),
  traceId: z.optional(z.string().check(z.maxLength(128))),
  status: z.optional(z.enum(['streaming', 'ok', 'error', 'cancelled'])),
  usage: z.optional(usageSchema),
  /** null: the price is unknown (never shown as $0). */
  costUsd: z.optional(z.nullable(z.number())),
  /** The answering model runs locally: its $0 shows as "$0 (local)". */
  local: z.optional(z.boolean()),
  latencyMs: z.optional(z.number()),
  /** How many earlier messages were left out to fit the context window. */
  trimmedMessages: z.optional(z.int().check(z.nonnegative())),
  error: z.optional(chatErrorSchema),
  toolCalls: z.optional(z.array(toolCallViewSchema).check(z.maxLength(200))),
  notices: z.optional(z.array(z.string().check(z.maxLength(1000))).check(z.maxLength(50))),
  /** A summary (by the `summarize` route) standing in for this many earlier messages in later prompts. */
  summaryOf: z.optional(z.int().check(z.positive())),
  /** Replaced in prompts by a later summary message; kept for the record and shown collapsed. */
  compacted: z.optional(z.boolean()),
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

export const conversationSchema = z.object({
  v: z.literal(1),
  id,
  title: z.string().check(z.maxLength(200)),
  createdMs: z.number(),
  updatedMs: z.number(),
  /** The conversation's model (picker); undefined = the chat route. */
  model: z.optional(z.string().check(z.maxLength(128))),
  messages: z.array(storedMessageSchema),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const conversationSummarySchema = z.object({
  id,
  title: z.string().check(z.maxLength(200)),
  updatedMs: z.number(),
  messageCount: z.int().check(z.nonnegative()),
  model: z.optional(z.string().check(z.maxLength(128))),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export function summarize(c: Conversation): ConversationSummary {
  return { id: c.id, title: c.title, updatedMs: c.updatedMs, messageCount: c.messages.length, model: c.model };
}
