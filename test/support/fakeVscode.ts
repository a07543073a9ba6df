/**
 * A small in-memory stand-in for the `vscode` module, enough to run host code (settings, commands,
 * notifications, status bar, secrets) in plain Node. Importing this file makes `require('vscode')`
 * resolve to it, so import it BEFORE any src/host module.
 */
import Module from 'node:module';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum QuickPickItemKind {
  Separator = -1,
  Default = 0,
}
export class ThemeColor {
  constructor(readonly id: string) {}
}
export class Uri {
  private constructor(readonly fsPath: string) {}
  static file(p: string): Uri {
    return new Uri(p);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri([base.fsPath, ...parts].join('/'));
  }
}

/** A notification-located progress (withProgress): its title, every message it reported, and whether it closed. */
export interface ProgressNotice {
  title: string;
  messages: string[];
  done: boolean;
  /** The user's Cancel (close) button. */
  cancel(): void;
}

export interface Shown {
  level: 'error' | 'warning' | 'info';
  message: string;
  items: string[];
}

/** State the tests read and script. */
export const fake = {
  /** Global-level values of `switchyard.<key>`; workspace-level in `workspaceSettings`. */
  settings: {} as Record<string, unknown>,
  workspaceSettings: {} as Record<string, unknown>,
  shown: [] as Shown[],
  progress: [] as ProgressNotice[],
  /** Picks the button a notification returns (default: dismissed). */
  answer: (_shown: Shown): string | undefined => undefined,
  executed: [] as { command: string; args: unknown[] }[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  statusItems: [] as { id: string; text: string; tooltip: unknown; backgroundColor?: ThemeColor; command?: string; visible: boolean }[],
  configEmitter: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
  quickPickAnswers: [] as Array<(items: readonly { label: string }[]) => unknown>,
  /** Answers of showInputBox in order (undefined = dismissed); `inputBoxes` records each box's options. */
  inputBoxAnswers: [] as Array<string | undefined>,
  inputBoxes: [] as Array<{ title?: string; password?: boolean; validate?: (v: string) => unknown }>,
  reset() {
    this.settings = {};
    this.workspaceSettings = {};
    this.shown = [];
    this.progress = [];
    this.answer = () => undefined;
    this.executed = [];
    this.commands.clear();
    this.statusItems = [];
    this.configEmitter = new EventEmitter();
    this.quickPickAnswers = [];
    this.inputBoxAnswers = [];
    this.inputBoxes = [];
  },
};

function show(level: Shown['level']) {
  return (message: string, ...rest: unknown[]) => {
    const items = rest.filter((r): r is string => typeof r === 'string');
    const entry = { level, message, items };
    fake.shown.push(entry);
    return Promise.resolve(fake.answer(entry));
  };
}

const changed = (key: string) =>
  fake.configEmitter.fire({ affectsConfiguration: (s: string) => s === 'switchyard' || s === `switchyard.${key}` || s.startsWith(`switchyard.${key}.`) });

export const workspace = {
  workspaceFolders: undefined as undefined | { uri: Uri; name: string }[],
  onDidChangeConfiguration: (l: Listener<{ affectsConfiguration(section: string): boolean }>) => fake.configEmitter.event(l),
  getConfiguration(section: string) {
    const at = (key: string) => (section === 'switchyard' ? key : `${section.replace(/^switchyard\./, '')}.${key}`);
    return {
      get: <T>(key: string): T | undefined => (fake.workspaceSettings[at(key)] ?? fake.settings[at(key)]) as T | undefined,
      inspect: <T>(key: string) => ({ key: at(key), globalValue: fake.settings[at(key)] as T | undefined, workspaceValue: fake.workspaceSettings[at(key)] as T | undefined, workspaceFolderValue: undefined }),
      update: async (key: string, value: unknown, target: ConfigurationTarget = ConfigurationTarget.Global) => {
        const store = target === ConfigurationTarget.Global ? fake.settings : fake.workspaceSettings;
        if (value === undefined) delete store[at(key)];
        else store[at(key)] = value;
        changed(at(key));
      },
    };
  },
  /** Test helper: set a global setting and fire the change event. */
  set(key: string, value: unknown) {
    if (value === undefined) delete fake.settings[key];
    else fake.settings[key] = value;
    changed(key);
  },
};

export const window = {
  showErrorMessage: show('error'),
  showWarningMessage: show('warning'),
  showInformationMessage: show('info'),
  setStatusBarMessage: () => ({ dispose() {} }),
  withProgress<R>(options: { title?: string }, task: (progress: { report(v: { message?: string }): void }, token: { isCancellationRequested: boolean; onCancellationRequested: (l: () => void) => { dispose(): void } }) => Thenable<R>): Thenable<R> {
    const cancelled = new EventEmitter<void>();
    const token = { isCancellationRequested: false, onCancellationRequested: (l: () => void) => cancelled.event(l) };
    const notice: ProgressNotice = {
      title: options.title ?? '',
      messages: [],
      done: false,
      cancel() {
        token.isCancellationRequested = true;
        cancelled.fire();
      },
    };
    fake.progress.push(notice);
    return Promise.resolve(task({ report: (v) => void (v.message !== undefined && notice.messages.push(v.message)) }, token)).finally(() => {
      notice.done = true;
    });
  },
  showQuickPick: async (items: readonly { label: string }[] | Promise<readonly { label: string }[]>) => {
    const next = fake.quickPickAnswers.shift();
    return next ? next(await items) : undefined;
  },
  showInputBox: async (options?: { title?: string; password?: boolean; validateInput?: (v: string) => unknown }) => {
    fake.inputBoxes.push({ title: options?.title, password: options?.password, validate: options?.validateInput });
    return fake.inputBoxAnswers.shift();
  },
  createStatusBarItem(id: string) {
    const item = { id, text: '', tooltip: undefined as unknown, backgroundColor: undefined as ThemeColor | undefined, command: undefined as string | undefined, name: '', visible: false, show() { item.visible = true; }, hide() { item.visible = false; }, dispose() {} };
    fake.statusItems.push(item);
    return item;
  },
};

export const commands = {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown) {
    if (fake.commands.has(id)) throw new Error(`command '${id}' already exists`);
    fake.commands.set(id, handler);
    return { dispose: () => fake.commands.delete(id) };
  },
  async executeCommand(command: string, ...args: unknown[]) {
    fake.executed.push({ command, args });
    return fake.commands.get(command)?.(...args);
  },
};

