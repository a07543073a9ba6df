/**
 * Imports a Continue configuration (`~/.continue/config.yaml`, or the older `config.json`) as a
 * SetupPlan: models by role (chat/edit → chat, autocomplete → completion, embed → embedding),
 * Continue providers as Switchyard providers, `${{ secrets.X }}` keys as the key variable X (never
 * a key value), and `mcpServers` as Switchyard MCP servers.
 */
import { load as loadYaml } from 'js-yaml';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { ModelConfig, ProviderConfig } from '../config/schema';
import { isLoopbackUrl } from '../cost/local';
import { defaultKeyEnv } from '../models/apiKeys';
import { normalizeServerUrl } from './discover';
import { configName } from './plan';
import { fimSettingFor } from './roles';
import { emptyPlan, type Role, type SetupPlan } from './types';

/** Where Continue keeps its config, newest format first. */
export function continueConfigPaths(home = homedir()): string[] {
  return [join(home, '.continue', 'config.yaml'), join(home, '.continue', 'config.json')];
}

const SECRET = /^\s*\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\s*$/;
const SECRET_ANYWHERE = /\$\{\{\s*(?:secrets|inputs)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Continue provider → where its OpenAI-compatible (or native) API lives when no apiBase is given. */
const PROVIDERS: Record<string, { kind: ProviderConfig['kind']; base?: string; local?: boolean; keyEnv?: string }> = {
  openai: { kind: 'openai', keyEnv: defaultKeyEnv('openai') },
  anthropic: { kind: 'anthropic', keyEnv: defaultKeyEnv('anthropic') },
  ollama: { kind: 'openai-compatible', base: 'http://localhost:11434', local: true },
  lmstudio: { kind: 'openai-compatible', base: 'http://localhost:1234/v1', local: true },
  'llama.cpp': { kind: 'openai-compatible', base: 'http://localhost:8080', local: true },
  llamacpp: { kind: 'openai-compatible', base: 'http://localhost:8080', local: true },
  vllm: { kind: 'openai-compatible', local: true },
  llamafile: { kind: 'openai-compatible', base: 'http://localhost:8080', local: true },
  deepseek: { kind: 'openai-compatible', base: 'https://api.deepseek.com', keyEnv: 'DEEPSEEK_API_KEY' },
  mistral: { kind: 'openai-compatible', base: 'https://api.mistral.ai/v1', keyEnv: 'MISTRAL_API_KEY' },
  openrouter: { kind: 'openai-compatible', base: 'https://openrouter.ai/api/v1', keyEnv: 'OPENROUTER_API_KEY' },
  groq: { kind: 'openai-compatible', base: 'https://api.groq.com/openai/v1', keyEnv: 'GROQ_API_KEY' },
  together: { kind: 'openai-compatible', base: 'https://api.together.xyz/v1', keyEnv: 'TOGETHER_API_KEY' },
  gemini: { kind: 'openai-compatible', base: 'https://generativelanguage.googleapis.com/v1beta/openai', keyEnv: 'GEMINI_API_KEY' },
};

const yamlModelSchema = z.object({
  name: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  apiBase: z.string().optional(),
  apiKey: z.string().optional(),
  roles: z.array(z.string()).optional(),
  uses: z.string().optional(),
  defaultCompletionOptions: z.object({ contextLength: z.number().int().positive().optional(), maxTokens: z.number().int().positive().optional() }).passthrough().optional(),
}).passthrough();

const yamlMcpSchema = z.object({
  name: z.string().optional(),
  command: z.string().optional(),
  args: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  cwd: z.string().optional(),
  type: z.string().optional(),
  url: z.string().optional(),
  requestOptions: z.object({ headers: z.record(z.string(), z.string()).optional() }).passthrough().optional(),
  uses: z.string().optional(),
}).passthrough();

const yamlSchema = z.object({
  models: z.array(z.unknown()).optional(),
  mcpServers: z.array(z.unknown()).optional(),
}).passthrough();

const jsonModelSchema = z.object({
  title: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  apiBase: z.string().optional(),
  apiKey: z.string().optional(),
  contextLength: z.number().int().positive().optional(),
  completionOptions: z.object({ maxTokens: z.number().int().positive().optional() }).passthrough().optional(),
}).passthrough();

const jsonSchema = z.object({
  models: z.array(z.unknown()).optional(),
  tabAutocompleteModel: z.union([z.unknown().array(), z.unknown()]).optional(),
  embeddingsProvider: z.unknown().optional(),
  experimental: z.object({ modelContextProtocolServers: z.array(z.unknown()).optional() }).passthrough().optional(),
}).passthrough();

interface ContinueModel {
  label: string;
  provider?: string;
  model?: string;
  apiBase?: string;
  apiKey?: string;
  roles: Role[];
  contextLength?: number;
  maxTokens?: number;
}

const ROLE_MAP: Record<string, Role> = { chat: 'chat', edit: 'chat', autocomplete: 'completion', embed: 'embedding' };
/** Continue's default roles when a model lists none. */
const DEFAULT_ROLES = ['chat', 'edit', 'apply', 'summarize'];

export class ContinueImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContinueImportError';
  }
}

