/**
 * Base URL checks per provider kind: catches the common mistakes (a missing /v1 on an
 * OpenAI-compatible server, a trailing /v1 on Anthropic's) before a request fails obscurely.
 */
import type { ProviderConfig } from '../config/schema';
import { ModelError } from './errors';
import type { ProviderKind } from './types';

export const DEFAULT_BASE_URLS: Readonly<Record<'openai' | 'anthropic', string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
};

/** Origins already worked out: the router asks once per attempt, and parsing a URL costs microseconds. */
const origins = new Map<string, string>();

/** scheme://host:port of a base URL (the unit a dead server takes down), or the URL itself when unparsable. */
export function originOf(baseUrl: string): string {
  let origin = origins.get(baseUrl);
  if (origin !== undefined) return origin;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    origin = baseUrl;
  }
  if (origins.size >= 64) origins.clear(); // a handful of providers; the bound only guards odd callers
  origins.set(baseUrl, origin);
  return origin;
}

export interface BaseUrlCheck {
  /** The URL to hand the SDK (trailing slashes removed). */
  baseUrl: string;
  /** Something that may be wrong but can also be right (log it, do not fail). */
  warning?: string;
}

// Well-known local servers by default port: named in messages so the fix is concrete.
const LOCAL_SERVERS: Record<string, string> = {
  '11434': 'Ollama',
  '1234': 'LM Studio',
  '8000': 'vLLM',
  '8080': 'llama.cpp server',
  '5000': 'text-generation-webui',
};

// OpenAI-compatible services whose documented base URL does not end in /v1.
const ROOT_OK_HOSTS = new Set(['api.deepseek.com', 'api.perplexity.ai']);

function configError(providerName: string, message: string, fix: string): ModelError {
  return new ModelError({ kind: 'config', provider: providerName, message, fix });
}

/**
 * The base URL a provider's client should use: the configured one after checks, or the kind's
 * default. Throws ModelError kind 'config' (with a fix) when the URL is certainly wrong.
 */
export function checkBaseUrl(providerName: string, config: Pick<ProviderConfig, 'kind' | 'baseUrl'>): BaseUrlCheck {
  const kind: ProviderKind = config.kind;
  const raw = config.baseUrl?.trim();
  if (!raw) {
    if (kind === 'openai-compatible') {
      throw configError(providerName, `Provider "${providerName}" (openai-compatible) has no baseUrl.`,
        `Set providers.${providerName}.baseUrl to the server's OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama.`);
    }
    return { baseUrl: DEFAULT_BASE_URLS[kind] };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError(providerName, `Provider "${providerName}" has an invalid baseUrl "${raw}".`, `Use a full URL such as ${kind === 'anthropic' ? DEFAULT_BASE_URLS.anthropic : 'http://127.0.0.1:11434/v1'}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(providerName, `Provider "${providerName}" baseUrl "${raw}" must start with http:// or https://.`, `Use e.g. ${kind === 'anthropic' ? DEFAULT_BASE_URLS.anthropic : 'http://127.0.0.1:11434/v1'}.`);
  }
  if (url.username || url.password) {
    // fetch refuses URLs with credentials, and a secret does not belong in settings.
    throw configError(providerName, `Provider "${providerName}" baseUrl contains a user name or password.`,
      `Remove them from the URL; keep the key in Switchyard: Set API Key (CLI: providers.${providerName}.apiKeyEnv).`);
  }
  if (url.search || url.hash) {
    throw configError(providerName, `Provider "${providerName}" baseUrl "${url.protocol}//${url.host}${url.pathname}" must not carry a query string or fragment (it may hold a secret; it is not shown).`, 'Remove everything after "?" or "#"; put extra headers under providers.<name>.headers.');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const root = `${url.protocol}//${url.host}`;
  const baseUrl = `${root}${path}`;

  if (kind === 'anthropic') {
    if (/\/v1(\/messages)?$/.test(path)) {
      const fixed = `${root}${path.replace(/\/v1(\/messages)?$/, '')}`;
      throw configError(providerName,
        `Provider "${providerName}" (anthropic) baseUrl "${raw}" ends in ${path.endsWith('/messages') ? '/v1/messages' : '/v1'}: the Anthropic SDK appends /v1/messages itself, so requests would go to ${baseUrl}/v1/messages and fail with 404.`,
        `Set providers.${providerName}.baseUrl to the host root: ${fixed}`);
    }
    return { baseUrl };
  }

  // openai / openai-compatible: the SDK appends /chat/completions, /completions, /embeddings.
  const endpoint = /\/(chat\/completions|completions|embeddings|models)$/.exec(path);
  if (endpoint) {
    const fixed = `${root}${path.slice(0, endpoint.index)}`;
    throw configError(providerName,
      `Provider "${providerName}" baseUrl "${raw}" includes the endpoint path /${endpoint[1]}: the SDK appends it itself.`,
      `Set providers.${providerName}.baseUrl to ${fixed.endsWith('/v1') ? fixed : `${fixed}/v1`}`);
  }
  const server = LOCAL_SERVERS[url.port];
  if (server === 'Ollama' && /\/api$/.test(path)) {
    throw configError(providerName,
      `Provider "${providerName}" baseUrl "${raw}" is Ollama's native API; Switchyard speaks Ollama's OpenAI-compatible API, at /v1.`,
      `Set providers.${providerName}.baseUrl to ${root}/v1`);
  }
  if (/\/v\d+[a-z0-9]*(\/openai)?$/i.test(path)) return { baseUrl };
  if (path === '') {
    if (ROOT_OK_HOSTS.has(url.hostname)) return { baseUrl };
    throw configError(providerName,
      `Provider "${providerName}" baseUrl "${raw}" has no /v1: OpenAI-compatible servers serve the API under /v1 (e.g. ${server ? `${server} is ${root}/v1` : 'Ollama is http://127.0.0.1:11434/v1'}).`,
      `Set providers.${providerName}.baseUrl to ${root}/v1`);
  }
  return {
    baseUrl,
    warning: `Provider "${providerName}" baseUrl "${raw}" does not end in /v1; most OpenAI-compatible servers serve the API under /v1 (e.g. Ollama is http://127.0.0.1:11434/v1). Keeping it as configured.`,
  };
}
