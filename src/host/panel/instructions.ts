/**
 * The workspace's instruction files in chat: offered as a removable chip when the chat loads, and
 * read (size-capped) into the system prompt while the chip is attached. Only in a trusted workspace:
 * an untrusted folder must not steer the model.
 */
import * as vscode from 'vscode';
import { findInstructionFiles, readInstructionFiles } from '../../core/chat/instructions';
import type { ContextResolver } from '../../core/chat/service';
import type { ContextChip } from '../../core/chat/types';

const root = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

/** The chip offered each time the chat page loads (none in an untrusted or empty workspace). */
export async function instructionChips(): Promise<ContextChip[]> {
  const dir = root();
  if (!dir || !vscode.workspace.isTrusted) return [];
  const paths = await findInstructionFiles(dir);
  return paths.length ? [{ kind: 'instructions', id: 'instructions', paths }] : [];
}

/** ChatServiceDeps.resolvers.instructions: the files' text, only in a trusted workspace. */
export const instructionsResolver: ContextResolver = async (chip) => {
  const dir = root();
  if (chip.kind !== 'instructions' || !dir) return [];
  if (!vscode.workspace.isTrusted) throw new Error('instruction files are only sent in a trusted workspace');
  return readInstructionFiles(dir, chip.paths);
};
