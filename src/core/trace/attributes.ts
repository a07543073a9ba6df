/**
 * The one vocabulary of span attribute names: OpenTelemetry GenAI semantic conventions where one
 * exists (https://opentelemetry.io/docs/specs/semconv/gen-ai/), `switchyard.*` otherwise. Call sites
 * never spell a name (test/unit/trace.attributes.test.ts fails on a literal key in src/). Constant
 * names follow @opentelemetry/semantic-conventions (ATTR_<NAME>), grouped by the part that sets them.
 * Which attributes carry bodies (prompt, answer, tool arguments and results, retrieval queries) is
 * declared here, in BODY_ATTRIBUTES: the tracer redacts them structurally and drops them when
 * `trace.recordBodies` is false.
 */

// ---- OpenTelemetry GenAI semantic conventions ----
/** "chat", "text_completion", "embeddings", "execute_tool". */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
/** "openai", "anthropic", "deepseek", … (current convention). */
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Older name of gen_ai.provider.name; still read by many backends, so both are set. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
/** string[]: one finish reason per choice. */
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
/** Body: the arguments of one tool call, as the model wrote them. */
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
/** Body: what one tool call returned. */
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const ATTR_ERROR_TYPE = 'error.type';

/** Values of gen_ai.operation.name. */
export const GEN_AI_OPERATION = {
  chat: 'chat',
  textCompletion: 'text_completion',
  embeddings: 'embeddings',
  executeTool: 'execute_tool',
} as const;

// ---- Switchyard: the router's operation and attempt spans ----
/** The router task: "chat", "completion", "embedding", … */
export const ATTR_SWITCHYARD_TASK = 'switchyard.task';
/** Ledger feature label (e.g. "completion", "chat", "tools"). */
export const ATTR_SWITCHYARD_FEATURE = 'switchyard.feature';
/** The route's ordered candidate model names. */
export const ATTR_SWITCHYARD_ROUTE = 'switchyard.route';
/** The config name of the model (e.g. "sonnet"), beside gen_ai.request.model (the provider id). */
export const ATTR_SWITCHYARD_MODEL = 'switchyard.model';
export const ATTR_SWITCHYARD_PROVIDER = 'switchyard.provider';
/** Absent when the cost is unknown (never written as 0 for an unknown cost). */
export const ATTR_SWITCHYARD_COST_USD = 'switchyard.cost_usd';
/** true when the answering model runs on this machine (its $0 is shown as "$0 (local)"); absent otherwise. */
export const ATTR_SWITCHYARD_LOCAL = 'switchyard.local';
/** "reported" (the provider's usage), "estimated" (counted locally) or "unknown". */
export const ATTR_SWITCHYARD_USAGE_SOURCE = 'switchyard.usage.source';
export const ATTR_SWITCHYARD_CACHE_SAVINGS_USD = 'switchyard.cache_savings_usd';
/** Share of the call's input tokens read from the provider's prompt cache (0–1). */
export const ATTR_SWITCHYARD_CACHE_HIT_RATE = 'switchyard.cache_hit_rate';
/** The cost the provider / gateway reported for the call (OpenRouter usage.cost, LiteLLM's header), USD. */
export const ATTR_SWITCHYARD_PROVIDER_COST_USD = 'switchyard.provider_cost_usd';
/** A spend cap's outcome on a turn ("stop" or "switch") and the turn's spend when it was checked (USD). */
export const ATTR_SWITCHYARD_SPEND_CAP_DECISION = 'switchyard.spend_cap.decision';
export const ATTR_SWITCHYARD_SPEND_CAP_SPENT_USD = 'switchyard.spend_cap.spent_usd';
/** Whether prompt caching was asked for on the call (setting cost.promptCache). */
export const ATTR_SWITCHYARD_PROMPT_CACHE = 'switchyard.prompt_cache';
/** Number of attempts an operation made (set on operation spans only: the Traces tab keys on it). */
export const ATTR_SWITCHYARD_ATTEMPTS = 'switchyard.attempts';
/** 1-based attempt number on an attempt span. */
export const ATTR_SWITCHYARD_ATTEMPT = 'switchyard.attempt';
/** ErrorClass of a failed attempt (rate_limit, auth, context_window, …). */
export const ATTR_SWITCHYARD_ERROR_CLASS = 'switchyard.error_class';
export const ATTR_SWITCHYARD_HTTP_STATUS = 'switchyard.http_status';
/** Why the router moved to the next candidate. */
export const ATTR_SWITCHYARD_FALLBACK_REASON = 'switchyard.fallback_reason';
export const ATTR_SWITCHYARD_TTFT_MS = 'switchyard.ttft_ms';
export const ATTR_SWITCHYARD_LATENCY_MS = 'switchyard.latency_ms';
export const ATTR_SWITCHYARD_STATUS = 'switchyard.status';
export const ATTR_SWITCHYARD_OUTCOME = 'switchyard.outcome';
export const ATTR_SWITCHYARD_BUDGET_LEVEL = 'switchyard.budget.level';
/** Body: the prompt (messages, or prompt + suffix). */
export const ATTR_SWITCHYARD_PROMPT = 'switchyard.prompt';
/** Body: the answer text. */
export const ATTR_SWITCHYARD_RESPONSE = 'switchyard.response';
/** Body: the tool calls a model answer asked for (names and arguments, JSON). */
export const ATTR_SWITCHYARD_TOOL_CALLS = 'switchyard.tool_calls';

