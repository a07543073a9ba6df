/**
 * The one place that turns any model-call failure (SDK errors of `openai` and `@anthropic-ai/sdk`,
 * fetch / socket errors, aborts, in-stream error events) into a ModelError with its ErrorClass.
 */
import * as Anthropic from '@anthropic-ai/sdk';
import * as OpenAI from 'openai';
import { setKeyFix } from './apiKeys';
import { originOf } from './baseUrl';
import { ModelError, type ErrorClass } from './errors';
import { findHtmlResponse } from './responseGuard';
import type { ProviderKind } from './types';

export interface ErrorContext {
  /** Provider config name (e.g. "an"). */
  providerName: string;
  kind: ProviderKind;
  /** The base URL the client used (named in network / not-found messages). */
  baseUrl: string;
  /** Provider model id. */
  model?: string;
  /** The env variable the CLI reads the key from (default per kind). */
  apiKeyEnv?: string;
  /** The call's signal: once aborted, every failure is an abort. */
  signal?: AbortSignal;
  /** True when text or tool calls were already delivered on this stream. */
  afterOutput?: boolean;
}

/** The user-facing name of the service behind a provider. */
function serviceName(kind: ProviderKind, baseUrl: string): string {
  if (kind === 'anthropic') return 'Anthropic';
  if (kind === 'openai') return 'OpenAI';
  return `The server at ${baseUrl}`;
}

