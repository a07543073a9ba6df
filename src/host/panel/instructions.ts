/**
 * The workspace's instruction files in chat: offered as a removable chip when the chat loads, and
 * read (size-capped) into the system prompt while the chip is attached. Only in a trusted workspace:
 * an untrusted folder must not steer the model.
 */
import * as vscode from 'vscode';
import { findInstructionFiles, readInstructionFiles } from '../../core/chat/instructions';
import type { PanelApi } from './panelHost';

const root = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

export function connectInstructions(panel: PanelApi): void {
  panel.setStandingChips(async () => {
    const dir = root();
    if (!dir || !vscode.workspace.isTrusted) return [];
    const paths = await findInstructionFiles(dir);
    return paths.length ? [{ kind: 'instructions', id: 'instructions', paths }] : [];
  });
  panel.setContextResolver('instructions', async (chip) => {
    const dir = root();
    if (chip.kind !== 'instructions' || !dir) return [];
    if (!vscode.workspace.isTrusted) throw new Error('instruction files are only sent in a trusted workspace');
    return readInstructionFiles(dir, chip.paths);
  });
}
