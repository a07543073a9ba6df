/**
 * The Switchyard panel in VS Code: a webview view in the activity bar (also openable beside the
 * editor). This module owns the pages' lifecycle and hands every inbound message to the dispatch
 * table (dispatch.ts → handlers/<area>.ts); the chat and the questions it asks come built from
 * the composition root.
 */
import * as vscode from 'vscode';
import type { ChatService } from '../../core/chat/service';
import type { Tab } from '../../protocol/messages';
import { registerSafeCommand, type HostServices } from '../hostServices';
import type { Connection, PanelConnections } from './connections';
import { receive } from './dispatch';
import { startConversation } from './handlers/conversations';
import { EditorTarget } from './handlers/editor';
import { watchTraces } from './handlers/traces';
import type { PanelContext, PanelSources } from './handlers/types';
import { UsageFeed } from './handlers/usage';
import { renderPanelHtml } from './html';
import { panelModels } from './models';
import type { PanelQuestions } from './questions';

export type { PanelSources } from './handlers/types';

export const VIEW_ID = 'switchyard.panel';
const EDITOR_PANEL_TYPE = 'switchyard.panelEditor';

/** What the composition root builds and hands to the panel. */
export interface PanelInputs {
  readonly chat: ChatService;
  /** The pages' registry; the questions post through it too. */
  readonly connections: PanelConnections;
  readonly questions: PanelQuestions;
  readonly sources: PanelSources;
}

/** What the panel offers the rest of the extension. */
export interface PanelApi {
  /** Opens the panel on a tab (e.g. Show Cost Report → 'usage'). */
  showTab(tab: Tab): Promise<void>;
  readonly chat: ChatService;
}

class PanelController implements vscode.WebviewViewProvider, vscode.WebviewPanelSerializer {
  private readonly panel: PanelContext;

  constructor(
    private readonly services: HostServices,
    inputs: PanelInputs,
  ) {
    this.panel = {
      services,
      chat: inputs.chat,
      connections: inputs.connections,
      questions: inputs.questions,
      sources: inputs.sources,
      usage: new UsageFeed(services, inputs.connections),
      editor: new EditorTarget(),
    };
  }

  // ------------------------------------------------------------------ pages

  resolveWebviewView(view: vscode.WebviewView): void {
    const conn: Connection = { webview: view.webview, visible: () => view.visible, ready: false };
    view.onDidChangeVisibility(() => {
      if (!view.visible) this.hidden(conn);
    });
    this.attach(view.webview, conn, view.onDidDispose);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    this.attachPanel(panel);
  }

  openInEditor(): void {
    const panel = vscode.window.createWebviewPanel(EDITOR_PANEL_TYPE, 'Switchyard', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, this.webviewOptions());
    this.attachPanel(panel);
  }

  private attachPanel(panel: vscode.WebviewPanel): void {
    panel.iconPath = vscode.Uri.joinPath(this.services.context.extensionUri, 'media', 'icon.png');
    const conn: Connection = { webview: panel.webview, visible: () => panel.visible, ready: false };
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.hidden(conn);
    });
    this.attach(panel.webview, conn, panel.onDidDispose);
  }

  /** A hidden page is discarded; shown again, it asks for what it draws. */
  private hidden(conn: Connection): void {
    conn.ready = false;
    this.panel.usage.unwatch(conn);
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.services.context.extensionUri, 'dist', 'webview')] };
  }

  private attach(webview: vscode.Webview, conn: Connection, onDidDispose: vscode.Event<void>): void {
    webview.options = this.webviewOptions();
    const base = vscode.Uri.joinPath(this.services.context.extensionUri, 'dist', 'webview');
    webview.html = renderPanelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'main.css')).toString(),
    });
    const { connections, usage } = this.panel;
    connections.add(conn);
    const sub = webview.onDidReceiveMessage((raw: unknown) => void receive(this.panel, conn, raw));
    onDidDispose(() => {
      sub.dispose();
      connections.delete(conn);
      usage.unwatch(conn);
    });
  }

  // ------------------------------------------------------------------ lifetime

  start(): vscode.Disposable[] {
    const { connections, usage, editor } = this.panel;
    let unwatchTraces = watchTraces(this.services, connections);
    return [
      ...editor.start(),
      this.services.onDidChangeCore(() => {
        unwatchTraces();
        unwatchTraces = watchTraces(this.services, connections);
        connections.broadcast({ type: 'models', ...panelModels(this.services.core) });
      }),
      this.services.onDidFinishCall(() => usage.callFinished()),
      { dispose: () => unwatchTraces() },
      usage,
    ];
  }

  // ------------------------------------------------------------------ commands

  async reveal(tab?: Tab): Promise<void> {
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    if (tab) this.panel.connections.showTab(tab);
  }

  async askAboutSelection(): Promise<void> {
    const chip = this.panel.editor.selectionChip();
    if (!chip) {
      void vscode.window.showInformationMessage('Switchyard: open a file and select code to ask about.');
      await this.reveal('chat');
      return;
    }
    await this.reveal('chat');
    this.panel.connections.addChip(chip);
  }

  async newChat(): Promise<void> {
    await this.reveal('chat');
    await startConversation(this.panel);
  }
}

/**
 * Registers the panel (activity-bar view + editor panel) and its commands (open, Ask About
 * Selection, New Chat, Show Usage / Traces).
 */
export function registerPanel(services: HostServices, inputs: PanelInputs): PanelApi {
  const controller = new PanelController(services, inputs);
  services.context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(VIEW_ID, controller),
    vscode.window.registerWebviewPanelSerializer(EDITOR_PANEL_TYPE, controller),
    ...controller.start(),
  );
  registerSafeCommand(services, 'switchyard.openPanel', () => controller.reveal());
  registerSafeCommand(services, 'switchyard.openPanelInEditor', () => controller.openInEditor());
  registerSafeCommand(services, 'switchyard.askAboutSelection', () => controller.askAboutSelection());
  registerSafeCommand(services, 'switchyard.newChat', () => controller.newChat());
  registerSafeCommand(services, 'switchyard.showUsage', () => controller.reveal('usage'));
  registerSafeCommand(services, 'switchyard.showTraces', () => controller.reveal('traces'));
  return { showTab: (tab) => controller.reveal(tab), chat: inputs.chat };
}
