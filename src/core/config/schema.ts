/**
 * The one schema for Switchyard's configuration. VS Code settings (`switchyard.<key>`) and the
 * CLI's config file are both parsed by `configSchema`; package.json's contributes.configuration
 * must declare exactly these top-level keys (a unit test compares them). Objects are strict: an
 * unknown key (a typo such as `apikeyenv`) is an error that names the closest known key.
 */
import { z } from 'zod';
import { closestKey, objectKeysAt } from './suggest';

/**
 * The longest wait any timeout setting may ask for. Node's timers turn anything above 2^31−1 ms
 * (24.8 days) into 1 ms — every call would fail at once — and no call should wait an hour.
 */
export const MAX_TIMEOUT_MS = 3_600_000;
const durationMs = (min: 0 | 1) => z.number().int().min(min).max(MAX_TIMEOUT_MS, `at most ${MAX_TIMEOUT_MS} ms (one hour)`);

const name = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'use letters, digits, ".", "_", ":" or "-" (at most 64)');

const providerSchema = z.strictObject({
  kind: z.enum(['openai', 'anthropic', 'openai-compatible']),
  /** OpenAI-compatible base URLs end in /v1; Anthropic's is the host root. */
  baseUrl: z.string().url().optional(),
  /** CLI: environment variable holding the key. The extension keeps keys in SecretStorage. */
  apiKeyEnv: z.string().optional(),
  /** Extra HTTP headers (no secrets: those go to SecretStorage / env). */
  headers: z.record(z.string(), z.string()).optional(),
  /** Runs on this machine (free): costs $0 unless priced, budgets never block it. Implied by a loopback baseUrl. */
  local: z.boolean().optional(),
  /** An OpenAI-compatible gateway that forwards Anthropic `cache_control` markers (OpenRouter, LiteLLM). */
  cacheControl: z.boolean().optional(),
});
export type ProviderConfig = z.infer<typeof providerSchema>;

export const priceSchema = z.strictObject({
  inputPerMTok: z.number().nonnegative(),
  outputPerMTok: z.number().nonnegative(),
  cacheReadPerMTok: z.number().nonnegative().optional(),
  cacheWritePerMTok: z.number().nonnegative().optional(),
});
export type Price = z.infer<typeof priceSchema>;

const modelSchema = z.strictObject({
  provider: name,
  id: z.string().min(1),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  /** 'native': /completions with `suffix`; 'template': FIM tokens in the prompt; 'chat': hole-filler chat prompt. */
  fim: z.enum(['native', 'template', 'chat']).optional(),
  /** Force a FIM template family (qwen, deepseek, starcoder, codellama, codestral, codegemma). */
  fimTemplate: z.string().optional(),
  /** Overrides the catalog price for this model. */
  price: priceSchema.optional(),
  /** Whether the model can call tools; default: yes on OpenAI and Anthropic, no on OpenAI-compatible servers (many local models cannot). */
  tools: z.boolean().optional(),
});
export type ModelConfig = z.infer<typeof modelSchema>;

const budgetSchema = z.strictObject({
  dailyUsd: z.number().positive().optional(),
  monthlyUsd: z.number().positive().optional(),
  onExceed: z.enum(['warn', 'block', 'cheapest']).default('warn'),
});
export type BudgetConfig = z.infer<typeof budgetSchema>;

/** Cost guardrails: prompt caching asked for by default, and spend caps that pause a chat turn. */
const costSettingsSchema = z.strictObject({
  /** Ask providers to cache the stable prompt prefix (Anthropic cache_control, OpenAI prompt_cache_key). */
  promptCache: z.boolean().default(true),
  /** Pause a chat turn (tool loops included) once it has cost this much, and ask. */
  maxTurnUsd: z.number().positive().optional(),
  /** Pause a conversation once it has cost this much in total, and ask. */
  maxConversationUsd: z.number().positive().optional(),
  /** A price file (LiteLLM's model-prices JSON, or {"model-id": price}) applied over the built-in catalog. */
  pricesFile: z.string().min(1).optional(),
});

