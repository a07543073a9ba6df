/**
 * Turns role choices into a SetupPlan (provider and model names, routes, reasons) and merges a plan
 * into an existing configuration: a provider with the same kind and base URL, or a model with the
 * same provider and id, is reused and edited, never added twice.
 */
import type { ModelConfig, ProviderConfig } from '../config/schema';
import { isLoopbackUrl } from '../cost/local';
import { normalizeServerUrl } from './discover';
import type { RoleChoice } from './roles';
import { emptyPlan, ROLES, type DiscoveredSource, type Role, type SetupPlan } from './types';

const NAME_OK = /^[A-Za-z0-9._:-]{1,64}$/;

/** A config name from free text: invalid characters become "-", at most 64 characters. */
export function configName(text: string, fallback = 'model'): string {
  const cleaned = text.trim().replace(/[^A-Za-z0-9._:-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return cleaned && NAME_OK.test(cleaned) ? cleaned : fallback;
}

const PROVIDER_NAMES: Record<string, string> = { Ollama: 'ollama', 'LM Studio': 'lmstudio', 'llama.cpp server': 'llamacpp', vLLM: 'vllm', OpenAI: 'openai', Anthropic: 'anthropic' };

function providerNameFor(source: Pick<DiscoveredSource, 'label' | 'baseUrl' | 'kind'>): string {
  const known = PROVIDER_NAMES[source.label];
  if (known) return known;
  try {
    const u = new URL(source.baseUrl);
    return configName(isLoopbackUrl(source.baseUrl) ? `local-${u.port || '80'}` : u.hostname, 'server');
  } catch {
    return 'server';
  }
}

function uniqueName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = configName(`${base.slice(0, 60)}-${i}`);
    if (!taken(candidate)) return candidate;
  }
}

/** The plan for the chosen roles: one provider per source, one model per distinct model. */
export function planFromChoices(choices: RoleChoice[], missing: string[] = []): SetupPlan {
  const plan = emptyPlan();
  const providerBySource = new Map<DiscoveredSource, string>();
  const modelByKey = new Map<string, string>();
  for (const choice of choices) {
    let providerName = providerBySource.get(choice.source);
    if (!providerName) {
      providerName = uniqueName(providerNameFor(choice.source), (n) => plan.providers.some((p) => p.name === n));
      providerBySource.set(choice.source, providerName);
      const config: ProviderConfig = { kind: choice.source.kind, ...(choice.source.kind === 'openai-compatible' || !isDefaultBase(choice.source) ? { baseUrl: choice.source.baseUrl } : {}), ...(choice.source.apiKeyEnv ? { apiKeyEnv: choice.source.apiKeyEnv } : {}) };
      plan.providers.push({ name: providerName, config });
    }
    const key = `${providerName}\u0000${choice.model.id}`;
    let modelName = modelByKey.get(key);
    const planned = plan.models.find((m) => m.name === modelName);
    if (!modelName) {
      modelName = uniqueName(configName(choice.model.id.replace(/:latest$/, '')), (n) => plan.models.some((m) => m.name === n));
      modelByKey.set(key, modelName);
      plan.models.push({ name: modelName, config: { provider: providerName, id: choice.model.id, ...choice.config } });
    } else if (planned && choice.role === 'completion') {
      Object.assign(planned.config, choice.config); // the completion setting joins the chat model's config
    }
    plan.routes[choice.role] = [modelName];
    plan.reasons.push(`${choice.role}: ${modelName} (${choice.source.label}) — ${choice.why}`);
  }
  plan.warnings.push(...missing);
  return plan;
}

