/**
 * The panel's open pages (the activity-bar view and any editor panels) and what waits for a page
 * to load: posting to one page, broadcasting to all, and the tab and chips asked for meanwhile.
 * Pure (vscode types only), so the questions asked in the Chat tab can be built before the panel.
 */
import type * as vscode from 'vscode';
import type { ContextChip } from '../../core/chat/types';
import type { HostMessage, Tab } from '../../protocol/messages';

/** One open page of the panel. */
export interface Connection {
  readonly webview: Pick<vscode.Webview, 'postMessage'>;
  visible(): boolean;
  /** The page sent 'ready' and was not hidden since (a hidden view's page is discarded). */
  ready: boolean;
}

export class PanelConnections {
  private readonly open = new Set<Connection>();
  private pendingTab: Tab | undefined;
  private readonly pendingChips: ContextChip[] = [];

  add(conn: Connection): void {
    this.open.add(conn);
  }

  delete(conn: Connection): void {
    this.open.delete(conn);
  }

  get size(): number {
    return this.open.size;
  }

  /** True when some page is on screen (it can show a question in the Chat tab). */
  anyVisible(): boolean {
    return [...this.open].some((c) => c.visible());
  }

  /** Pages that are loaded and listening. */
  live(): Connection[] {
    return [...this.open].filter((c) => c.ready && c.visible());
  }

  post(conn: Connection, msg: HostMessage): void {
    void conn.webview.postMessage(msg);
  }

  broadcast(msg: HostMessage): void {
    for (const c of this.open) this.post(c, msg);
  }

  /** Switches the loaded pages to `tab`; a page still loading gets it with 'init' (see takePendingTab). */
  showTab(tab: Tab): void {
    const live = this.live();
    if (!live.length) {
      this.pendingTab = tab;
      return;
    }
    for (const c of live) this.post(c, { type: 'showTab', tab });
    this.pendingTab = undefined;
  }

  /** Attaches a chip in the loaded pages' chat input, or keeps it until a page is ready. */
  addChip(chip: ContextChip): void {
    this.pendingChips.push(chip);
    this.flushChips();
  }

  /** The tab asked for while no page was ready (taken once). */
  takePendingTab(): Tab | undefined {
    const tab = this.pendingTab;
    this.pendingTab = undefined;
    return tab;
  }

  /** Sends the chips kept while no page was ready. */
  flushChips(): void {
    const live = this.live();
    if (!live.length) return;
    for (const chip of this.pendingChips.splice(0)) for (const c of live) this.post(c, { type: 'chat/addChip', chip });
  }
}
