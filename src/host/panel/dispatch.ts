/**
 * The panel's inbound messages: each one is validated against the webview protocol, then runs the
 * one handler its kind has in the table (Cline's controller registry is the model). A message that
 * fails validation (an unknown kind included) is logged with the reason and dropped; a handler that
 * fails is logged and shown as a toast in the page that asked. Nothing here throws.
 */
import { parseWebviewMessage, type WebviewMessage } from '../../protocol/messages';
import type { Connection } from './connections';
import { attachmentHandlers } from './handlers/attachments';
import { chatHandlers } from './handlers/chat';
import { conversationHandlers } from './handlers/conversations';
import { editorHandlers } from './handlers/editor';
import { linkHandlers } from './handlers/links';
import { pageHandlers } from './handlers/page';
import { traceHandlers } from './handlers/traces';
import type { Handler, HandlerTable, PanelContext } from './handlers/types';
import { usageHandlers } from './handlers/usage';

/** Each area's handlers, by area (one module each under handlers/). */
export const HANDLERS_BY_AREA = {
  page: pageHandlers,
  chat: chatHandlers,
  conversations: conversationHandlers,
  attachments: attachmentHandlers,
  editor: editorHandlers,
  links: linkHandlers,
  usage: usageHandlers,
  traces: traceHandlers,
} as const;

export const MESSAGE_HANDLERS: HandlerTable = {
  ...pageHandlers,
  ...chatHandlers,
  ...conversationHandlers,
  ...attachmentHandlers,
  ...editorHandlers,
  ...linkHandlers,
  ...usageHandlers,
  ...traceHandlers,
};

/** Runs the handler of a validated message. */
function dispatch(panel: PanelContext, conn: Connection, msg: WebviewMessage): Promise<void> {
  const handler = MESSAGE_HANDLERS[msg.type] as Handler<WebviewMessage['type']>;
  return Promise.resolve(handler(panel, conn, msg));
}

/** One raw message from a page: validated, then dispatched. Resolves when its handler is done; never rejects. */
export async function receive(panel: PanelContext, conn: Connection, raw: unknown): Promise<void> {
  const { logger } = panel.services;
  const parsed = parseWebviewMessage(raw);
  if (!parsed.ok) {
    logger.warn(`Switchyard panel: ${parsed.error}`);
    return;
  }
  try {
    await dispatch(panel, conn, parsed.message);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    logger.error(`Switchyard panel: ${parsed.message.type} failed: ${text}`);
    panel.connections.post(conn, { type: 'toast', level: 'error', text });
  }
}