// ---- Switchyard: chat sessions and context ----
export const ATTR_SWITCHYARD_CHAT_HISTORY_MESSAGES = 'switchyard.chat.history_messages';
export const ATTR_SWITCHYARD_CHAT_TRIMMED_MESSAGES = 'switchyard.chat.trimmed_messages';
export const ATTR_SWITCHYARD_CHAT_PROMPT_TOKENS_ESTIMATE = 'switchyard.chat.prompt_tokens_estimate';
export const ATTR_SWITCHYARD_CHAT_PROMPT_BUDGET_TOKENS = 'switchyard.chat.prompt_budget_tokens';
export const ATTR_SWITCHYARD_CHAT_CONTEXT_WINDOW = 'switchyard.chat.context_window';
/** Workspace instruction files sent in the system prompt (paths, not their text). */
export const ATTR_SWITCHYARD_CHAT_INSTRUCTIONS = 'switchyard.chat.instructions';
/** Kind of a context chip (file, selection, workspace, resource, …). */
export const ATTR_SWITCHYARD_CONTEXT_KIND = 'switchyard.context.kind';
export const ATTR_SWITCHYARD_CONTEXT_ITEMS = 'switchyard.context.items';

// ---- Switchyard: the tool loop and tool calls ----
/** 0-based round of the tool loop an operation belongs to. */
export const ATTR_SWITCHYARD_TOOL_ROUND = 'switchyard.tool_round';
export const ATTR_SWITCHYARD_TOOL_LOOP_STOP_REASON = 'switchyard.tool_loop.stop_reason';
export const ATTR_SWITCHYARD_TOOL_OUTCOME = 'switchyard.tool.outcome';
export const ATTR_SWITCHYARD_TOOL_APPROVAL = 'switchyard.tool.approval';
export const ATTR_SWITCHYARD_TOOL_APPROVAL_WAIT_MS = 'switchyard.tool.approval_wait_ms';
export const ATTR_SWITCHYARD_TOOL_DURATION_MS = 'switchyard.tool.duration_ms';
export const ATTR_SWITCHYARD_TOOL_RESULT_BYTES = 'switchyard.tool.result_bytes';
export const ATTR_SWITCHYARD_TOOL_IS_ERROR = 'switchyard.tool.is_error';

