/** `Switchyard: Switch Model`: pick a task, then a model; writes `switchyard.pinned`. */
import * as vscode from 'vscode';
import type { AppServices } from '../../core/app';
import { isLocalModel, priceOfModel } from '../../core/cost/local';
import { formatUsd } from '../../core/cost/money';
import { registerSafeCommand, type HostServices } from '../hostServices';
import { openSettings, targetFor, valueAt } from '../settings';

/** chat, completion, then every task that has a route. */
function tasksOf(core: AppServices): string[] {
  return [...new Set(['chat', 'completion', ...Object.keys(core.config.routes)])];
}

function priceLabel(core: AppServices, modelName: string): string {
  const m = core.config.models[modelName];
  if (!m) return '';
  const price = priceOfModel(core.config, core.catalog, modelName, m.id);
  if (!price) return 'price unknown';
  if (price.inputPerMTok === 0 && price.outputPerMTok === 0) return isLocalModel(core.config, modelName) ? '$0 (local)' : 'free';
  return `${formatUsd(price.inputPerMTok)} in / ${formatUsd(price.outputPerMTok)} out per 1M tokens`;
}

/** Writes (or with `model` undefined, clears) the pin of a task at the settings level that wins. */
export async function setPinned(task: string, model: string | undefined): Promise<void> {
  const target = targetFor('pinned');
  const current = { ...(valueAt<Record<string, string>>('pinned', target) ?? {}) };
  if (model === undefined) delete current[task];
  else current[task] = model;
  await vscode.workspace.getConfiguration('switchyard').update('pinned', Object.keys(current).length ? current : undefined, target);
}

interface TaskItem extends vscode.QuickPickItem {
  task: string;
}
interface ModelItem extends vscode.QuickPickItem {
  model?: string;
  clear?: boolean;
}

export function registerSwitchModel(services: HostServices): void {
  registerSafeCommand(services, 'switchyard.switchModel', async (arg?: unknown) => {
    const core = services.core;
    const { config } = core;
    // Programmatic use (tests, other commands): { task, model } — model null/'' clears the pin.
    if (arg && typeof arg === 'object' && 'task' in arg) {
      const { task, model } = arg as { task: string; model?: string | null };
      if (model && !config.models[model]) throw new Error(`Unknown model "${model}" (configured: ${Object.keys(config.models).join(', ') || 'none'}).`);
      await setPinned(task, model || undefined);
      return;
    }
    const modelNames = Object.keys(config.models);
    if (modelNames.length === 0) {
      const action = await vscode.window.showInformationMessage('Switchyard: no models are configured yet. Add providers, models and routes in the settings.', 'Open Settings');
      if (action) await openSettings('models');
      return;
    }

    const taskItems: TaskItem[] = tasksOf(core).map((task) => {
      // The configured head, even while its breaker is open: what the user picks a model against.
      const head = core.router.resolve(task).candidates[0];
      return {
        task,
        label: task,
        description: head ? `${head.name}${head.pinned ? ' (pinned)' : ''}` : 'no route',
        detail: config.routes[task] ? `route: ${config.routes[task].join(' → ')}` : task === 'completion' || task === 'embedding' ? 'no route yet' : 'uses the chat route',
      };
    });
    const picked = await vscode.window.showQuickPick(taskItems, { title: 'Switchyard: Switch Model (1/2) — which task?', placeHolder: 'Task to switch the model for' });
    if (!picked) return;
    const task = picked.task;
    const route = config.routes[task] ?? [];
    const current = config.pinned[task];

    const modelItem = (name: string): ModelItem => {
      const m = config.models[name];
      const facts = core.catalog.lookup(m.id);
      const ctx = m.contextWindow ?? facts?.contextWindow;
      return {
        model: name,
        label: `${name === current ? '$(pinned) ' : ''}${name}`,
        description: `${m.provider} · ${m.id}`,
        detail: [priceLabel(core, name), ctx ? `${Math.round(ctx / 1000)}k context` : undefined, route.includes(name) ? `#${route.indexOf(name) + 1} in the ${task} route` : undefined].filter(Boolean).join(' · '),
      };
    };
    const inRoute = route.filter((n) => config.models[n]);
    const others = modelNames.filter((n) => !inRoute.includes(n));
    const items: ModelItem[] = [
      { label: '$(discard) Use route default', clear: true, description: current ? `unpin ${current}` : 'no pin set', detail: route.length ? `route: ${route.join(' → ')}` : undefined },
      ...(inRoute.length ? [{ label: `${task} route`, kind: vscode.QuickPickItemKind.Separator }, ...inRoute.map(modelItem)] : []),
      ...(others.length ? [{ label: 'other models', kind: vscode.QuickPickItemKind.Separator }, ...others.map(modelItem)] : []),
    ];
    const choice = await vscode.window.showQuickPick(items, {
      title: `Switchyard: Switch Model (2/2) — ${task}`,
      placeHolder: `Model for ${task} (the rest of the route stays the fallback)`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!choice || (!choice.model && !choice.clear)) return;
    await setPinned(task, choice.clear ? undefined : choice.model);
    vscode.window.setStatusBarMessage(choice.clear ? `Switchyard: ${task} uses its route default` : `Switchyard: ${task} → ${choice.model}`, 3000);
  });
}
