/** The model list the panel offers, and the model a new chat turn goes to when none is chosen. */
import type { AppServices } from '../../core/app';
import type { ModelOption } from '../../protocol/messages';

/** The 'models' message body (also part of 'init'): the route's head as the router resolves it. */
export function panelModels(core: Pick<AppServices, 'config' | 'router'>): { models: ModelOption[]; routeModel?: string } {
  const models = Object.entries(core.config.models).map(([name, m]) => ({ name, provider: m.provider, id: m.id, contextWindow: m.contextWindow }));
  return { models, routeModel: core.router.resolve('chat').candidates[0]?.name };
}
