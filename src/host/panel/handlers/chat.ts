/**
 * A chat turn from the Chat tab: send (slash commands expanded), retry, stop, the next-turn
 * estimate, the answers to the turn's questions (tool approval, spend cap), and the turn's events
 * streamed back to every page.
 */
import type { ChatEvent } from '../../../core/chat/service';
import { expandSlashCommand } from '../../../core/chat/slashCommands';
import type { Connection } from '../connections';
import { sendConversation, setActiveConversation } from './conversations';
import type { AreaHandlers, PanelContext } from './types';

/** Where a running turn's events go: every page, and tool calls also to the approval broker. */
function chatEventSink(panel: PanelContext): (ev: ChatEvent) => void {
  const { chat, connections, questions } = panel;
  return (ev) => {
    switch (ev.type) {
      case 'conversation':
        void setActiveConversation(panel, ev.conversation.id);
        sendConversation(panel, ev.conversation);
        return;
      case 'delta':
        connections.broadcast({ type: 'chat/delta', conversationId: ev.conversationId, messageId: ev.messageId, text: ev.text });
        return;
      case 'notice':
        connections.broadcast({ type: 'chat/notice', conversationId: ev.conversationId, messageId: ev.messageId, text: ev.text });
        return;
      case 'toolCall':
        questions.approvals.observe(ev.call);
        connections.broadcast({ type: 'chat/toolCall', conversationId: ev.conversationId, messageId: ev.messageId, call: ev.call });
        return;
      case 'done':
        connections.broadcast({ type: 'chat/done', conversationId: ev.conversationId, message: ev.message });
        connections.broadcast({ type: 'chat/conversations', conversations: chat.list() });
        return;
    }
  };
}

/** A turn that could not start (bad slash command, unknown conversation) is an inline error in the page that asked. */
async function runTurn(panel: PanelContext, conn: Connection, turn: () => Promise<unknown>): Promise<void> {
  try {
    await turn();
  } catch (err) {
    panel.connections.post(conn, { type: 'chat/error', error: { kind: 'internal', message: err instanceof Error ? err.message : String(err), actions: [] } });
  }
}

export const chatHandlers = {
  'chat/send': (panel, conn, msg) =>
    runTurn(panel, conn, async () => {
      const { slashCommands } = panel.sources;
      // "/server.prompt args" runs that MCP prompt; its messages become the question.
      const text = (slashCommands && (await expandSlashCommand(msg.text, slashCommands))) || msg.text;
      await panel.chat.send({ conversationId: msg.conversationId, text, chips: msg.chips, model: msg.model }, chatEventSink(panel));
    }),

  'chat/instructions': (panel, _conn, msg) => panel.sources.includeInstructions?.(msg.include),

  'chat/retry': (panel, conn, msg) => runTurn(panel, conn, () => panel.chat.retry(msg.conversationId, msg.messageId, msg.model, chatEventSink(panel))),

  'chat/stop': (panel, _conn, msg) => {
    panel.chat.stop(msg.conversationId);
  },

  'chat/estimate': async (panel, conn, msg) => {
    const estimate = await panel.chat.estimate({ conversationId: msg.conversationId, text: msg.text, chips: msg.chips, model: msg.model });
    panel.connections.post(conn, { type: 'chat/estimate', seq: msg.seq, estimate: estimate ?? null });
  },

  'chat/listSlashCommands': (panel, conn) => panel.connections.post(conn, { type: 'chat/slashCommands', commands: panel.sources.slashCommands?.list() ?? [] }),

  'chat/capDecide': (panel, conn, msg) => {
    if (!panel.questions.caps.decide(msg.conversationId, msg.decision)) panel.connections.post(conn, { type: 'toast', level: 'warn', text: 'That conversation is no longer waiting at a spend cap.' });
  },

  'tool/decide': (panel, conn, msg) => {
    if (!panel.questions.approvals.decide(msg.callId, msg.decision)) panel.connections.post(conn, { type: 'toast', level: 'warn', text: 'That tool call is no longer waiting for approval.' });
  },
} satisfies AreaHandlers;