// Key-like strings providers echo back (OpenAI's 401 shows "sk-abc***xyz"); masked before they reach a message.
const KEY_PATTERNS: RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_*-]{6,}/g,
  /\b(?:gsk|xai|hf|nvapi|pplx|fw)_[A-Za-z0-9_*-]{8,}/gi,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/*=-]{6,}/gi,
  /((?:api[_-]?key|x-api-key|token|secret)["']?\s*[:=]\s*["']?)[A-Za-z0-9._~+/*=-]{8,}/gi,
];

/** Masks anything key-like in a provider message. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const re of KEY_PATTERNS) {
    re.lastIndex = 0;
    out = out.replace(re, (match: string, head?: string) => (typeof head === 'string' && match.startsWith(head) ? `${head}[redacted]` : '[redacted]'));
  }
  return out;
}

type HeaderBag = { get(name: string): string | null } | Record<string, string | undefined> | undefined | null;

function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const rec = headers as Record<string, string | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  return key ? rec[key] : undefined;
}

/** Milliseconds to wait from `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Math.round(Number(ms)));
  const ra = header(headers, 'retry-after');
  if (ra === undefined || ra.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Math.round(Number(ra) * 1000));
  const date = Date.parse(ra);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return undefined;
}

// Context-window overflow as the real providers phrase it (OpenAI, Anthropic, vLLM, llama.cpp,
// Ollama, DeepSeek, Mistral, OpenRouter, Gemini's OpenAI endpoint, LM Studio).
const CONTEXT_PATTERNS: RegExp[] = [
  /context_length_exceeded/i,
  /maximum context length/i,
  /prompt is too long/i,
  /exceeds? (?:the )?(?:available )?context (?:size|length|window|limit)/i,
  /exceed context limit/i,
  /input length exceeds the context length/i,
  /too large for model with \d+ maximum context length/i,
  /context window (?:is )?(?:exceeded|too small|full)/i,
  /context (?:size|length) (?:has been )?exceeded/i,
  /exceed_context_size_error/i,
  /input token count .*exceeds the maximum/i,
  /(?:prompt|input) (?:is )?too long for (?:the )?(?:model|context)/i,
  /reduce the length of the messages/i,
];

export function isContextWindowMessage(text: string): boolean {
  return CONTEXT_PATTERNS.some((re) => re.test(text));
}

interface ApiErrorLike {
  status?: number;
  headers?: HeaderBag;
  error?: unknown;
  message: string;
  code?: unknown;
  type?: unknown;
}

function isApiError(err: unknown): err is ApiErrorLike {
  return err instanceof OpenAI.APIError || err instanceof Anthropic.APIError;
}

function isUserAbort(err: unknown): boolean {
  if (err instanceof OpenAI.APIUserAbortError || err instanceof Anthropic.APIUserAbortError) return true;
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}

/** The provider's own message and type/code from an SDK error body (both SDKs, most compatible servers). */
function bodyInfo(err: ApiErrorLike): { message: string; type?: string; code?: string } {
  const raw = err.error as Record<string, unknown> | string | undefined;
  let node: Record<string, unknown> | undefined;
  if (raw && typeof raw === 'object') {
    // Anthropic's SDK keeps the whole body ({type:'error', error:{…}}); OpenAI's keeps body.error.
    node = raw.error && typeof raw.error === 'object' ? (raw.error as Record<string, unknown>) : raw;
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  const detail = node?.detail;
  const message =
    str(node?.message) ??
    (typeof raw === 'string' ? raw : undefined) ??
    str(raw && typeof raw === 'object' ? (raw as Record<string, unknown>).error : undefined) ??
    (Array.isArray(detail) ? detail.map((d) => str((d as Record<string, unknown>)?.msg) ?? JSON.stringify(d)).join('; ') : str(detail)) ??
    err.message.replace(/^\d{3}\s+/, '');
  return { message, type: str(node?.type) ?? str(err.type), code: str(node?.code) ?? str(err.code) };
}

/**
 * A provider message fit for a notification: key-like text masked, an HTML error page (from a
 * proxy or load balancer) reduced to its title or text, whitespace collapsed, length capped.
 */
export function tidy(message: string, max = 400): string {
  let text = message;
  if (/<(html|body|head|title|h1)\b/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1];
    text = title ?? text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ');
  }
  text = redactSecrets(text.replace(/\s+/g, ' ').trim());
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Walks `cause` chains for a system error code (ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET, …). */
function systemCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 6; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    const errors = (cur as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length) {
      const inner = systemCode(errors[0]);
      if (inner) return inner;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeMessages(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 6; depth++) {
    if (cur instanceof Error && cur.message) parts.push(cur.message);
    cur = (cur as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'EPROTO', 'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Failures to open a connection at all: no request reached the server, and a retry soon would fail alike. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Turns any failure of a model call into a ModelError with the class the router acts on. */
export function classifyError(err: unknown, ctx: ErrorContext): ModelError {
  if (err instanceof ModelError) return err;
  const base = { provider: ctx.providerName, model: ctx.model, cause: err };
  const service = serviceName(ctx.kind, ctx.baseUrl);
  const make = (kind: ErrorClass, message: string, extra: { status?: number; retryAfterMs?: number; fix?: string; unreachableHost?: string } = {}) =>
    new ModelError({ kind, message, ...base, ...extra });

  if (ctx.signal?.aborted || isUserAbort(err)) return make('aborted', 'Cancelled.');

  const page = findHtmlResponse(err);
  if (page) {
    return make(
      'malformed_response',
      `${service} answered with a web page (${page.contentType}${page.title ? `, title "${redactSecrets(page.title)}"` : ''}) instead of an API response — a captive portal, a proxy's sign-in page, or a base URL that is not the API (${ctx.baseUrl}).`,
      { status: page.status, fix: ctx.kind === 'anthropic' ? `Sign in to the network, or check providers.${ctx.providerName}.baseUrl (Anthropic's is the host root, without /v1).` : `Sign in to the network, or check providers.${ctx.providerName}.baseUrl (OpenAI-compatible base URLs end in /v1).` },
    );
  }

  if (err instanceof OpenAI.APIConnectionTimeoutError || err instanceof Anthropic.APIConnectionTimeoutError) {
    return make('timeout', `${service} did not answer in time (${ctx.baseUrl}).`);
  }

  if (isApiError(err) && typeof err.status === 'number') return classifyStatus(err, err.status, ctx);

  if (isApiError(err) && !(err instanceof OpenAI.APIConnectionError) && !(err instanceof Anthropic.APIConnectionError)) {
    // An error event inside a stream (no HTTP status): Anthropic `event: error`, OpenAI `data: {"error": …}`.
    const info = bodyInfo(err);
    const msg = tidy(info.message);
    const type = info.type ?? '';
    if (type === 'overloaded_error' || /overloaded/i.test(msg)) return make('overloaded', `${service} is overloaded (${msg}).`, { fix: 'Try again shortly, or route to another model.' });
    if (type === 'rate_limit_error' || type === 'rate_limit_exceeded') return make('rate_limit', `${service} rate limit: ${msg}`);
    if (isContextWindowMessage(msg)) return make('context_window', `${service}: the prompt does not fit the context window of ${ctx.model ?? 'the model'} (${msg}).`);
    if (type === 'api_error' || type === 'server_error' || type === 'timeout_error') return make('server', `${service} reported an error mid-stream: ${msg}`);
    if (type === 'invalid_request_error') return make('invalid_request', `${service} rejected the request: ${msg}`);
    return make(ctx.afterOutput ? 'stream_interrupted' : 'server', `${service} reported an error mid-stream: ${msg}`);
  }

  if (err instanceof SyntaxError) {
    return make('malformed_response', `${service} sent a response that could not be parsed (${redactSecrets(err.message)}).`);
  }

  // Connection-level failures: refused, reset, DNS, TLS, socket closed mid-stream.
  const code = systemCode(err);
  const detail = redactSecrets(causeMessages(err));
  const isConnection = err instanceof OpenAI.APIConnectionError || err instanceof Anthropic.APIConnectionError ||
    (code !== undefined && NETWORK_CODES.has(code)) || (err instanceof TypeError && /fetch failed|terminated|network|socket/i.test(detail));
  if (isConnection) {
    if (ctx.afterOutput) {
      return make('stream_interrupted', `The connection to ${ctx.baseUrl} broke in the middle of the answer (${code ?? detail}).`);
    }
    const what = code ?? (detail || 'connection error');
    const hint =
      code === 'ECONNREFUSED' ? ' Is the server running?'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? ' Check the host name in the base URL and your network.'
      : code && /CERT|TLS|SSL|EPROTO/.test(code) ? ' Check the TLS certificate (or use http:// for a local server).'
      : '';
    const unreachable = code !== undefined && UNREACHABLE_CODES.has(code);
    return make('network', `Cannot reach ${ctx.baseUrl} (${what}).${hint}`, {
      fix: code === 'ECONNREFUSED' ? `Start the server or fix providers.${ctx.providerName}.baseUrl.` : undefined,
      ...(unreachable ? { unreachableHost: originOf(ctx.baseUrl) } : {}),
    });
  }

  const message = err instanceof Error ? err.message : String(err);
  return make('unknown', `${service}: ${tidy(message)}`);
}

function classifyStatus(err: ApiErrorLike, status: number, ctx: ErrorContext): ModelError {
  const info = bodyInfo(err);
  const msg = tidy(info.message);
  const service = serviceName(ctx.kind, ctx.baseUrl);
  const base = { provider: ctx.providerName, model: ctx.model, status, cause: err };
  const make = (kind: ErrorClass, message: string, extra: { retryAfterMs?: number; fix?: string } = {}) =>
    new ModelError({ kind, message, ...base, ...extra });
  const type = info.type ?? '';

  if (status === 529 || type === 'overloaded_error') {
    return make('overloaded', `${service} is overloaded (${status}).`, { retryAfterMs: parseRetryAfter(err.headers), fix: 'Try again shortly, or route to another model.' });
  }
  if (status === 429) {
    const quota = info.code === 'insufficient_quota' || type === 'insufficient_quota';
    if (quota) {
      // Not a rate limit: retrying cannot help until billing changes.
      return make('auth', `${service} says the account for provider "${ctx.providerName}" has no quota left (429): ${msg}`, { fix: 'Check the plan and billing of this API key, or route to another provider.' });
    }
    return make('rate_limit', `${service} rate limit for provider "${ctx.providerName}" (429): ${msg}`, { retryAfterMs: parseRetryAfter(err.headers) });
  }
  if (status === 402 || type === 'billing_error') {
    return make('auth', `${service} refused provider "${ctx.providerName}" for billing reasons (${status}): ${msg}`, { fix: 'Check the plan and billing of this API key, or route to another provider.' });
  }
  if (status === 401 || status === 403) {
    const verb = status === 401 ? 'rejected the API key for' : 'refused access for';
    const fix = setKeyFix(ctx.providerName, { kind: ctx.kind, apiKeyEnv: ctx.apiKeyEnv });
    return make('auth', `${service} ${verb} provider "${ctx.providerName}" (${status}). ${fix}${msg ? ` (${service} said: ${msg})` : ''}`, { fix });
  }
  if (status === 404) {
    return make('not_found', `${service} returned 404 for model "${ctx.model ?? '?'}" at ${ctx.baseUrl}: ${msg}. Either the model id is unknown there or the base URL is wrong.`, {
      fix: ctx.kind === 'anthropic'
        ? `Check the model id, and that providers.${ctx.providerName}.baseUrl is the host root (the SDK adds /v1/messages).`
        : `Check the model id, and that providers.${ctx.providerName}.baseUrl ends in /v1.`,
    });
  }
  if ((status === 400 || status === 413 || status === 422) && (isContextWindowMessage(msg) || info.code === 'context_length_exceeded')) {
    return make('context_window', `The prompt does not fit the context window of ${ctx.model ?? 'the model'} (${service}: ${msg})`, { fix: 'Shorten the conversation or route to a model with a larger context window.' });
  }
  if (status === 408 || status === 504 || type === 'timeout_error') {
    return make('server', `${service} timed out (${status}): ${msg}`, { retryAfterMs: parseRetryAfter(err.headers) });
  }
  if (status >= 500) {
    return make('server', `${service} had a server error (${status}): ${msg}`, { retryAfterMs: parseRetryAfter(err.headers) });
  }
  if (status >= 400) {
    return make('invalid_request', `${service} rejected the request (${status}): ${msg}`);
  }
  return make('unknown', `${service} answered ${status}: ${msg}`);
}
