/**
 * What a local OpenAI-compatible server (Ollama, LM Studio, llama.cpp, vLLM) offers the demo: probe
 * its model list, then choose a chat model (never an embedder) and a completion model (a coder when
 * there is one). Script-level on purpose: the editor's Add Model flow has its own role proposal.
 */

export type LocalServer =
  | { state: 'unreachable'; baseUrl: string; reason: string }
  | { state: 'not-openai'; baseUrl: string; status: number }
  | { state: 'no-models'; baseUrl: string }
  | { state: 'models'; baseUrl: string; ids: string[] };

/** Asks `${baseUrl}/models`; a server that answers with an empty list is "no-models", not unreachable. */
export async function probeLocalServer(baseUrl: string, timeoutMs = 2000, fetchImpl: typeof fetch = fetch): Promise<LocalServer> {
  const url = `${baseUrl.replace(/\/+$/, '')}/models`;
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const inner = (err as { cause?: { code?: string; message?: string } }).cause;
    const cause = inner?.code ?? inner?.message ?? (err instanceof Error ? err.message : String(err));
    return { state: 'unreachable', baseUrl, reason: cause };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const data = (body as { data?: unknown } | undefined)?.data;
  if (!res.ok || !Array.isArray(data)) return { state: 'not-openai', baseUrl, status: res.status };
  const ids = data.map((m) => (m as { id?: unknown }).id).filter((id): id is string => typeof id === 'string' && id.length > 0);
  return ids.length ? { state: 'models', baseUrl, ids } : { state: 'no-models', baseUrl };
}

// Names of embedding / reranking / speech models as local servers list them (Ollama, LM Studio, HF ids).
const NOT_CHAT = /embed|\bbge[-_:]|(^|[/_-])e5[-_]|\bgte[-_]|minilm|mpnet|rerank|paraphrase|\bclip\b|whisper|\btts\b/i;
const CODER = /coder|codestral|codegemma|codellama|starcoder|codeqwen|(^|[/_:-])code([/_:.-]|$)/i;
const INSTRUCT = /instruct|chat|[-_:.]it([-_:.]|$)|assistant/i;
const GENERAL_FAMILY = /llama|qwen|mistral|mixtral|gemma|phi|granite|gpt-oss|command-r|olmo|smollm|hermes|yi[-:]|deepseek-(v|r|llm)/i;
const BASE_MODEL = /[-_:.]base([-_:.]|$)/i;

export function isEmbeddingModel(id: string): boolean {
  return NOT_CHAT.test(id);
}

export function isCoderModel(id: string): boolean {
  return CODER.test(id) && !isEmbeddingModel(id);
}

function chatScore(id: string): number {
  let score = 0;
  if (INSTRUCT.test(id)) score += 3;
  if (GENERAL_FAMILY.test(id)) score += 2;
  if (CODER.test(id)) score -= 2;
  if (BASE_MODEL.test(id)) score -= 4;
  return score;
}

/** The best general chat model; a coder only when nothing else is there; never an embedder. */
export function pickChatModel(ids: readonly string[]): string | undefined {
  const candidates = ids.filter((id) => !isEmbeddingModel(id));
  let best: string | undefined;
  for (const id of candidates) if (best === undefined || chatScore(id) > chatScore(best)) best = id;
  return best;
}

/** A coder model for inline completion, else the chat pick. */
export function pickCompletionModel(ids: readonly string[]): string | undefined {
  return ids.find((id) => isCoderModel(id) && !BASE_MODEL.test(id)) ?? ids.find(isCoderModel) ?? pickChatModel(ids);
}

/** One line for the demo's output: what was found at the URL and what it means. */
export function describeServer(server: LocalServer): string {
  switch (server.state) {
    case 'unreachable':
      return `nothing answers at ${server.baseUrl} (${server.reason})`;
    case 'not-openai':
      return `${server.baseUrl}/models answered HTTP ${server.status}, not an OpenAI-compatible model list (is the base URL right? it usually ends in /v1)`;
    case 'no-models':
      return `a server answers at ${server.baseUrl} but lists no models: pull or load one (e.g. \`ollama pull qwen2.5:1.5b-instruct\`) and run again`;
    case 'models': {
      const chat = pickChatModel(server.ids);
      return chat
        ? `a server at ${server.baseUrl} lists ${server.ids.join(', ')}: chat with ${chat}`
        : `a server at ${server.baseUrl} lists only embedding models (${server.ids.join(', ')}): pull or load a chat model (e.g. \`ollama pull qwen2.5:1.5b-instruct\`) and run again`;
    }
  }
}
