/**
 * Adds the webview-related vscode APIs the panel host uses to test/support/fakeVscode. Import it
 * right after that file and before any src/host module (the host's import copies the module's keys).
 */
import * as fakeVs from '../support/fakeVscode';

export const providers = new Map<string, { resolveWebviewView(view: unknown): void }>();
export const opened: string[] = [];
export const clipboard: string[] = [];

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the object require('vscode') returns in src/host
const vsModule = require('vscode') as Record<string, unknown>;
Object.assign(fakeVs.window, {
  activeTextEditor: undefined,
  visibleTextEditors: [],
  registerWebviewViewProvider: (id: string, p: { resolveWebviewView(view: unknown): void }) => (providers.set(id, p), { dispose() {} }),
  registerWebviewPanelSerializer: () => ({ dispose() {} }),
  onDidChangeActiveTextEditor: () => ({ dispose() {} }),
});
Object.assign(fakeVs.workspace, { registerTextDocumentContentProvider: () => ({ dispose() {} }) });
vsModule.env = {
  openExternal: async (uri: { toString(): string }) => (opened.push(uri.toString()), true),
  clipboard: { writeText: async (t: string) => void clipboard.push(t) },
};
vsModule.ViewColumn = { Active: -1, Beside: -2 };
(fakeVs.Uri as unknown as Record<string, unknown>).parse = (s: string) => ({ toString: () => s });
