/**
 * "Switchyard: Use in VS Code Chat": turns VS Code's built-in Chat on (it is the bundled Copilot
 * Chat extension, disabled on a new profile until its "Manage Language Models" step runs once) and
 * selects a Switchyard model in it. That step is VS Code's internal command
 * `workbench.action.chat.manage`, not API: when it disappears the user is told what to do by hand.
 */
import * as vscode from 'vscode';
import type { HostServices } from '../hostServices';
import { listLmModels, type LmModelEntry } from './models';
import { LM_VENDOR } from './provider';

const MANAGE_CHAT_COMMAND = 'workbench.action.chat.manage';
const OPEN_CHAT_COMMAND = 'workbench.action.chat.open';
/** Closes the modal editor the manage step opens (older builds open a normal editor). */
const CLOSE_MODAL_COMMAND = 'workbench.action.closeModalEditor';
/** The title of the editor the manage step opens. */
const MANAGE_EDITOR_LABEL = /language models/i;
const ENABLED_KEY = 'switchyard.vscodeChat.enabledOnce';

async function pickEntry(entries: LmModelEntry[], preselect?: string): Promise<LmModelEntry | undefined> {
  const pre = entries.find((e) => e.id === preselect);
  if (pre) return pre;
  if (entries.length === 1) return entries[0];
  const picked = await vscode.window.showQuickPick(
    entries.map((e) => ({ label: e.name, description: e.detail, detail: e.tooltip, entry: e })),
    { title: 'Which Switchyard model should VS Code Chat use?', placeHolder: 'Routes fall back to their next model when one fails' },
  );
  return picked?.entry;
}

/** Closes the "Language Models" editor the manage step opened (it opens a moment after the command returns). */
async function closeManageEditor(commands: string[]): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => MANAGE_EDITOR_LABEL.test(t.label));
    if (tabs.length) {
      await vscode.window.tabGroups.close(tabs);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A modal editor that is not among the tab groups.
  if (commands.includes(CLOSE_MODAL_COMMAND)) await vscode.commands.executeCommand(CLOSE_MODAL_COMMAND);
}

/** Runs the enable step (when not done yet or `force`), then opens Agent mode with the chosen model. */
export async function useInVsCodeChat(services: HostServices, options: { modelId?: string; force?: boolean; confirm?: boolean } = {}): Promise<boolean> {
  const entries = listLmModels(services.core.config, services.core.catalog);
  if (entries.length === 0) {
    const add = 'Add Model';
    const choice = await vscode.window.showWarningMessage('Switchyard has no chat model to offer VS Code Chat yet.', add);
    if (choice === add) await vscode.commands.executeCommand('switchyard.addModel');
    return false;
  }
  const entry = await pickEntry(entries, options.modelId);
  if (!entry) return false;

  const commands = await vscode.commands.getCommands(true);
  const alreadyEnabled = services.context.globalState.get<boolean>(ENABLED_KEY) === true;
  if (!alreadyEnabled || options.force) {
    if (options.confirm !== false) {
      const go = 'Turn On';
      const answer = await vscode.window.showInformationMessage(
        'Use Switchyard in VS Code Chat',
        {
          modal: true,
          detail: "VS Code's Chat (Ask, Agent, Plan) is the built-in Copilot Chat extension, switched off on a new profile. Switchyard turns it on through VS Code's \"Manage Language Models\" step — no GitHub sign-in — and selects " +
            `"${entry.name}". Every request then goes through Switchyard's router: fallback, budgets, ledger and traces.`,
        },
        go,
      );
      if (answer !== go) return false;
    }
    if (!commands.includes(MANAGE_CHAT_COMMAND)) {
      throw new Error(
        `This VS Code has no "${MANAGE_CHAT_COMMAND}" command (an internal command Switchyard uses to turn VS Code Chat on). ` +
          'Open the Chat view, click the model picker and choose "Manage Models…" once; Switchyard\'s models are listed there.',
      );
    }
    await vscode.commands.executeCommand(MANAGE_CHAT_COMMAND);
    await closeManageEditor(commands);
    await services.context.globalState.update(ENABLED_KEY, true);
  }
  // The picker can only select a model VS Code has resolved: ask for ours first.
  await vscode.lm.selectChatModels({ vendor: LM_VENDOR, id: entry.id });
  // modelSelector picks the model in the Chat view; an older build ignores it and keeps its pick.
  const open = () => vscode.commands.executeCommand(OPEN_CHAT_COMMAND, { query: '', isPartialQuery: true, mode: 'agent', modelSelector: { vendor: LM_VENDOR, id: entry.id } });
  await open();
  // A Chat view created by that call restores its last model once its session loads: select again after it.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await open();
  services.logger.info(`VS Code Chat: opened Agent mode with ${entry.name} (${entry.id}).`);
  return true;
}
