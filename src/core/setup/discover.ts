/**
 * Finds OpenAI-compatible servers (the well-known local ports, plus any URL the user gives) and
 * lists their models: `GET /v1/models`, and for Ollama `GET /api/tags` + `POST /api/show`, whose
 * capabilities tell an embedder and a fill-in-the-middle coder from a chat model.
 */
import { z } from 'zod';
import type { DiscoveredModel, DiscoveredSource, ProbeFailure } from './types';

/** Local servers by their default port, probed on 127.0.0.1. */
const WELL_KNOWN_LOCAL_SERVERS: ReadonlyArray<{ label: string; port: number }> = [
  { label: 'Ollama', port: 11434 },
  { label: 'LM Studio', port: 1234 },
  { label: 'llama.cpp server', port: 8080 },
  { label: 'vLLM', port: 8000 },
];

export type FetchLike = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface DiscoverOptions {
  /** URLs the user gave (a server root or its /v1 base). */
  urls?: string[];
  /** Also probe the well-known local ports (default: only when no URL is given). */
  wellKnown?: boolean;
  /** Per request (default 2000 ms): a closed port fails at once, a hung one must not stall setup. */
  timeoutMs?: number;
  fetch?: FetchLike;
  signal?: AbortSignal;
}

export interface DiscoverResult {
  found: DiscoveredSource[];
  failed: ProbeFailure[];
}

const openAiModelsSchema = z.object({ data: z.array(z.object({ id: z.string().min(1) }).passthrough()) }).passthrough();
const ollamaTagsSchema = z.object({ models: z.array(z.object({ name: z.string().min(1), model: z.string().optional() }).passthrough()) }).passthrough();
const ollamaShowSchema = z.object({
  capabilities: z.array(z.string()).optional(),
  model_info: z.record(z.string(), z.unknown()).optional(),
}).passthrough();

/** `{ base, root }`: the /v1 base the SDK uses and the server root (Ollama's native API lives there). */
export function normalizeServerUrl(raw: string): { base: string; root: string } {
  const url = new URL(raw.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${raw}" is not an http(s) URL`);
  const path = url.pathname.replace(/\/+$/, '');
  const origin = url.origin;
  if (path === '') return { base: `${origin}/v1`, root: origin };
  if (path.endsWith('/v1')) return { base: `${origin}${path}`, root: `${origin}${path.slice(0, -3)}` };
  return { base: `${origin}${path}`, root: origin };
}

function labelFor(base: string, ollama: boolean): string {
  if (ollama) return 'Ollama';
  const u = new URL(base);
  const known = WELL_KNOWN_LOCAL_SERVERS.find((s) => String(s.port) === u.port);
  return known && ['127.0.0.1', 'localhost'].includes(u.hostname) ? known.label : u.host;
}

function describeError(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string }; message?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  if (e?.cause?.code === 'ECONNREFUSED') return 'nothing is listening';
  return e?.cause?.code ?? e?.message ?? String(err);
}

async function getJson(fetchFn: FetchLike, url: string, timeoutMs: number, signal?: AbortSignal, body?: unknown): Promise<unknown> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await fetchFn(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
  return res.json();
}

/** Ollama's context length sits under "<architecture>.context_length" in model_info. */
function contextLengthOf(info: Record<string, unknown> | undefined): number | undefined {
  for (const [k, v] of Object.entries(info ?? {})) {
    if (k.endsWith('.context_length') && typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  }
  return undefined;
}

/** Probes one server; resolves with what it lists, or why it could not. */
export async function probeServer(rawUrl: string, options: Omit<DiscoverOptions, 'urls' | 'wellKnown'> = {}): Promise<DiscoveredSource | ProbeFailure> {
  const fetchFn = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const timeoutMs = options.timeoutMs ?? 2000;
  let base: string;
  let root: string;
  try {
    ({ base, root } = normalizeServerUrl(rawUrl));
  } catch (err) {
    return { baseUrl: rawUrl, label: rawUrl, reason: `not a valid server URL (${err instanceof Error ? err.message : String(err)}); use e.g. http://127.0.0.1:11434` };
  }
  // Ollama first: its native API says what each model can do.
  let tags: z.infer<typeof ollamaTagsSchema> | undefined;
  try {
    const parsed = ollamaTagsSchema.safeParse(await getJson(fetchFn, `${root}/api/tags`, timeoutMs, options.signal));
    if (parsed.success) tags = parsed.data;
  } catch (err) {
    if (describeError(err) === 'nothing is listening') return { baseUrl: base, label: labelFor(base, false), reason: 'nothing is listening' };
  }
  if (tags) {
    const models = await Promise.all(tags.models.map(async (m): Promise<DiscoveredModel> => {
      try {
        const show = ollamaShowSchema.safeParse(await getJson(fetchFn, `${root}/api/show`, timeoutMs, options.signal, { model: m.name }));
        if (!show.success) return { id: m.name };
        const contextWindow = contextLengthOf(show.data.model_info);
        return { id: m.name, ...(show.data.capabilities ? { capabilities: show.data.capabilities } : {}), ...(contextWindow ? { contextWindow } : {}) };
      } catch {
        return { id: m.name };
      }
    }));
    return { label: 'Ollama', kind: 'openai-compatible', baseUrl: base, ollama: true, models };
  }
  try {
    const parsed = openAiModelsSchema.safeParse(await getJson(fetchFn, `${base}/models`, timeoutMs, options.signal));
    if (!parsed.success) return { baseUrl: base, label: labelFor(base, false), reason: `${base}/models did not answer with an OpenAI model list` };
    return { label: labelFor(base, false), kind: 'openai-compatible', baseUrl: base, ollama: false, models: parsed.data.data.map((m) => ({ id: m.id })) };
  } catch (err) {
    const status = (err as { status?: number }).status;
    const reason = status === 401 || status === 403 ? `${base}/models needs an API key (HTTP ${status})` : status ? `${base}/models answered HTTP ${status}` : describeError(err);
    return { baseUrl: base, label: labelFor(base, false), reason };
  }
}

export function isFailure(r: DiscoveredSource | ProbeFailure): r is ProbeFailure {
  return 'reason' in r;
}

/** Probes the given URLs (and the well-known local ports) in parallel; the same base URL once. */
export async function discoverServers(options: DiscoverOptions = {}): Promise<DiscoverResult> {
  const urls = [...(options.urls ?? [])];
  if (options.wellKnown ?? urls.length === 0) urls.push(...WELL_KNOWN_LOCAL_SERVERS.map((s) => `http://127.0.0.1:${s.port}`));
  const seen = new Set<string>();
  const unique = urls.filter((u) => {
    let key = u;
    try {
      key = normalizeServerUrl(u).base;
    } catch {
      /* reported by probeServer */
    }
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const results = await Promise.all(unique.map((u) => probeServer(u, options)));
  return { found: results.filter((r): r is DiscoveredSource => !isFailure(r)), failed: results.filter(isFailure) };
}
