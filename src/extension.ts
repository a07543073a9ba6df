/**
 * The composition root of the VS Code extension: builds the host services (and through them the
 * core) once, then registers every area's commands, providers and views.
 */
import * as vscode from 'vscode';
import { registerCostReport } from './host/commands/costReport';
import { registerSetApiKey } from './host/commands/setApiKey';
import { registerSwitchModel } from './host/commands/switchModel';
import { createHostServices, type HostServices } from './host/hostServices';
import { createOutputLogger } from './host/logger';
import { createHostSecrets } from './host/secrets';
import { registerStatusBar } from './host/statusBar';

/** The extension's API (returned from activate): used by end-to-end tests. */
export interface SwitchyardApi {
  readonly services: HostServices;
}

export async function activate(context: vscode.ExtensionContext): Promise<SwitchyardApi> {
  const output = vscode.window.createOutputChannel('Switchyard', { log: true });
  context.subscriptions.push(output);
  const logger = createOutputLogger(output);
  const secrets = createHostSecrets(context.secrets);
  const services = await createHostServices(context, output, logger, secrets);

  // Each area registers itself; one failing area must not take the others down.
  const areas: Array<[string, (s: HostServices) => void]> = [
    ['commands.switchModel', registerSwitchModel],
    ['commands.setApiKey', registerSetApiKey],
    ['commands.costReport', registerCostReport],
    ['statusBar', registerStatusBar],
  ];
  for (const [name, register] of areas) {
    try {
      register(services);
    } catch (err) {
      services.showError(err, `starting ${name}`);
    }
  }
  logger.info(`Switchyard ${context.extension.packageJSON.version ?? ''} activated; data in ${context.globalStorageUri.fsPath}`);
  return { services };
}

export function deactivate(): void {
  // Everything is in context.subscriptions (including the core's dispose, which flushes traces).
}
