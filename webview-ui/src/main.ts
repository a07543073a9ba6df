/**
 * The Switchyard panel's entry: tabs (Chat · Usage · Traces), the validated message pump to and
 * from the host, and state persistence across hide/show via vscode.getState/setState.
 */
import './styles.css';
import { parseHostMessage, type HostMessage, type Tab, type WebviewMessage } from '../../src/protocol/messages';
import { ChatView } from './chat';
import { h } from './dom';
import { initialState, persistedStateSchema, type AppContext, type AppState, type VsCodeApi } from './state';
import { TracesTab } from './traces';
import { UsageTab } from './usage';

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function restore(): AppState {
  const parsed = persistedStateSchema.safeParse(vscode.getState());
  return parsed.success ? (parsed.data as AppState) : initialState();
}

const state = restore();
const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'chat', label: 'Chat' },
  { id: 'usage', label: 'Usage' },
  { id: 'traces', label: 'Traces' },
];

const app: AppContext = {
  state,
  post: (message: WebviewMessage) => vscode.postMessage(message),
  save: () => vscode.setState(state),
  switchTab: (tab: Tab) => showTab(tab),
};

const chat = new ChatView(app);
const usage = new UsageTab(app);
const traces = new TracesTab(app);
const panels: Record<Tab, HTMLElement> = { chat: chat.root, usage: usage.root, traces: traces.root };
const tabButtons = new Map<Tab, HTMLButtonElement>();
const loaded = new Set<Tab>();
/** Data tabs ask the host for data only once the host has answered `ready`. */
let initialized = false;

const tablist = h('nav', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Switchyard' } });
for (const t of TABS) {
  const b = h('button', { class: 'tab', text: t.label, attrs: { role: 'tab', type: 'button', id: `tab-${t.id}`, 'aria-controls': `panel-${t.id}` } });
  b.addEventListener('click', () => showTab(t.id));
  b.addEventListener('keydown', (e) => {
    const i = TABS.findIndex((x) => x.id === t.id);
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
      showTab(next.id);
      tabButtons.get(next.id)?.focus();
    }
  });
  tabButtons.set(t.id, b);
  tablist.append(b);
}
const toast = h('div', { class: 'toast hidden', attrs: { role: 'status' } });
document.body.append(tablist, chat.root, usage.root, traces.root, toast);

function showTab(tab: Tab): void {
  if (state.tab === 'usage' && tab !== 'usage' && loaded.has('usage')) {
    // The host refreshes usage only for a tab on screen; coming back asks again.
    loaded.delete('usage');
    app.post({ type: 'usage/close' });
  }
  state.tab = tab;
  for (const [id, b] of tabButtons) {
    b.setAttribute('aria-selected', String(id === tab));
    b.tabIndex = id === tab ? 0 : -1;
    panels[id].classList.toggle('hidden', id !== tab);
  }
  if (initialized && !loaded.has(tab)) {
    loaded.add(tab);
    if (tab === 'usage') usage.request();
    if (tab === 'traces') traces.request();
  }
  if (tab === 'chat') chat.focusInput();
  app.save();
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;
function showToast(level: string, text: string): void {
  toast.className = `toast ${level}`;
  toast.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => toast.classList.add('hidden'), 5000);
}

function dispatch(msg: HostMessage): void {
  switch (msg.type) {
    case 'init':
      state.models = msg.models;
      state.routeModel = msg.routeModel;
      state.conversations = msg.conversations;
      state.conversation = msg.active;
      state.running = msg.running;
      chat.render();
      initialized = true;
      loaded.clear();
      showTab(msg.tab ?? state.tab);
      break;
    case 'showTab':
      showTab(msg.tab);
      break;
    case 'models':
      state.models = msg.models;
      state.routeModel = msg.routeModel;
      chat.render();
      break;
    case 'usage/data':
      usage.handle(msg);
      break;
    case 'traces/list':
    case 'traces/added':
    case 'traces/detail':
      traces.handle(msg);
      break;
    case 'toast':
      showToast(msg.level, msg.text);
      break;
    default:
      chat.handle(msg);
      // Deltas are saved once per rendered frame by the chat view, not per message.
      if (msg.type === 'chat/delta') return;
  }
  app.save();
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    // A malformed message is dropped, never rendered.
    console.warn(`Switchyard webview: ${parsed.error}`);
    return;
  }
  dispatch(parsed.message);
});

chat.render();
showTab(state.tab);
app.post({ type: 'ready' });
