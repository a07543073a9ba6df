/**
 * Span attribute names used across Switchyard: OpenTelemetry GenAI semantic conventions where one
 * exists (https://opentelemetry.io/docs/specs/semconv/gen-ai/), `switchyard.*` otherwise.
 * Constant names follow @opentelemetry/semantic-conventions (ATTR_<NAME>).
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
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
/** string[]: one finish reason per choice. */
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_SERVER_ADDRESS = 'server.address';

/** Values of gen_ai.operation.name. */
export const GEN_AI_OPERATION = {
  chat: 'chat',
  textCompletion: 'text_completion',
  embeddings: 'embeddings',
  executeTool: 'execute_tool',
} as const;

// ---- Switchyard ----
/** The router task: "chat", "completion", "embedding", … */
export const ATTR_SWITCHYARD_TASK = 'switchyard.task';
/** Ledger feature label (e.g. "completion", "chat", "tools"). */
export const ATTR_SWITCHYARD_FEATURE = 'switchyard.feature';
/** The route's ordered candidate model names. */
export const ATTR_SWITCHYARD_ROUTE = 'switchyard.route';
/** The config name of the model (e.g. "sonnet"), beside gen_ai.request.model (the provider id). */
export const ATTR_SWITCHYARD_MODEL = 'switchyard.model';
export const ATTR_SWITCHYARD_PROVIDER = 'switchyard.provider';
export const ATTR_SWITCHYARD_COST_USD = 'switchyard.cost_usd';
export const ATTR_SWITCHYARD_CACHE_SAVINGS_USD = 'switchyard.cache_savings_usd';
/** Share of the call's input tokens read from the provider's prompt cache (0–1). */
export const ATTR_SWITCHYARD_CACHE_HIT_RATE = 'switchyard.cache_hit_rate';
/** The cost the provider / gateway reported for the call (OpenRouter usage.cost, LiteLLM's header), USD. */
export const ATTR_SWITCHYARD_PROVIDER_COST_USD = 'switchyard.provider_cost_usd';
/** Whether prompt caching was asked for on the call (setting cost.promptCache). */
export const ATTR_SWITCHYARD_PROMPT_CACHE = 'switchyard.prompt_cache';
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
export const ATTR_SWITCHYARD_WORKSPACE = 'switchyard.workspace';
export const ATTR_SWITCHYARD_BUDGET_LEVEL = 'switchyard.budget.level';
export const ATTR_SWITCHYARD_RETRIEVAL_QUERY = 'switchyard.retrieval.query';
export const ATTR_SWITCHYARD_RETRIEVAL_RESULTS = 'switchyard.retrieval.results';
/** Prompt body (redacted; dropped when trace.recordBodies is false). */
export const ATTR_SWITCHYARD_PROMPT = 'switchyard.prompt';
/** Response body (redacted; dropped when trace.recordBodies is false). */
export const ATTR_SWITCHYARD_RESPONSE = 'switchyard.response';
/** Tool call arguments / result bodies (redacted; dropped when trace.recordBodies is false). */
export const ATTR_SWITCHYARD_TOOL_ARGUMENTS = 'switchyard.tool.arguments';
export const ATTR_SWITCHYARD_TOOL_RESULT = 'switchyard.tool.result';

/** Attributes holding prompt/response bodies: redacted, and dropped when recordBodies is false. */
export const BODY_ATTRIBUTES: ReadonlySet<string> = new Set([
  ATTR_SWITCHYARD_PROMPT,
  ATTR_SWITCHYARD_RESPONSE,
  ATTR_SWITCHYARD_TOOL_ARGUMENTS,
  ATTR_SWITCHYARD_TOOL_RESULT,
]);