function isDefaultBase(source: Pick<DiscoveredSource, 'kind' | 'baseUrl'>): boolean {
  const defaults: Record<string, string> = { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com' };
  return defaults[source.kind] === source.baseUrl.replace(/\/+$/, '');
}

/** The part of the configuration setup writes: plain JSON, as found in a file or a settings scope. */
export interface SetupTarget {
  providers?: Record<string, ProviderConfig & Record<string, unknown>>;
  models?: Record<string, ModelConfig & Record<string, unknown>>;
  routes?: Record<string, string[]>;
  mcpServers?: Record<string, unknown>;
  [key: string]: unknown;
}

function sameEndpoint(a: Pick<ProviderConfig, 'kind' | 'baseUrl'>, b: Pick<ProviderConfig, 'kind' | 'baseUrl'>): boolean {
  if (a.kind !== b.kind) return false;
  const norm = (u?: string) => {
    if (!u) return '';
    try {
      return a.kind === 'openai-compatible' ? normalizeServerUrl(u).base.replace('//localhost', '//127.0.0.1') : u.replace(/\/+$/, '');
    } catch {
      return u;
    }
  };
  return norm(a.baseUrl) === norm(b.baseUrl);
}

export interface ApplyResult {
  config: SetupTarget;
  /** What changed, per line: "added provider ollama", "reused model llama3 (same id)", … */
  changes: string[];
  /** Plan name → name in the config (differs when an existing entry was reused). */
  renamed: Record<string, string>;
}

/** Merges a plan into a configuration object (not mutated). Re-applying the same plan changes nothing. */
export function applyPlan(existing: SetupTarget, plan: SetupPlan): ApplyResult {
  const providers = { ...(existing.providers ?? {}) };
  const models = { ...(existing.models ?? {}) };
  const routes = { ...(existing.routes ?? {}) };
  const mcpServers = { ...(existing.mcpServers ?? {}) };
  const changes: string[] = [];
  const providerNames = new Map<string, string>();
  const modelNames = new Map<string, string>();

  for (const p of plan.providers) {
    // The same endpoint is the same provider, unless the plan names another key variable for it.
    const reuse = Object.entries(providers).find(([, cfg]) => sameEndpoint(cfg, p.config) && (p.config.apiKeyEnv === undefined || p.config.apiKeyEnv === cfg.apiKeyEnv))?.[0];
    const name = reuse ?? uniqueName(p.name, (n) => n in providers);
    providerNames.set(p.name, name);
    const before = JSON.stringify(providers[name] ?? null);
    providers[name] = { ...(providers[name] ?? {}), ...p.config };
    if (!reuse) changes.push(`added provider ${name} (${p.config.kind}${p.config.baseUrl ? ` at ${p.config.baseUrl}` : ''})`);
    else if (before !== JSON.stringify(providers[name])) changes.push(`updated provider ${name}`);
  }
  for (const m of plan.models) {
    const provider = providerNames.get(m.config.provider) ?? m.config.provider;
    const reuse = Object.entries(models).find(([, cfg]) => cfg.provider === provider && cfg.id === m.config.id)?.[0];
    const name = reuse ?? uniqueName(m.name, (n) => n in models);
    modelNames.set(m.name, name);
    const before = JSON.stringify(models[name] ?? null);
    models[name] = { ...(models[name] ?? {}), ...m.config, provider };
    if (!reuse) changes.push(`added model ${name} (${m.config.id})`);
    else if (before !== JSON.stringify(models[name])) changes.push(`updated model ${name}`);
  }
  for (const role of ROLES as Role[]) {
    const wanted = (plan.routes[role] ?? []).map((n) => modelNames.get(n) ?? n);
    if (wanted.length === 0) continue;
    const current = routes[role] ?? [];
    const next = [...wanted, ...current.filter((n) => !wanted.includes(n))];
    if (JSON.stringify(next) !== JSON.stringify(current)) changes.push(`routes.${role}: ${next.join(', ')}`);
    routes[role] = next;
  }
  for (const [name, server] of Object.entries(plan.mcpServers)) {
    if (JSON.stringify(mcpServers[name]) !== JSON.stringify(server)) changes.push(`${name in mcpServers ? 'updated' : 'added'} MCP server ${name}`);
    mcpServers[name] = server;
  }
  const config: SetupTarget = { ...existing, providers, models, routes };
  if (Object.keys(mcpServers).length) config.mcpServers = mcpServers;
  const renamed: Record<string, string> = {};
  for (const [a, b] of [...providerNames, ...modelNames]) if (a !== b) renamed[a] = b;
  return { config, changes, renamed };
}