/** Parses the text of a Continue config (YAML or JSON by file name, else by content) into a plan. */
export function importContinueConfig(text: string, fileName: string): SetupPlan {
  const isJson = /\.json$/i.test(fileName) || (!/\.ya?ml$/i.test(fileName) && text.trimStart().startsWith('{'));
  let doc: unknown;
  if (isJson) {
    const errors: ParseError[] = [];
    doc = parseJsonc(text, errors, { allowTrailingComma: true });
    if (errors.length) throw new ContinueImportError(`${fileName} is not valid JSON (at offset ${errors[0]!.offset}).`);
  } else {
    try {
      doc = loadYaml(text);
    } catch (err) {
      throw new ContinueImportError(`${fileName} is not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ContinueImportError(`${fileName} does not hold a Continue configuration (expected a mapping with "models").`);
  const plan = emptyPlan();
  const models: ContinueModel[] = [];
  const mcp: Array<{ name: string; server: Record<string, unknown> }> = [];

  if (isJson) {
    const cfg = jsonSchema.parse(doc);
    const fromJson = (raw: unknown, roles: Role[], what: string) => {
      const m = jsonModelSchema.safeParse(raw);
      if (!m.success) return plan.warnings.push(`${what}: skipped (not a model entry).`);
      models.push({ label: m.data.title ?? m.data.model ?? what, provider: m.data.provider, model: m.data.model, apiBase: m.data.apiBase, apiKey: m.data.apiKey, roles, contextLength: m.data.contextLength, maxTokens: m.data.completionOptions?.maxTokens });
    };
    (cfg.models ?? []).forEach((m, i) => fromJson(m, ['chat'], `models[${i}]`));
    const tab = cfg.tabAutocompleteModel;
    (Array.isArray(tab) ? tab : tab ? [tab] : []).forEach((m, i) => fromJson(m, ['completion'], `tabAutocompleteModel[${i}]`));
    if (cfg.embeddingsProvider) fromJson(cfg.embeddingsProvider, ['embedding'], 'embeddingsProvider');
    (cfg.experimental?.modelContextProtocolServers ?? []).forEach((raw, i) => {
      const t = (raw as { transport?: unknown })?.transport;
      const s = yamlMcpSchema.safeParse(t);
      if (!s.success) return plan.warnings.push(`experimental.modelContextProtocolServers[${i}]: skipped (no transport).`);
      mcp.push({ name: `continue-mcp-${i + 1}`, server: mcpServerFrom(s.data, plan.warnings, `MCP server ${i + 1}`) });
    });
  } else {
    const cfg = yamlSchema.parse(doc);
    (cfg.models ?? []).forEach((raw, i) => {
      const m = yamlModelSchema.safeParse(raw);
      if (!m.success) return plan.warnings.push(`models[${i}]: skipped (not a model entry).`);
      if (m.data.uses) return plan.warnings.push(`models[${i}] (uses: ${m.data.uses}): a Continue Hub block, not imported; add that model with Switchyard: Add Model.`);
      const roles = [...new Set((m.data.roles ?? DEFAULT_ROLES).map((r) => ROLE_MAP[r]).filter((r): r is Role => r !== undefined))];
      if (roles.length === 0) return plan.warnings.push(`models[${i}] (${m.data.name ?? m.data.model}): roles ${(m.data.roles ?? []).join(', ')} have no Switchyard equivalent; skipped.`);
      models.push({ label: m.data.name ?? m.data.model ?? `model ${i + 1}`, provider: m.data.provider, model: m.data.model, apiBase: m.data.apiBase, apiKey: m.data.apiKey, roles, contextLength: m.data.defaultCompletionOptions?.contextLength, maxTokens: m.data.defaultCompletionOptions?.maxTokens });
    });
    (cfg.mcpServers ?? []).forEach((raw, i) => {
      const s = yamlMcpSchema.safeParse(raw);
      if (!s.success || s.data.uses) return plan.warnings.push(`mcpServers[${i}]: skipped (${s.success ? `Continue Hub block ${s.data.uses}` : 'not a server entry'}).`);
      mcp.push({ name: configName(s.data.name ?? `continue-mcp-${i + 1}`, `continue-mcp-${i + 1}`), server: mcpServerFrom(s.data, plan.warnings, s.data.name ?? `MCP server ${i + 1}`) });
    });
  }

  for (const m of models) addModel(plan, m);
  for (const { name, server } of mcp) {
    plan.mcpServers[name] = server;
    plan.reasons.push(`MCP server ${name}: imported from Continue's mcpServers`);
  }
  return plan;
}

function addModel(plan: SetupPlan, m: ContinueModel): void {
  const provider = (m.provider ?? '').toLowerCase();
  const known = PROVIDERS[provider];
  if (!m.model) return void plan.warnings.push(`${m.label}: no "model" id; skipped.`);
  if (!known && !m.apiBase) return void plan.warnings.push(`${m.label}: Continue provider "${m.provider}" has no OpenAI-compatible endpoint Switchyard knows and no apiBase; skipped.`);
  const kind: ProviderConfig['kind'] = m.apiBase && known?.kind === 'openai' && !/api\.openai\.com/.test(m.apiBase) ? 'openai-compatible' : (known?.kind ?? 'openai-compatible');
  let baseUrl = m.apiBase ?? known?.base;
  if (baseUrl && kind === 'openai-compatible') {
    try {
      // Ollama's apiBase is the server root; its OpenAI-compatible API is under /v1.
      const rootOnly = provider === 'ollama' || (known?.local === true && !/\/v\d/.test(new URL(baseUrl).pathname));
      baseUrl = rootOnly ? normalizeServerUrl(baseUrl).base : baseUrl.replace(/\/+$/, '');
    } catch {
      return void plan.warnings.push(`${m.label}: apiBase "${baseUrl}" is not a URL; skipped.`);
    }
  }
  if (kind === 'openai-compatible' && !baseUrl) return void plan.warnings.push(`${m.label}: provider "${m.provider}" needs apiBase; skipped.`);

  // Keys: a secret reference names the variable; a literal key is never copied.
  const secret = m.apiKey ? SECRET.exec(m.apiKey)?.[1] : undefined;
  let apiKeyEnv: string | undefined = secret;
  let needsKey: { envVar?: string; reason: string } | undefined;
  if (secret) needsKey = { envVar: secret, reason: `Continue reads it from secrets.${secret}` };
  else if (m.apiKey) {
    apiKeyEnv = known?.keyEnv ?? `${configName(provider || 'PROVIDER').toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
    needsKey = { envVar: apiKeyEnv, reason: 'the key written in the Continue config was not copied (keys live in SecretStorage / the environment)' };
    plan.warnings.push(`${m.label}: its API key was written in the Continue file and was NOT copied; set ${apiKeyEnv} (CLI) or run Switchyard: Set API Key.`);
  } else if (kind !== 'openai-compatible') {
    apiKeyEnv = undefined;
    needsKey = { envVar: known?.keyEnv, reason: `${kind} needs an API key` };
  }

  // A local server on another machine of the LAN is still free.
  const providerConfig: ProviderConfig = { kind, ...(baseUrl ? { baseUrl } : {}), ...(known?.local && !isLoopbackUrl(baseUrl) ? { local: true } : {}), ...(apiKeyEnv && apiKeyEnv !== known?.keyEnv ? { apiKeyEnv } : {}) };
  const sameProvider = plan.providers.find((p) => JSON.stringify(p.config) === JSON.stringify(providerConfig));
  const providerName = sameProvider?.name ?? uniqueIn(configName(provider || 'continue', 'continue'), plan.providers.map((p) => p.name));
  if (!sameProvider) plan.providers.push({ name: providerName, config: providerConfig, ...(needsKey ? { needsKey } : {}) });

  const sameModel = plan.models.find((x) => x.config.provider === providerName && x.config.id === m.model);
  const modelName = sameModel?.name ?? uniqueIn(configName(m.label), plan.models.map((x) => x.name));
  const config: ModelConfig = sameModel?.config ?? { provider: providerName, id: m.model, ...(m.contextLength ? { contextWindow: m.contextLength } : {}), ...(m.maxTokens ? { maxOutputTokens: m.maxTokens } : {}) };
  if (m.roles.includes('completion')) Object.assign(config, fimSettingFor({ id: m.model }, { ollama: false, kind }).setting);
  if (!sameModel) plan.models.push({ name: modelName, config });
  for (const role of m.roles) {
    const list = (plan.routes[role] ??= []);
    if (!list.includes(modelName)) list.push(modelName);
  }
  plan.reasons.push(`${m.roles.join(' + ')}: ${modelName} (${m.provider ?? 'openai-compatible'} ${m.model}) — role${m.roles.length > 1 ? 's' : ''} in the Continue config`);
}

function uniqueIn(base: string, taken: string[]): string {
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base}-${i}`)) return `${base}-${i}`;
}

/** Continue's `${{ secrets.X }}` inside MCP env / headers becomes `${env:X}` (resolved at launch). */
function secretsToEnv(value: string, warnings: string[], where: string): string {
  return value.replace(SECRET_ANYWHERE, (_m, name: string) => {
    warnings.push(`${where}: uses the secret ${name}; Switchyard reads it from the environment variable ${name}.`);
    return `\${env:${name}}`;
  });
}

function mcpServerFrom(s: z.infer<typeof yamlMcpSchema>, warnings: string[], where: string): Record<string, unknown> {
  const type = s.type?.toLowerCase();
  if (s.url || (type && type !== 'stdio')) {
    const headers = Object.fromEntries(Object.entries(s.requestOptions?.headers ?? {}).map(([k, v]) => [k, secretsToEnv(v, warnings, where)]));
    return { type: type === 'sse' ? 'sse' : 'http', url: s.url ?? '', ...(Object.keys(headers).length ? { headers } : {}) };
  }
  const env = Object.fromEntries(Object.entries(s.env ?? {}).map(([k, v]) => [k, secretsToEnv(v, warnings, where)]));
  return { type: 'stdio', command: s.command ?? '', args: s.args ?? [], ...(Object.keys(env).length ? { env } : {}), ...(s.cwd ? { cwd: s.cwd } : {}) };
}
