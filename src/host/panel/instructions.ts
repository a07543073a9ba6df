/**
 * The workspace's instruction files in chat: offered as a chip when the chat loads, and read
 * (size-capped) into the system prompt while the chip is on. Removing the chip turns it off for this
 * workspace (kept in workspaceState, so a reload does not bring it back); the chip then stays in an
 * "off" state the user can include again. Only in a trusted workspace: an untrusted folder must not
 * steer the model.
 */
import * as vscode from 'vscode';
import { findInstructionFiles, readInstructionFiles } from '../../core/chat/instructions';
import type { ContextChip } from '../../core/chat/types';
import { registerSafeCommand, type HostServices } from '../hostServices';
import type { PanelApi } from './panelHost';

/** The panel host forwards the webview's `chat/instructions` message here (include: boolean). */
export const INCLUDE_INSTRUCTIONS_COMMAND = 'switchyard.chat.includeInstructions';
/** workspaceState: true when the user turned the instruction files off in this workspace. */
export const INSTRUCTIONS_OFF_KEY = 'switchyard.chat.instructionsOff';

const root = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

/** The instructions chip as the chat shows it now: on, off (the user's choice here), or none. */
export async function instructionsChip(dir: string | undefined, state: vscode.Memento): Promise<ContextChip | undefined> {
  if (!dir || !vscode.workspace.isTrusted) return undefined;
  const paths = await findInstructionFiles(dir);
  if (!paths.length) return undefined;
  return { kind: 'instructions', id: 'instructions', paths, ...(state.get<boolean>(INSTRUCTIONS_OFF_KEY) ? { off: true as const } : {}) };
}

export function connectInstructions(services: HostServices, panel: PanelApi): void {
  const state = services.context.workspaceState;
  registerSafeCommand(services, INCLUDE_INSTRUCTIONS_COMMAND, async (include) => {
    if (typeof include !== 'boolean') throw new Error(`${INCLUDE_INSTRUCTIONS_COMMAND} takes true (include) or false (leave out).`);
    await state.update(INSTRUCTIONS_OFF_KEY, include ? undefined : true);
  });
  panel.setStandingChips(async () => {
    const chip = await instructionsChip(root(), state);
    return chip ? [chip] : [];
  });
  panel.setContextResolver('instructions', async (chip) => {
    const dir = root();
    // An "off" chip is shown, never sent (the webview leaves it out; this holds if one arrives anyway).
    if (chip.kind !== 'instructions' || chip.off || !dir) return [];
    if (!vscode.workspace.isTrusted) throw new Error('instruction files are only sent in a trusted workspace');
    return readInstructionFiles(dir, chip.paths);
  });
}
