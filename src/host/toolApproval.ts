/**
 * Tool-call approval in VS Code, one for every tool loop (the panel's chat, @switchyard in VS
 * Code's Chat) and every tool source (MCP servers, Switchyard's workspace tools): the policy with
 * its session and "always" lists, and the one modal question asked when no Chat tab can ask.
 */
import * as vscode from 'vscode';
import { createApprovalPolicy, type ApprovalChoice, type ApprovalPolicy, type ToolApprovalRequest } from '../core/tools/approval';
import { WORKSPACE_TOOLS } from '../core/tools/workspaceTools';
import { SETTINGS_SECTION } from './settings';

/** Asks the user about one tool call; undefined = dismissed (counts as deny). */
export type ToolApprovalPrompt = (request: ToolApprovalRequest, signal?: AbortSignal) => Promise<ApprovalChoice | undefined>;

/** The buttons, worded as the Chat tab's approval card words them. */
export const TOOL_APPROVAL_BUTTONS: ReadonlyArray<readonly [label: string, choice: ApprovalChoice]> = [
  ['Allow once', 'once'],
  ['Allow for this session', 'session'],
  ['Always allow', 'always'],
  ['Deny', 'deny'],
];

const MAX_ARGUMENT_CHARS = 1500;

/** The question for one call: which tool from where, what it may do, and its arguments. */
export function toolApprovalQuestion(req: ToolApprovalRequest): { message: string; detail: string } {
  const effect = req.annotations?.readOnlyHint === true ? ' (read-only)' : req.annotations?.destructiveHint === true ? ' (may modify or delete data)' : '';
  const tool = req.server === WORKSPACE_TOOLS ? `Switchyard's workspace tool "${req.tool}"` : `the tool "${req.tool}" from MCP server "${req.server}"`;
  let args = JSON.stringify(req.arguments ?? {}, null, 2);
  if (args.length > MAX_ARGUMENT_CHARS) args = `${args.slice(0, MAX_ARGUMENT_CHARS)}\n…`;
  const description = req.description?.split('\n')[0];
  return { message: `Switchyard: allow ${tool}${effect}?`, detail: `${description ? `${description}\n\n` : ''}Arguments:\n${args}` };
}

/** The modal question (used when no Chat tab shows the call). */
export const askToolApprovalModal: ToolApprovalPrompt = async (req, signal) => {
  if (signal?.aborted) return undefined;
  const { message, detail } = toolApprovalQuestion(req);
  const picked = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...TOOL_APPROVAL_BUTTONS.map(([label]) => label));
  return TOOL_APPROVAL_BUTTONS.find(([label]) => label === picked)?.[1];
};

/**
 * The extension's one approval policy: tools in `switchyard.mcp.alwaysAllow` pass, "session"
 * answers last until the window closes, "always" answers are added to that setting.
 */
export function createToolApprovalPolicy(prompt: ToolApprovalPrompt, alwaysAllow: () => readonly string[]): ApprovalPolicy {
  return createApprovalPolicy({
    alwaysAllow,
    prompt,
    persistAlways: async (entry) => {
      const section = vscode.workspace.getConfiguration(SETTINGS_SECTION);
      const current = section.inspect<{ alwaysAllow?: string[] } & Record<string, unknown>>('mcp')?.globalValue ?? {};
      const list = [...new Set([...(current.alwaysAllow ?? []), entry])];
      await section.update('mcp', { ...current, alwaysAllow: list }, vscode.ConfigurationTarget.Global);
    },
  });
}
