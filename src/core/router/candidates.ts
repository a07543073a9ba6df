/** Route resolution: which models, in which order, a task may use. */
import type { SwitchyardConfig } from '../config/schema';
import type { ResolvedModel } from '../models/types';
import { DEFAULT_BASE_URLS, originOf } from '../models/baseUrl';
import { ModelError } from '../models/errors';

/** What the router needs to know about a model's limits, from config or the price catalog. */
export interface ModelFacts {
  contextWindow?: number;
  maxOutputTokens?: number;
}

export function resolveModel(
  config: SwitchyardConfig,
  name: string,
  factsFor: (modelId: string) => ModelFacts | undefined,
): ResolvedModel {
  const model = config.models[name];
  if (!model) {
    const known = Object.keys(config.models).join(', ') || 'none';
    throw new ModelError({ kind: 'config', message: `Unknown model "${name}" (configured models: ${known}).`, fix: 'Add it under switchyard.models or pick another model.' });
  }
  const provider = config.providers[model.provider];
  if (!provider) {
    throw new ModelError({ kind: 'config', message: `Model "${name}" names provider "${model.provider}", which is not configured.`, fix: 'Add it under switchyard.providers.' });
  }
  const facts = factsFor(model.id);
  return {
    name,
    id: model.id,
    providerName: model.provider,
    providerKind: provider.kind,
    contextWindow: model.contextWindow ?? facts?.contextWindow,
    maxOutputTokens: model.maxOutputTokens ?? facts?.maxOutputTokens,
    nativeFim: model.fim === 'native',
  };
}

/**
 * The ordered candidate names for a task: an explicit model first, else the pinned model,
 * then the rest of the task's route (without duplicates). A task without a route falls back
 * to the `chat` route and its pin, so custom tasks work out of the box.
 */
export function candidateNames(config: SwitchyardConfig, task: string, explicitModel?: string): string[] {
  const route = (inheritsChat(config, task) ? config.routes['chat'] : config.routes[task]) ?? [];
  const head = pinnedHead(config, task, explicitModel);
  const names = head ? [head, ...route] : [...route];
  return [...new Set(names)];
}

/** The model put first ahead of the route order: the explicit one, else the task's pin. */
export function pinnedHead(config: SwitchyardConfig, task: string, explicitModel?: string): string | undefined {
  return explicitModel ?? config.pinned[task] ?? (inheritsChat(config, task) ? config.pinned['chat'] : undefined);
}

function inheritsChat(config: SwitchyardConfig, task: string): boolean {
  return !config.routes[task] && task !== 'embedding' && task !== 'completion';
}

export function noRouteError(config: SwitchyardConfig, task: string): ModelError {
  const models = Object.keys(config.models);
  return new ModelError({
    kind: 'config',
    message: models.length === 0
      ? `No models are configured, so there is nothing to run task "${task}" on.`
      : `No route for task "${task}": add switchyard.routes.${task} (e.g. ["${models[0]}"]).`,
    fix: models.length === 0 ? 'Add a provider and a model in the settings (switchyard.providers, switchyard.models).' : `Set switchyard.routes.${task}.`,
  });
}

/** The origin a provider's calls go to (its baseUrl or its kind's default): one dead server, one origin. */
export function providerOrigin(config: SwitchyardConfig, providerName: string): string | undefined {
  const provider = config.providers[providerName];
  if (!provider) return undefined;
  const url = provider.baseUrl?.trim() || (provider.kind === 'openai-compatible' ? undefined : DEFAULT_BASE_URLS[provider.kind]);
  return url ? originOf(url) : undefined;
}