/** An ExtensionContext with in-memory SecretStorage. */
export function fakeContext(globalStoragePath: string) {
  const secrets = new Map<string, string>();
  const secretEvents = new EventEmitter<{ key: string }>();
  return {
    subscriptions: [] as { dispose(): unknown }[],
    globalStorageUri: Uri.file(globalStoragePath),
    extension: { packageJSON: { version: '0.0.0-test' } },
    secrets: {
      get: async (k: string) => secrets.get(k),
      store: async (k: string, v: string) => {
        secrets.set(k, v);
        secretEvents.fire({ key: k });
      },
      delete: async (k: string) => {
        secrets.delete(k);
        secretEvents.fire({ key: k });
      },
      onDidChange: secretEvents.event,
    },
    raw: secrets,
  };
}

/**
 * The module object. Every top-level name a test may add later is declared here up front:
 * `import * as vscode` (tsx/esbuild's __toESM) copies the names present at first import as live
 * getters, so a value assigned later to a DECLARED name is seen by every host module, whatever
 * the order the test files were loaded in.
 */
const vscodeModule: Record<string, unknown> = {
  EventEmitter,
  ConfigurationTarget,
  StatusBarAlignment,
  QuickPickItemKind,
  ThemeColor,
  Uri,
  workspace,
  window,
  commands,
  env: { openExternal: async () => true, clipboard: { writeText: async () => undefined, readText: async () => '' } },
  languages: {},
  extensions: { getExtension: () => undefined },
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  Disposable: class {
    constructor(private readonly fn: () => void) {}
    dispose() {
      this.fn();
    }
  },
  Position: undefined,
  Range: undefined,
  Selection: undefined,
  InlineCompletionItem: undefined,
  InlineCompletionTriggerKind: undefined,
  CancellationTokenSource: undefined,
  RelativePattern: undefined,
};

// Route require('vscode') here. A resolvable id that cannot clash with a real file.
const FAKE_ID = '\0switchyard-fake-vscode';
const mod = Module as unknown as {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
  _cache: Record<string, { exports: unknown; loaded: boolean; id: string }>;
};
const resolve = mod._resolveFilename;
mod._resolveFilename = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? FAKE_ID : resolve.call(this, request, ...rest);
};
mod._cache[FAKE_ID] = { exports: vscodeModule, loaded: true, id: FAKE_ID } as never;
