/**
 * The extension's composition root in plain Node: test/support/fakeVscode plus no-op registrations
 * for the APIs the areas only register with. Used by the activation test and the activation bench.
 */
import { EventEmitter, fake, fakeContext, window, workspace } from './fakeVscode';
import { resolve } from 'node:path';
import type * as vscode from 'vscode';
import type { SwitchyardApi } from '../../src/extension';

const disposable = () => ({ dispose() {} });
const event = () => new EventEmitter<unknown>().event;
// Registration-time APIs the areas use, as no-ops (each area's own tests drive them for real).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the stand-in module object
const vs = require('vscode') as Record<string, Record<string, unknown>>;
const outputChannel = () => ({ info() {}, warn() {}, error() {}, debug() {}, trace() {}, show() {}, append() {}, appendLine() {}, clear() {}, dispose() {}, onDidChangeLogLevel: event() });
Object.assign(window as unknown as Record<string, unknown>, {
  createOutputChannel: (window as unknown as Record<string, unknown>).createOutputChannel ?? outputChannel,
  registerWebviewViewProvider: (window as unknown as Record<string, unknown>).registerWebviewViewProvider ?? disposable,
  registerWebviewPanelSerializer: (window as unknown as Record<string, unknown>).registerWebviewPanelSerializer ?? disposable,
  onDidChangeActiveTextEditor: (window as unknown as Record<string, unknown>).onDidChangeActiveTextEditor ?? event(),
  visibleTextEditors: [],
  activeTextEditor: undefined,
});
Object.assign(workspace as unknown as Record<string, unknown>, {
  onDidChangeTextDocument: (workspace as unknown as Record<string, unknown>).onDidChangeTextDocument ?? event(),
  onDidChangeWorkspaceFolders: (workspace as unknown as Record<string, unknown>).onDidChangeWorkspaceFolders ?? event(),
  onDidGrantWorkspaceTrust: (workspace as unknown as Record<string, unknown>).onDidGrantWorkspaceTrust ?? event(),
  onDidSaveTextDocument: event(),
  createFileSystemWatcher: () => ({ onDidChange: event(), onDidCreate: event(), onDidDelete: event(), dispose() {} }),
  registerTextDocumentContentProvider: disposable,
  textDocuments: [],
  isTrusted: true,
});
vs.languages = { ...(vs.languages ?? {}), registerInlineCompletionItemProvider: disposable };

// eslint-disable-next-line @typescript-eslint/no-require-imports -- after the stand-in is complete
const { activate } = require('../../src/extension') as typeof import('../../src/extension');


const root = resolve(__dirname, '../..');

export function memento() {
  const m = new Map<string, unknown>();
  return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()], setKeysForSync() {} };
}

/** activate() with these settings and this global storage folder (where the ledger and traces live). */
export async function activateFake(globalStoragePath: string, settings: Record<string, unknown>): Promise<{ api: SwitchyardApi; context: ReturnType<typeof fakeContext> }> {
  fake.reset();
  Object.assign(fake.settings, settings);
  const context = fakeContext(globalStoragePath);
  const ctx = Object.assign(context, { extensionPath: root, extensionUri: { fsPath: root }, workspaceState: memento(), globalState: memento(), storageUri: undefined });
  const api = await activate(ctx as unknown as vscode.ExtensionContext);
  return { api, context };
}
