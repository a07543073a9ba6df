/** A page that loaded (or was shown again) gets everything it draws: models, conversations, the active one, the tab and chips asked for meanwhile. */
import { panelModels } from '../models';
import { activeConversationId, forView } from './conversations';
import type { AreaHandlers } from './types';

export const pageHandlers = {
  ready: (panel, conn) => {
    const { chat, connections, services } = panel;
    conn.ready = true;
    const id = activeConversationId(panel);
    const active = (id && chat.get(id)) || null;
    connections.post(conn, { type: 'init', ...panelModels(services.core), conversations: chat.list(), active: forView(active), running: active ? chat.isRunning(active.id) : false, tab: connections.takePendingTab() });
    connections.flushChips();
    void panel.sources.standingChips?.().then(
      (chips) => chips.forEach((chip) => connections.post(conn, { type: 'chat/addChip', chip })),
      (err: unknown) => services.logger.warn(`Instruction files not offered: ${String(err)}`),
    );
  },
} satisfies AreaHandlers;