export const routerSettingsSchema = z.strictObject({
  /** Retries of the same model for retryable errors (429 with short Retry-After, 5xx, network). */
  maxRetries: z.number().int().min(0).max(10).default(2),
  backoffBaseMs: durationMs(0).default(250),
  backoffMaxMs: durationMs(0).default(4000),
  /** A 429 whose Retry-After is longer than this moves to the next candidate instead of waiting. */
  retryAfterCapMs: durationMs(0).default(5000),
  requestTimeoutMs: durationMs(1).default(120_000),
  /** Time-to-first-token timeout per task; `default` applies to tasks not listed. */
  ttftTimeoutMs: z.record(z.string(), durationMs(1)).default({ default: 30_000, completion: 4_000 }),
  breakerFailureThreshold: z.number().int().positive().default(3),
  breakerCooldownMs: durationMs(1).default(30_000),
});
export type RouterSettings = z.infer<typeof routerSettingsSchema>;

const traceSettingsSchema = z.strictObject({
  /** Keep prompt and response bodies in traces (always redacted). */
  recordBodies: z.boolean().default(true),
  maxTraces: z.number().int().positive().default(500),
  maxBytes: z.number().int().positive().default(20_000_000),
  otlpEndpoint: z.string().url().optional(),
  otlpHeaders: z.record(z.string(), z.string()).optional(),
});

const completionSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Per-language switch, e.g. {"markdown": false}. */
  languages: z.record(z.string(), z.boolean()).default({}),
  debounceMs: z.number().int().min(0).max(2000).default(120),
  maxLines: z.number().int().min(1).max(200).default(16),
  /** Token budget of the prompt context (prefix-heavy). */
  contextTokens: z.number().int().positive().default(2048),
  /** Follow the typing rhythm: the debounce outlasts the gaps between keystrokes (around debounceMs). */
  adaptiveDebounce: z.boolean().default(true),
  /** How long "Switchyard: Snooze Completions" turns completions off. */
  snoozeMinutes: z.number().int().min(1).max(1440).default(15),
});

const ragSettingsSchema = z.strictObject({
  /** Empty: the extension runs a local Chroma server. A URL: use that server. */
  chromaUrl: z.string().url().optional(),
  /** Larger files are not indexed. Bounded (8 MiB) so one file cannot exhaust memory while it is chunked. */
  maxFileBytes: z.number().int().positive().max(8 * 1024 * 1024, 'rag.maxFileBytes is at most 8388608 (8 MiB): larger files are generated or data, not code to search').default(512 * 1024),
  exclude: z.array(z.string()).default([]),
  /** How a remote server's token (SecretStorage "switchyard.rag.chromaToken" / env `chromaTokenEnv`) is sent. */
  chromaAuthHeader: z.enum(['Authorization', 'X-Chroma-Token']).default('Authorization'),
  /** CLI: environment variable holding the remote Chroma token. */
  chromaTokenEnv: z.string().default('SWITCHYARD_CHROMA_TOKEN'),
  /** Re-index changed files as they are saved, created, renamed or deleted. */
  watch: z.boolean().default(true),
  /** @workspace chat questions rewritten into the code's vocabulary by the chat model before retrieval: auto = only for models served on this machine. */
  queryRewrite: z.enum(['auto', 'on', 'off']).default('auto'),
  /** The rewrite's time box; past it the question is searched as asked. */
  queryRewriteTimeoutMs: z.number().int().min(100).max(60_000).default(4000),
  /** Shared index name on a remote server (teammates use the same); default: one per workspace folder. */
  collection: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'use 1-40 letters, digits, ".", "_" or "-"').optional(),
});

export const mcpSettingsSchema = z.strictObject({
  callTimeoutMs: durationMs(1).default(60_000),
  maxToolRounds: z.number().int().min(1).max(50).default(8),
  /** Tools allowed without asking, as "server/tool". */
  alwaysAllow: z.array(z.string()).default([]),
});

