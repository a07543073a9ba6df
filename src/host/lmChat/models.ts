/**
 * What Switchyard offers in VS Code's model picker: one entry per configured chat model and one
 * per routed task (the route's whole fallback order behind one entry). Pure: config + catalog in,
 * entries out, so the list is tested in plain Node.
 */
import type { SwitchyardConfig } from '../../core/config/schema';
import type { PriceCatalog } from '../../core/cost/catalog';
import { isLocalModel, priceOfModel } from '../../core/cost/local';

/** Where a picker entry sends its requests: a task's route, or one model (still falling back along the chat route). */
export interface LmTarget {
  task: string;
  model?: string;
}

export interface LmModelEntry {
  /** `route:<task>` or `model:<config name>`; stable across sessions so VS Code remembers the pick. */
  id: string;
  name: string;
  family: string;
  version: string;
  detail: string;
  tooltip: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  capabilities: { toolCalling: boolean; imageInput: boolean };
  target: LmTarget;
  /** The provider model ids behind the entry, in fallback order (the head's family picks the tokenizer). */
  modelIds: string[];
}

/** Tasks whose routes hold models that cannot chat. */
const NON_CHAT_TASKS = new Set(['completion', 'embedding']);

/** Used when neither config nor catalog knows a model's window (typical of local servers). */
export const ASSUMED_CONTEXT_WINDOW = 32_768;
const ASSUMED_MAX_OUTPUT = 4_096;

/** Model families that take images, by provider model id (the catalog has no such column). */
const VISION = /(claude-(3|sonnet|opus|haiku)|gpt-4o|gpt-4\.1|gpt-5|gpt-6|\bo[34]\b|gemini|llava|pixtral|-vl\b|vision|llama-?3\.2.*vision|gemma-?3)/i;

function acceptsImages(modelId: string): boolean {
  return VISION.test(modelId);
}

interface Limits {
  contextWindow: number;
  maxOutput: number;
  known: boolean;
}

function limitsOf(config: SwitchyardConfig, catalog: PriceCatalog, name: string): Limits {
  const model = config.models[name];
  const entry = model ? catalog.lookup(model.id) : undefined;
  const contextWindow = model?.contextWindow ?? entry?.contextWindow;
  const maxOutput = model?.maxOutputTokens ?? entry?.maxOutputTokens;
  return { contextWindow: contextWindow ?? ASSUMED_CONTEXT_WINDOW, maxOutput: maxOutput ?? ASSUMED_MAX_OUTPUT, known: contextWindow !== undefined };
}

/** Input room: the window less the output the model may write (never below a quarter of the window). */
function inputTokens(l: Limits): number {
  return Math.max(Math.floor(l.contextWindow / 4), l.contextWindow - Math.min(l.maxOutput, l.contextWindow / 2));
}

function isChatModel(config: SwitchyardConfig, catalog: PriceCatalog, name: string): boolean {
  const model = config.models[name];
  if (!model) return false;
  const kind = catalog.lookup(model.id)?.kind;
  if (kind === 'embedding') return false;
  const usedBy = Object.entries(config.routes).filter(([, list]) => list.includes(name)).map(([task]) => task);
  // A model used only for embeddings or completions is not offered as a chat model.
  return usedBy.length === 0 || usedBy.some((task) => !NON_CHAT_TASKS.has(task));
}

function priceLabel(config: SwitchyardConfig, catalog: PriceCatalog, name: string): string {
  const model = config.models[name];
  const price = model ? priceOfModel(config, catalog, name, model.id) : undefined;
  if (!price) return 'price unknown';
  if (price.inputPerMTok === 0 && price.outputPerMTok === 0) return isLocalModel(config, name) ? '$0 (local)' : '$0';
  return `$${price.inputPerMTok}/$${price.outputPerMTok} per 1M tokens`;
}

/** The picker entries for the current settings: routes first (they carry fallback), then models. */
export function listLmModels(config: SwitchyardConfig, catalog: PriceCatalog): LmModelEntry[] {
  const entries: LmModelEntry[] = [];
  for (const [task, route] of Object.entries(config.routes)) {
    if (NON_CHAT_TASKS.has(task)) continue;
    const names = route.filter((n) => config.models[n]);
    if (names.length === 0) continue;
    const limits = names.map((n) => limitsOf(config, catalog, n));
    // The smallest window of the route: the agent packs its context to fit, and any fallback must take it.
    const smallest = limits.reduce((a, b) => (inputTokens(b) < inputTokens(a) ? b : a));
    const ids = names.map((n) => config.models[n].id);
    entries.push({
      id: `route:${task}`,
      name: `Switchyard · ${task} (${names.join(' → ')})`,
      family: ids[0],
      version: 'route',
      detail: names.length > 1 ? `${names.length} models with fallback` : priceLabel(config, catalog, names[0]),
      tooltip: `Switchyard route "${task}": ${names.map((n) => `${n} (${config.models[n].id}, ${priceLabel(config, catalog, n)})`).join(', then ')}. Retries, fallback, budgets and traces apply.`,
      maxInputTokens: inputTokens(smallest),
      maxOutputTokens: Math.min(...limits.map((l) => l.maxOutput)),
      capabilities: { toolCalling: true, imageInput: ids.every(acceptsImages) },
      target: { task },
      modelIds: ids,
    });
  }
  for (const name of Object.keys(config.models)) {
    if (!isChatModel(config, catalog, name)) continue;
    const model = config.models[name];
    const limits = limitsOf(config, catalog, name);
    entries.push({
      id: `model:${name}`,
      name: `Switchyard · ${name}`,
      family: model.id,
      version: model.id,
      detail: priceLabel(config, catalog, name),
      tooltip: `${model.id} on provider "${model.provider}"${limits.known ? '' : ` (context window unknown: ${ASSUMED_CONTEXT_WINDOW} tokens assumed; set switchyard.models.${name}.contextWindow)`}. Falls back along the chat route when it fails.`,
      maxInputTokens: inputTokens(limits),
      maxOutputTokens: limits.maxOutput,
      capabilities: { toolCalling: true, imageInput: acceptsImages(model.id) },
      target: { task: 'chat', model: name },
      modelIds: [model.id],
    });
  }
  return entries;
}

/** The entry for a picker id under the current settings (undefined when settings no longer have it). */
export function findLmModel(config: SwitchyardConfig, catalog: PriceCatalog, id: string): LmModelEntry | undefined {
  return listLmModels(config, catalog).find((e) => e.id === id);
}
