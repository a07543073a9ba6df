/** The model list the panel offers, and the model a new chat turn goes to when none is chosen. */
import type { SwitchyardConfig } from '../../core/config/schema';
import type { ModelOption } from '../../protocol/messages';

/** The model the chat route starts with: the pinned chat model, else the route's first entry. */
function chatRouteHead(config: SwitchyardConfig): string | undefined {
  return config.pinned.chat ?? config.routes.chat?.[0];
}

/** The 'models' message body (also part of 'init'). */
export function panelModels(config: SwitchyardConfig): { models: ModelOption[]; routeModel?: string } {
  const models = Object.entries(config.models).map(([name, m]) => ({ name, provider: m.provider, id: m.id, contextWindow: m.contextWindow }));
  return { models, routeModel: chatRouteHead(config) };
}
