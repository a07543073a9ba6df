/**
 * Role proposal: which listed model chats, which completes code (and how: native FIM, a FIM
 * template, or a hole-filling chat prompt), which embeds. An embedder is never a chat model.
 */
import type { ModelConfig } from '../config/schema';
import { familyForModelId } from '../completion/templating/templates';
import type { DiscoveredModel, DiscoveredSource, Role } from './types';

export type ModelClass = 'embedding' | 'coder' | 'general' | 'unusable';

const EMBEDDER = /embed|(^|[-_/:.])(bge|e5|gte|minilm|all-minilm|arctic-embed|jina-embeddings|mpnet|paraphrase)([-_/:.]|$)|sentence-transformers/i;
const NOT_FOR_TEXT = /rerank|whisper|tts|dall-e|gpt-image|moderation|transcribe|realtime|audio|sora|(^|[-_/:.])clip([-_/:.]|$)/i;
const CODER = /coder|codestral|starcoder|code-?llama|codegemma|granite-code|stable-code|deepseek-coder/i;

/** What a model is for, from its capabilities (Ollama) or, failing that, its id. */
export function classifyModel(m: DiscoveredModel): ModelClass {
  const caps = m.capabilities;
  if (caps?.includes('embedding')) return 'embedding';
  if (NOT_FOR_TEXT.test(m.id)) return 'unusable'; // before the embedder test: "bge-reranker" ranks, it does not embed
  if (EMBEDDER.test(m.id)) return 'embedding';
  if (caps?.includes('insert') || CODER.test(m.id) || familyForModelId(m.id)) return 'coder';
  return 'general';
}

/** How the completion engine should prompt a model: the fields `fim` / `fimTemplate` of its config. */
export function fimSettingFor(m: DiscoveredModel, source: Pick<DiscoveredSource, 'ollama' | 'kind'>): { setting: Pick<ModelConfig, 'fim' | 'fimTemplate'>; why: string } {
  // Ollama applies the model's own FIM template to `suffix` on /v1/completions when it can insert.
  if (source.ollama && m.capabilities?.includes('insert')) return { setting: { fim: 'native' }, why: 'Ollama reports the "insert" capability, so the server fills the middle itself (native suffix)' };
  const family = source.kind === 'openai-compatible' ? familyForModelId(m.id) : undefined;
  if (family) return { setting: { fim: 'template', fimTemplate: family }, why: `a ${family} model: Switchyard writes its fill-in-the-middle tokens` };
  return { setting: { fim: 'chat' }, why: 'no fill-in-the-middle support known, so it fills the hole from a chat prompt' };
}

/** Hosted accounts list dozens of models: the ones worth proposing, best first. */
const HOSTED_PREFERENCES: Record<'openai' | 'anthropic', Partial<Record<Role, RegExp[]>>> = {
  openai: {
    chat: [/^gpt-4\.1$/, /^gpt-5$/, /^gpt-4o$/, /^gpt-4\.1/, /^gpt-5/, /^gpt-4o/],
    completion: [/^gpt-4\.1-mini$/, /^gpt-5-mini$/, /^gpt-4o-mini$/, /^gpt-4\.1-nano$/, /mini/],
    embedding: [/^text-embedding-3-small$/, /^text-embedding-3-large$/, /^text-embedding/],
  },
  anthropic: {
    chat: [/^claude-sonnet/, /^claude-opus/, /^claude-3-7-sonnet/, /^claude-3-5-sonnet/],
    completion: [/^claude-haiku/, /^claude-3-5-haiku/, /^claude-3-haiku/],
  },
};

export interface RoleChoice {
  role: Role;
  model: DiscoveredModel;
  source: DiscoveredSource;
  config: Pick<ModelConfig, 'fim' | 'fimTemplate' | 'contextWindow'>;
  why: string;
}

function pickHosted(role: Role, source: DiscoveredSource): DiscoveredModel | undefined {
  const prefs = source.kind === 'openai' || source.kind === 'anthropic' ? HOSTED_PREFERENCES[source.kind][role] : undefined;
  for (const re of prefs ?? []) {
    // Listed order: Anthropic lists newest first; among OpenAI's dated snapshots the plain id matches first.
    const hit = source.models.find((m) => re.test(m.id) && (classifyModel(m) === 'embedding') === (role === 'embedding'));
    if (hit) return hit;
  }
  return undefined;
}

const INSTRUCT = /instruct|chat|[-_:.]it([-_:.]|$)|assistant/i;
const GENERAL_FAMILY = /llama|qwen|mistral|mixtral|gemma|phi|granite|gpt-oss|command-r|olmo|smollm|hermes|yi[-:]|deepseek-(v|r|llm)/i;
const BASE_MODEL = /[-_:.]base([-_:.]|$)/i;

