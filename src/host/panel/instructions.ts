/**
 * The workspace's instruction files in chat: offered as a chip when the chat loads, and read
 * (size-capped) into the system prompt while the chip is on. Removing the chip turns it off for this
 * workspace (kept in workspaceState, so a reload does not bring it back); the chip then stays in an
 * "off" state the user can include again. Only in a trusted workspace: an untrusted folder must not
 * steer the model.
 */
import * as vscode from 'vscode';
import { findInstructionFiles, readInstructionFiles } from '../../core/chat/instructions';
import type { ContextResolver } from '../../core/chat/service';
import type { ContextChip } from '../../core/chat/types';

/** workspaceState: true when the user turned the instruction files off in this workspace. */
export const INSTRUCTIONS_OFF_KEY = 'switchyard.chat.instructionsOff';

const root = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

/** The instructions chip as the chat shows it now: on, off (the user's choice here), or none. */
async function instructionsChip(dir: string | undefined, state: vscode.Memento): Promise<ContextChip | undefined> {
  if (!dir || !vscode.workspace.isTrusted) return undefined;
  const paths = await findInstructionFiles(dir);
  if (!paths.length) return undefined;
  return { kind: 'instructions', id: 'instructions', paths, ...(state.get<boolean>(INSTRUCTIONS_OFF_KEY) ? { off: true as const } : {}) };
}

/** The panel's instruction-file source: the chip each page load offers, and the user's on/off choice. */
export function instructionFiles(state: vscode.Memento): { chips(): Promise<ContextChip[]>; include(on: boolean): Promise<void> } {
  return {
    chips: async () => {
      const chip = await instructionsChip(root(), state);
      return chip ? [chip] : [];
    },
    include: (on) => Promise.resolve(state.update(INSTRUCTIONS_OFF_KEY, on ? undefined : true)),
  };
}

/** ChatServiceDeps.resolvers.instructions: the files' text, only in a trusted workspace, never for an "off" chip. */
export const instructionsResolver: ContextResolver = async (chip) => {
  const dir = root();
  // An "off" chip is shown, never sent (the webview leaves it out; this holds if one arrives anyway).
  if (chip.kind !== 'instructions' || chip.off || !dir) return [];
  if (!vscode.workspace.isTrusted) throw new Error('instruction files are only sent in a trusted workspace');
  return readInstructionFiles(dir, chip.paths);
};
