/** The chat input's "attach" pickers: workspace files, and MCP resources when a server offers them. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection } from '../connections';
import type { AreaHandlers, PanelContext } from './types';

/** Files the picker offers at most (the quick pick filters them as the user types). */
const MAX_PICKABLE_FILES = 5000;

async function pickFiles(panel: PanelContext, conn: Connection): Promise<void> {
  const files = await vscode.workspace.findFiles('**/*', '**/{node_modules,.git,dist,out,build}/**', MAX_PICKABLE_FILES);
  if (files.length === 0) {
    panel.connections.post(conn, { type: 'toast', level: 'warn', text: 'No files in the workspace.' });
    return;
  }
  const items = files
    .map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri, false), uri }))
    .sort((a, b) => a.description.localeCompare(b.description));
  const picked = await vscode.window.showQuickPick(items, { title: 'Switchyard: attach a file', matchOnDescription: true, canPickMany: true });
  for (const p of picked ?? []) {
    panel.connections.post(conn, { type: 'chat/addChip', chip: { kind: 'file', id: `file-${p.description}`.slice(0, 128), path: p.description, uri: p.uri.toString() } });
  }
}

async function pickMcpResource(panel: PanelContext, conn: Connection): Promise<void> {
  const pick = panel.sources.pickMcpResource;
  if (!pick) {
    panel.connections.post(conn, { type: 'toast', level: 'warn', text: 'No MCP server with resources is connected (add one under switchyard.mcpServers or .vscode/mcp.json).' });
    return;
  }
  const chip = await pick();
  if (chip) panel.connections.post(conn, { type: 'chat/addChip', chip });
}

export const attachmentHandlers = {
  'chat/pickContext': (panel, conn, msg) => (msg.kind === 'file' ? pickFiles(panel, conn) : pickMcpResource(panel, conn)),
} satisfies AreaHandlers;
