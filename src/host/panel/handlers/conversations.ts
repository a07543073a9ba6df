/** The conversation list: new, select, delete, compact, rename, model; and which one is active. */
import * as vscode from 'vscode';
import type { Conversation } from '../../../core/chat/types';
import type { AreaHandlers, PanelContext } from './types';

const ACTIVE_KEY = 'switchyard.chat.activeConversation';

export function activeConversationId(panel: PanelContext): string | undefined {
  return panel.services.context.workspaceState.get<string>(ACTIVE_KEY);
}

export async function setActiveConversation(panel: PanelContext, id: string | undefined): Promise<void> {
  await panel.services.context.workspaceState.update(ACTIVE_KEY, id);
}

/** The conversation as the webview shows it: without the expanded prompts (file contents etc.). */
export function forView(c: Conversation | null): Conversation | null {
  if (!c) return null;
  return { ...c, messages: c.messages.map(({ promptContent: _omit, ...m }) => m) };
}

/** Shows `conversation` (null: none) in every page, with the refreshed list. */
export function sendConversation(panel: PanelContext, conversation: Conversation | null): void {
  const { chat, connections } = panel;
  connections.broadcast({ type: 'chat/conversation', conversation: forView(conversation), running: conversation ? chat.isRunning(conversation.id) : false });
  connections.broadcast({ type: 'chat/conversations', conversations: chat.list() });
}

/** Starts an empty conversation and shows it (the "+" button and Switchyard: New Chat). */
export async function startConversation(panel: PanelContext, model?: string): Promise<void> {
  const c = await panel.chat.create(model);
  await setActiveConversation(panel, c.id);
  sendConversation(panel, c);
}

export const conversationHandlers = {
  'chat/new': (panel) => startConversation(panel),

  'chat/select': async (panel, _conn, msg) => {
    const c = panel.chat.get(msg.conversationId) ?? null;
    await setActiveConversation(panel, c?.id);
    sendConversation(panel, c);
  },

  'chat/delete': async (panel, _conn, msg) => {
    const { chat } = panel;
    const c = chat.get(msg.conversationId);
    if (!c) return;
    const ok = await vscode.window.showWarningMessage(`Delete the conversation "${c.title}"?`, { modal: true }, 'Delete');
    if (ok !== 'Delete') return;
    await chat.delete(c.id);
    const next = chat.list()[0];
    const conv = next ? chat.get(next.id) ?? null : null;
    await setActiveConversation(panel, conv?.id);
    sendConversation(panel, conv);
  },

  'chat/compact': async (panel, conn, msg) => {
    const out = await panel.chat.compact(msg.conversationId);
    if (out.conversation) sendConversation(panel, out.conversation);
    if (out.reason) panel.connections.post(conn, { type: 'toast', level: 'info', text: out.reason });
  },

  'chat/rename': async (panel, _conn, msg) => {
    const c = await panel.chat.rename(msg.conversationId, msg.title);
    if (c) sendConversation(panel, c);
  },

  'chat/setModel': async (panel, _conn, msg) => {
    const model = msg.model ?? undefined;
    if (model && !panel.services.core.config.models[model]) throw new Error(`Unknown model "${model}": add it under switchyard.models.`);
    if (!msg.conversationId) return startConversation(panel, model);
    const c = await panel.chat.setModel(msg.conversationId, model);
    if (c) {
      await setActiveConversation(panel, c.id);
      sendConversation(panel, c);
    }
  },
} satisfies AreaHandlers;
