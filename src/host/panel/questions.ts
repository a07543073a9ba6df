/**
 * The questions a chat turn asks the user — may this tool run, and what to do at a spend cap —
 * answered by the Chat tab's buttons while a panel page is on screen, else by a modal. Built
 * before the chat and the panel: the chat asks them, the panel shows them and takes the clicks.
 */
import * as vscode from 'vscode';
import type { CapDecision, CapPrompt } from '../../core/chat/spendCap';
import { formatUsd } from '../../core/cost/money';
import { askToolApprovalModal } from '../toolApproval';
import { ApprovalBroker } from './approvals';
import { CapBroker } from './capPrompts';
import type { PanelConnections } from './connections';

export interface PanelQuestions {
  /** Its `prompt` is the tool approval's question (host/toolApproval.ts). */
  readonly approvals: ApprovalBroker;
  /** Its `ask` is the chat's spend-cap question. */
  readonly caps: CapBroker;
}

export function createPanelQuestions(connections: PanelConnections): PanelQuestions {
  const onScreen = () => connections.anyVisible();
  return {
    approvals: new ApprovalBroker(askToolApprovalModal, onScreen),
    caps: new CapBroker((prompt) => connections.broadcast({ type: 'chat/capPrompt', ...prompt }), askCapModal, onScreen),
  };
}

/** The spend-cap question when no panel page is on screen. */
async function askCapModal(prompt: CapPrompt): Promise<CapDecision> {
  const more = `Continue for about ${formatUsd(prompt.extraUsd)} more`;
  const cheaper = prompt.cheaperModel ? `Switch to ${prompt.cheaperModel}` : undefined;
  const picked = await vscode.window.showWarningMessage(prompt.message, { modal: true }, more, ...(cheaper ? [cheaper] : []), 'Stop');
  return picked === more ? 'continue' : picked !== undefined && picked === cheaper ? 'switch' : 'stop';
}