/**
 * How good a chat model a general model is likely to be: one that says it can call tools, an
 * instruction-tuned one, a known chat family; a base (pretrained-only) model rambles instead of answering.
 */
function chatScore(m: DiscoveredModel): number {
  return (m.capabilities?.includes('tools') ? 3 : 0) + (INSTRUCT.test(m.id) ? 3 : 0) + (GENERAL_FAMILY.test(m.id) ? 2 : 0) - (BASE_MODEL.test(m.id) ? 4 : 0);
}

/**
 * One model per role across every source, best first by: local before hosted (free and private),
 * then the rules above. Roles with no fitting model are absent (with `missing` saying why).
 */
export function proposeRoles(sources: DiscoveredSource[]): { choices: RoleChoice[]; missing: string[] } {
  const choices: RoleChoice[] = [];
  const missing: string[] = [];
  const all = sources.flatMap((source) => source.models.map((model) => ({ model, source, cls: classifyModel(model) })));
  const ordered = [...all.filter((x) => x.source.kind === 'openai-compatible'), ...all.filter((x) => x.source.kind !== 'openai-compatible')];
  const ctx = (m: DiscoveredModel) => (m.contextWindow ? { contextWindow: m.contextWindow } : {});

  // Chat: a general model; a coder only when nothing else is there; never an embedder.
  const general = ordered.filter((x) => x.cls === 'general' && (x.source.kind === 'openai-compatible' || pickHosted('chat', x.source) === x.model));
  const bestGeneral = [...general].sort((a, b) => chatScore(b.model) - chatScore(a.model))[0];
  const coders = ordered.filter((x) => x.cls === 'coder');
  // With only coders, an instruction-tuned one answers questions; a base one only continues text.
  const chat = bestGeneral ?? [...coders].sort((a, b) => chatScore(b.model) - chatScore(a.model))[0];
  if (chat) {
    const why = bestGeneral
      ? `${chat.model.id} is a general model${chat.model.capabilities?.includes('tools') ? ' that can call tools' : ''}${chat.source.kind === 'openai-compatible' ? '' : ` (${chat.source.label})`}`
      : `${chat.model.id} is the only model that can chat (a coder model; no general model was listed)`;
    choices.push({ role: 'chat', model: chat.model, source: chat.source, config: ctx(chat.model), why });
  } else missing.push('chat: no model that can chat was listed (only embedders or unusable models).');

  // Completion: a coder with FIM first; else a small hosted model; else the chat model with a hole-filler prompt.
  const fimCoder = coders.find((x) => fimSettingFor(x.model, x.source).setting.fim !== 'chat') ?? coders[0];
  const hostedCompletion = fimCoder ? undefined : ordered.map((x) => x.source).filter((s, i, a) => a.indexOf(s) === i).map((s) => ({ s, m: pickHosted('completion', s) })).find((x) => x.m);
  if (fimCoder) {
    const fim = fimSettingFor(fimCoder.model, fimCoder.source);
    choices.push({ role: 'completion', model: fimCoder.model, source: fimCoder.source, config: { ...fim.setting, ...ctx(fimCoder.model) }, why: `${fimCoder.model.id} is a code model; ${fim.why}` });
  } else if (hostedCompletion?.m) {
    choices.push({ role: 'completion', model: hostedCompletion.m, source: hostedCompletion.s, config: { fim: 'chat' }, why: `${hostedCompletion.m.id} is a small, fast ${hostedCompletion.s.label} model; it fills the hole from a chat prompt` });
  } else if (chat) {
    choices.push({ role: 'completion', model: chat.model, source: chat.source, config: { fim: 'chat', ...ctx(chat.model) }, why: `no code model was listed, so the chat model ${chat.model.id} completes from a hole-filling chat prompt` });
  }

  // Embedding: a local embedder first, else the hosted one.
  const embedders = ordered.filter((x) => x.cls === 'embedding' && (x.source.kind === 'openai-compatible' || pickHosted('embedding', x.source) === x.model));
  const embed = embedders[0];
  if (embed) choices.push({ role: 'embedding', model: embed.model, source: embed.source, config: {}, why: `${embed.model.id} is an embedding model${embed.model.capabilities?.includes('embedding') ? ' (Ollama: "embedding" capability)' : ''}; the code index uses it` });
  else missing.push('embedding: no embedding model was listed; @workspace search stays lexical (BM25) until one is added (e.g. `ollama pull nomic-embed-text`).');
  return { choices, missing };
}
