/**
 * The chat vocabulary as zod schemas: context chips, stored messages and conversations. The
 * host persists these, the protocol sends them to the webview; types are inferred from here.
 * This file imports nothing but zod so the webview bundle can share it.
 */
import { z } from 'zod';

const id = z.string().min(1).max(128);
const relPath = z.string().min(1).max(4096);

/** A piece of context the user attached to a question, shown as a removable chip. */
export const contextChipSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('selection'),
    id,
    /** Workspace-relative path (or file name) for display and the prompt. */
    path: relPath,
    uri: z.string().max(8192).optional(),
    /** 1-based, inclusive. */
    startLine: z.number().int().positive(),
    endLine: z.number().int().positive(),
    language: z.string().max(64).optional(),
    text: z.string().max(400_000),
  }),
  z.object({ kind: z.literal('file'), id, path: relPath, uri: z.string().max(8192).optional() }),
  z.object({ kind: z.literal('workspace'), id }),
  z.object({ kind: z.literal('mcp-resource'), id, server: z.string().min(1).max(256), uri: z.string().min(1).max(8192), name: z.string().max(256).optional() }),
]);
export type ContextChip = z.infer<typeof contextChipSchema>;
export type ContextChipKind = ContextChip['kind'];

export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
});

/** What a chat error offers as its fix; the host maps each to a VS Code command. */
export const fixActionSchema = z.object({
  action: z.enum(['setKey', 'openSettings', 'switchModel', 'retry']),
  label: z.string().min(1).max(120),
  /** Provider config name for setKey. */
  provider: z.string().max(64).optional(),
});
export type FixAction = z.infer<typeof fixActionSchema>;

export const chatErrorSchema = z.object({
  /** ErrorClass of the router's ModelError, or 'internal'. */
  kind: z.string().max(64),
  message: z.string().max(4000),
  fix: z.string().max(1000).optional(),
  actions: z.array(fixActionSchema).max(8),
});
export type ChatError = z.infer<typeof chatErrorSchema>;

/** A tool call in an answer, as the Chat tab shows it (requested → approved/denied → running → done/error). */
export const toolCallViewSchema = z.object({
  id,
  name: z.string().min(1).max(256),
  /** MCP server name when the tool comes from one. */
  server: z.string().max(256).optional(),
  /** JSON text of the arguments. */
  arguments: z.string().max(200_000),
  status: z.enum(['requested', 'approved', 'denied', 'running', 'done', 'error']),
  result: z.string().max(200_000).optional(),
});
export type ToolCallView = z.infer<typeof toolCallViewSchema>;

export const storedMessageSchema = z.object({
  id,
  role: z.enum(['user', 'assistant']),
  /** What the user typed / what the model answered (markdown). */
  content: z.string().max(2_000_000),
  /** User turns: the text actually sent (question + expanded context), reused for later turns. */
  promptContent: z.string().max(2_000_000).optional(),
  timeMs: z.number(),
  chips: z.array(contextChipSchema).max(50).optional(),
  /** Assistant turns: the model that answered, the one asked for, and the call's facts. */
  model: z.string().max(128).optional(),
  requestedModel: z.string().max(128).optional(),
  traceId: z.string().max(128).optional(),
  status: z.enum(['streaming', 'ok', 'error', 'cancelled']).optional(),
  usage: usageSchema.optional(),
  /** null: the price is unknown (never shown as $0). */
  costUsd: z.number().nullable().optional(),
  latencyMs: z.number().optional(),
  /** How many earlier messages were left out to fit the context window. */
  trimmedMessages: z.number().int().nonnegative().optional(),
  error: chatErrorSchema.optional(),
  toolCalls: z.array(toolCallViewSchema).max(200).optional(),
  notices: z.array(z.string().max(1000)).max(50).optional(),
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

export const conversationSchema = z.object({
  v: z.literal(1),
  id,
  title: z.string().max(200),
  createdMs: z.number(),
  updatedMs: z.number(),
  /** The conversation's model (picker); undefined = the chat route. */
  model: z.string().max(128).optional(),
  messages: z.array(storedMessageSchema),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const conversationSummarySchema = z.object({
  id,
  title: z.string().max(200),
  updatedMs: z.number(),
  messageCount: z.number().int().nonnegative(),
  model: z.string().max(128).optional(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export function summarize(c: Conversation): ConversationSummary {
  return { id: c.id, title: c.title, updatedMs: c.updatedMs, messageCount: c.messages.length, model: c.model };
}