export const configSchema = z.strictObject({
  providers: z.record(name, providerSchema).default({}),
  models: z.record(name, modelSchema).default({}),
  /** Task → ordered candidate model names. */
  routes: z.record(name, z.array(name).min(1)).default({}),
  /** Task → pinned model name (Switch Model); overrides the route's head. */
  pinned: z.record(name, name).default({}),
  budget: budgetSchema.default({ onExceed: 'warn' }),
  router: routerSettingsSchema.default(routerSettingsSchema.parse({})),
  /** Price overrides by provider model id (over the catalog and cost.pricesFile). */
  prices: z.record(z.string(), priceSchema).default({}),
  trace: traceSettingsSchema.default(traceSettingsSchema.parse({})),
  completion: completionSettingsSchema.default(completionSettingsSchema.parse({})),
  rag: ragSettingsSchema.default(ragSettingsSchema.parse({})),
  /**
   * MCP servers. Each entry is validated by the MCP hub's tolerant reader (src/core/mcp), so one
   * bad entry is reported and skipped instead of invalidating every other setting.
   */
  mcpServers: z.record(z.string(), z.unknown()).default({}),
  mcp: mcpSettingsSchema.default(mcpSettingsSchema.parse({})),
  cost: costSettingsSchema.default(costSettingsSchema.parse({})),
}).superRefine((cfg, ctx) => {
  for (const [modelName, m] of Object.entries(cfg.models)) {
    if (!cfg.providers[m.provider]) {
      ctx.addIssue({ code: 'custom', path: ['models', modelName, 'provider'], message: `unknown provider "${m.provider}" (defined: ${Object.keys(cfg.providers).join(', ') || 'none'})` });
    }
  }
  const check = (path: (string | number)[], modelName: string) => {
    if (!cfg.models[modelName]) {
      ctx.addIssue({ code: 'custom', path, message: `unknown model "${modelName}" (defined: ${Object.keys(cfg.models).join(', ') || 'none'})` });
    }
  };
  for (const [task, list] of Object.entries(cfg.routes)) list.forEach((m, i) => check(['routes', task, i], m));
  for (const [task, m] of Object.entries(cfg.pinned)) check(['pinned', task], m);
});

export type SwitchyardConfig = z.infer<typeof configSchema>;

/** Whether a configured model is offered tools (its `tools` setting, else by provider kind). */
export function canCallTools(config: SwitchyardConfig, modelName: string): boolean {
  const model = config.models[modelName];
  if (!model) return false;
  return model.tools ?? config.providers[model.provider]?.kind !== 'openai-compatible';
}
export type ConfigInput = z.input<typeof configSchema>;

/**
 * Formats zod issues as "routes.chat[1]: unknown model "x" (…)" lines. With the schema that
 * produced them, an unknown key says which known key it is probably a typo of.
 */
export function formatConfigIssues(error: z.ZodError, schema?: z.ZodType): string {
  const pathText = (path: readonly PropertyKey[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  return error.issues
    .flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const known = schema ? objectKeysAt(schema, issue.path) : undefined;
        return issue.keys.map((key) => {
          const guess = known && closestKey(key, known);
          const hint = guess ? ` — did you mean "${guess}"?` : known ? ` (known keys: ${known.join(', ')})` : '';
          return `${pathText([...issue.path, key])}: unknown key "${key}"${hint}`;
        });
      }
      return [`${pathText(issue.path) || '(root)'}: ${issue.message}`];
    })
    .join('\n');
}

export class ConfigError extends Error {
  constructor(message: string, readonly issues: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses config; throws ConfigError whose message names every bad field. */
export function parseConfig(input: unknown, source = 'configuration'): SwitchyardConfig {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) {
    const issues = formatConfigIssues(result.error, configSchema);
    throw new ConfigError(`Invalid Switchyard ${source}:\n${issues}`, issues);
  }
  return result.data;
}
