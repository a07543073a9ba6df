/** Links in answers (workspace files, or web pages and mail only) and the fix actions of inline errors. */
import * as vscode from 'vscode';
import { isSafeExternalLink } from '../../../protocol/messages';
import type { AreaHandlers } from './types';

/** A relative link in an answer (e.g. "src/a.ts#L10") opens that workspace file; false when it is not one. */
async function openWorkspaceLink(href: string): Promise<boolean> {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return false;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return false;
  const [file, fragment] = href.split('#');
  if (!file) return false;
  const target = vscode.Uri.joinPath(folder.uri, decodeURIComponent(file));
  const root = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
  if (!target.path.startsWith(root)) return false; // ".." out of the workspace
  try {
    await vscode.workspace.fs.stat(target);
  } catch {
    return false;
  }
  const line = /^L(\d+)/.exec(fragment ?? '')?.[1];
  const pos = line ? new vscode.Position(Math.max(0, Number(line) - 1), 0) : undefined;
  await vscode.window.showTextDocument(target, { preview: true, selection: pos ? new vscode.Range(pos, pos) : undefined, viewColumn: vscode.ViewColumn.Active });
  return true;
}

export const linkHandlers = {
  'link/open': async (panel, conn, msg) => {
    if (await openWorkspaceLink(msg.href)) return;
    if (!isSafeExternalLink(msg.href)) {
      panel.connections.post(conn, { type: 'toast', level: 'warn', text: `Not opening ${msg.href.slice(0, 100)}: only http, https and mailto links open from the panel.` });
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(msg.href, true));
  },

  'action/run': async (_panel, _conn, msg) => {
    const { fix } = msg;
    if (fix.action === 'setKey') await vscode.commands.executeCommand('switchyard.setApiKey', fix.provider ? { provider: fix.provider } : undefined);
    else if (fix.action === 'openSettings') await vscode.commands.executeCommand('workbench.action.openSettings', 'switchyard');
    else if (fix.action === 'switchModel') await vscode.commands.executeCommand('switchyard.switchModel');
    else if (fix.action === 'addModel') await vscode.commands.executeCommand('switchyard.addModel');
  },
} satisfies AreaHandlers;
