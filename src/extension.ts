/**
 * The composition root of the VS Code extension: builds the host services (and through them the
 * core) once, then registers every area's commands, providers and views, and wires their seams.
 */
import * as vscode from 'vscode';
import { registerAddModel } from './host/commands/addModel';
import { registerCostReport } from './host/commands/costReport';
import { registerSetApiKey } from './host/commands/setApiKey';
import { registerSwitchModel } from './host/commands/switchModel';
import { registerCompletion } from './host/completion/register';
import { createHostServices, type HostServices } from './host/hostServices';
import { registerVsCodeChat } from './host/lmChat/register';
import { createOutputLogger } from './host/logger';
import { registerMcp, type McpHostHandle } from './host/mcp/index';
import { createPanelChat, mcpSlashCommands } from './host/panel/chatService';
import { PanelConnections } from './host/panel/connections';
import { instructionFiles } from './host/panel/instructions';
import { registerPanel, type PanelApi } from './host/panel/panelHost';
import { createPanelQuestions } from './host/panel/questions';
import { registerRag, type WorkspaceSearch } from './host/rag/register';
import { createHostSecrets } from './host/secrets';
import { registerStatusBar } from './host/statusBar';
import { registerLedgerAlerts } from './host/ledgerAlerts';
import { createToolApprovalPolicy } from './host/toolApproval';

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
  area('Add Model', () => registerAddModel(services));
  area('status bar', () => registerStatusBar(services));
  area('ledger alerts', () => registerLedgerAlerts(services));
  const search = area('workspace index', () => registerRag(services));
  area('inline completions', () => registerCompletion(services, { indexSnippets: search && ((query, signal) => search.snippets(query, signal)) }));

  // The questions a tool loop asks (tool approval, spend cap) are answered in the panel's Chat
  // tab when a page is on screen, else in a modal; one approval policy serves every tool loop.
  const connections = new PanelConnections();
  const questions = createPanelQuestions(connections);
  const approval = createToolApprovalPolicy(questions.approvals.prompt, () => services.core.config.mcp.alwaysAllow);
  const mcp = area('MCP', () => registerMcp(services, { approval }));
  const chat = area('chat', () => createPanelChat(services, { approve: approval.approve, askCap: questions.caps.ask, search, mcp }));
  const instructions = instructionFiles(context.workspaceState);
  const sources = { slashCommands: mcp && mcpSlashCommands(mcp), pickMcpResource: mcp && (() => mcp.pickResource()), standingChips: instructions.chips, includeInstructions: instructions.include };
  const panel = chat && area('panel', () => registerPanel(services, { chat, connections, questions, sources }));
  area('cost report', () => registerCostReport(services, panel ? { showUsage: () => panel.showTab('usage') } : {}));
  area('VS Code Chat', () => registerVsCodeChat(services, { approve: approval.approve, search, mcp }));

  logger.info(`Switchyard ${String(context.extension.packageJSON.version ?? '')} activated; data in ${context.globalStorageUri.fsPath}`);
  return { services, panel, search, mcp };
}

export function deactivate(): void {
  // Everything lives in context.subscriptions (including the core's dispose, which flushes traces).
}