// ---- Switchyard: MCP ----
export const ATTR_SWITCHYARD_MCP_SERVER = 'switchyard.mcp.server';
export const ATTR_SWITCHYARD_MCP_TOOL = 'switchyard.mcp.tool';
export const ATTR_SWITCHYARD_MCP_RESOURCE = 'switchyard.mcp.resource';
export const ATTR_SWITCHYARD_MCP_RESOURCE_BYTES = 'switchyard.mcp.resource_bytes';

// ---- Switchyard: inline completion ----
export const ATTR_SWITCHYARD_COMPLETION_ID = 'switchyard.completion.id';
export const ATTR_SWITCHYARD_COMPLETION_TRIGGER = 'switchyard.completion.trigger';
export const ATTR_SWITCHYARD_COMPLETION_LANGUAGE = 'switchyard.completion.language';
export const ATTR_SWITCHYARD_COMPLETION_MULTILINE = 'switchyard.completion.multiline';
export const ATTR_SWITCHYARD_COMPLETION_PREFIX_CHARS = 'switchyard.completion.prefix_chars';
export const ATTR_SWITCHYARD_COMPLETION_SUFFIX_CHARS = 'switchyard.completion.suffix_chars';
/** The context snippets used: "kind:path" list on the root, a count on the router operation. */
export const ATTR_SWITCHYARD_COMPLETION_SNIPPETS = 'switchyard.completion.snippets';
/** Post-processing rules that changed the text. */
export const ATTR_SWITCHYARD_COMPLETION_POSTPROCESS = 'switchyard.completion.postprocess';

// ---- Switchyard: retrieval ----
export const ATTR_SWITCHYARD_RAG_K = 'switchyard.rag.k';
export const ATTR_SWITCHYARD_RAG_RETRIEVERS = 'switchyard.rag.retrievers';
/** "hybrid", "lexical-only", … */
export const ATTR_SWITCHYARD_RAG_MODE = 'switchyard.rag.mode';
export const ATTR_SWITCHYARD_RAG_HIT_COUNT = 'switchyard.rag.hit_count';
/** "path:start-end" of each hit. */
export const ATTR_SWITCHYARD_RAG_HITS = 'switchyard.rag.hits';
export const ATTR_SWITCHYARD_RAG_WARNING = 'switchyard.rag.warning';
/** Why a question was (or was not) rewritten before retrieval. */
export const ATTR_SWITCHYARD_RAG_REWRITE_REASON = 'switchyard.rag.rewrite.reason';
export const ATTR_SWITCHYARD_RAG_REWRITE_CACHED = 'switchyard.rag.rewrite.cached';
export const ATTR_SWITCHYARD_RAG_REWRITE_TIMED_OUT = 'switchyard.rag.rewrite.timed_out';
export const ATTR_SWITCHYARD_RAG_REWRITE_MODEL = 'switchyard.rag.rewrite.model';
/** Body: the search terms the model wrote for the question. */
export const ATTR_SWITCHYARD_RAG_REWRITE_TERMS = 'switchyard.rag.rewrite.terms';

/**
 * Attributes holding bodies (what the user, a model or a tool wrote): redacted structurally, cut
 * at the tracer's body limit, and dropped when `trace.recordBodies` is false.
 */
export const BODY_ATTRIBUTES: ReadonlySet<string> = new Set([
  ATTR_SWITCHYARD_PROMPT,
  ATTR_SWITCHYARD_RESPONSE,
  ATTR_SWITCHYARD_TOOL_CALLS,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_SWITCHYARD_RAG_REWRITE_TERMS,
]);

// ---- Span event attributes (short names the Traces tab reads on events) ----
/** The "chat.history_trimmed" event: messages left out to fit the context window, and kept. */
export const HISTORY_TRIMMED_EVENT = { name: 'chat.history_trimmed', dropped: 'dropped', kept: 'kept' } as const;
/** A "chunk" event: one retrieved chunk offered as context, and whether it fit. */
export const CHUNK_EVENT = { name: 'chunk', path: 'path', startLine: 'startLine', endLine: 'endLine', score: 'score', source: 'source', kept: 'kept' } as const;
