/**
 * The composition root of the VS Code extension: builds the host services (and through them the
 * core) once, then registers every area's commands, providers and views, and wires their seams.
 */
import * as vscode from 'vscode';
import { registerCostReport } from './host/commands/costReport';
import { registerSetApiKey } from './host/commands/setApiKey';
import { registerSwitchModel } from './host/commands/switchModel';
import { registerCompletion } from './host/completion/register';
import { createHostServices, type HostServices } from './host/hostServices';
import { registerVsCodeChat } from './host/lmChat/register';
import { createOutputLogger } from './host/logger';
import { registerMcp, type McpHostHandle } from './host/mcp/index';
import { registerPanel, type PanelApi } from './host/panel/panelHost';
import { connectPanel } from './host/panel/wire';
import { registerRag, type WorkspaceSearch } from './host/rag/register';
import { createHostSecrets } from './host/secrets';
import { registerStatusBar } from './host/statusBar';

/** The extension's API (returned from activate): used by end-to-end tests and other extensions. */
export interface SwitchyardApi {
  readonly services: HostServices;
  readonly panel?: PanelApi;
  readonly search?: WorkspaceSearch;
  readonly mcp?: McpHostHandle;
}

export async function activate(context: vscode.ExtensionContext): Promise<SwitchyardApi> {
  const output = vscode.window.createOutputChannel('Switchyard', { log: true });
  context.subscriptions.push(output);
  const logger = createOutputLogger(output);
  const secrets = createHostSecrets(context.secrets);
  const services = await createHostServices(context, output, logger, secrets);

  // Each area registers itself; one failing area must not take the others down.
  const area = <T>(name: string, register: () => T): T | undefined => {
    try {
      return register();
    } catch (err) {
      services.showError(err, `starting ${name}`);
      return undefined;
    }
  };
  area('Switch Model', () => registerSwitchModel(services));
  area('Set API Key', () => registerSetApiKey(services));
  area('status bar', () => registerStatusBar(services));
  const search = area('workspace index', () => registerRag(services));
  area('inline completions', () => registerCompletion(services, { indexSnippets: search && ((query, signal) => search.snippets(query, signal)) }));
  const panel = area('panel', () => registerPanel(services));
  const mcp = area('MCP', () => registerMcp(services));
  area('cost report', () => registerCostReport(services, panel ? { showUsage: () => panel.showTab('usage') } : {}));

  // Seams between areas: @workspace retrieval, the MCP tool loop, MCP resources and approvals in chat.
  if (panel) area('chat wiring', () => connectPanel(services, panel, { workspaceSearch: search, mcp }));
  area('VS Code Chat', () => registerVsCodeChat(services, { search, mcp }));

  logger.info(`Switchyard ${String(context.extension.packageJSON.version ?? '')} activated; data in ${context.globalStorageUri.fsPath}`);
  return { services, panel, search, mcp };
}

export function deactivate(): void {
  // Everything lives in context.subscriptions (including the core's dispose, which flushes traces).
}
