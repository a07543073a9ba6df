/**
 * Drives the packaged extension in a real VS Code (code-server on loopback) through headless
 * Chromium, as a user would: palette commands, typing, notifications, status bar, webviews.
 * Also runs the fake model server (test/support/fakeServerMain.ts) as a separate process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import type { FakeStep, RecordedRequest } from '../support/fakeServer';

export const repoRoot = resolve(__dirname, '../..');
export const artifactsDir = join(repoRoot, 'test-artifacts', 'e2e');
/** Everything one run writes (user data, extensions, workspace copy, logs); gitignored. */
export const runDir = join(repoRoot, '.e2e', 'run');
/** `<publisher>.<name>` from the manifest: names the extension's log and storage folders. */
export const extensionId = (() => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string };
  return `${manifest.publisher}.${manifest.name}`.toLowerCase();
})();

/** Flags measured to work with Debian's chromium on these machines (see FINDINGS). */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface Client {
  node: string;
  codeServer: string;
  chromium: string;
}

/** Installs (first use) or finds the cached client: Node 24, code-server, chromium. */
export function ensureClient(): Client {
  const out = spawnSync('bash', [join(repoRoot, 'scripts/e2e/install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (out.status !== 0) throw new Error(`scripts/e2e/install.sh failed (exit ${out.status}); run it by hand to see why`);
  const vars = Object.fromEntries(
    out.stdout
      .split('\n')
      .map((l) => l.match(/^(SWITCHYARD_E2E_\w+)=(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  const client = { node: vars.SWITCHYARD_E2E_NODE, codeServer: vars.SWITCHYARD_E2E_CODE_SERVER, chromium: vars.SWITCHYARD_E2E_CHROMIUM };
  for (const [k, v] of Object.entries(client)) if (!v || !existsSync(v)) throw new Error(`install.sh did not report a usable ${k} (got "${v}")`);
  return client;
}

/** The VSIX to install: $SWITCHYARD_E2E_VSIX, else the one scripts/e2e/test.sh packaged. */
export function vsixPath(): string {
  const path = process.env.SWITCHYARD_E2E_VSIX ?? join(repoRoot, '.e2e', 'switchyard-e2e.vsix');
  if (!existsSync(path)) throw new Error(`No VSIX at ${path}: run "npm run test:e2e" (it packages one) or set SWITCHYARD_E2E_VSIX`);
  return path;
}

/** Environment for child processes: no inherited Node/VS Code hooks from the test runner. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(env)) if (k === 'NODE_OPTIONS' || k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  return env;
}

function waitForLine(proc: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp, what: string, timeoutMs: number, logFile?: string): Promise<RegExpMatchArray> {
  return new Promise((resolvePromise, reject) => {
    const seen: string[] = [];
    const rl = createInterface({ input: proc[stream]! });
    const timer = setTimeout(() => finish(new Error(`${what}: no line matching ${re} after ${timeoutMs} ms. Output:\n${seen.join('\n')}`)), timeoutMs);
    const onExit = (code: number | null) => {
      const log = logFile && existsSync(logFile) ? `\n${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}` : '';
      finish(new Error(`${what} exited (${code}) before it was ready. Output:\n${seen.join('\n')}${log}`));
    };
    function finish(err: Error | null, m?: RegExpMatchArray) {
      clearTimeout(timer);
      proc.off('exit', onExit);
      rl.close();
      if (err) reject(err);
      else resolvePromise(m!);
    }
    proc.on('exit', onExit);
    rl.on('line', (line) => {
      seen.push(line);
      const m = line.match(re);
      if (m) finish(null, m);
    });
  });
}

function stopProcess(proc: ChildProcess | undefined, timeoutMs = 3000): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
    }, timeoutMs);
    proc.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    proc.kill('SIGTERM');
  });
}

// ── Fake model server (separate process) ─────────────────────────────────────────────────────────

export interface FakeModelServer {
  url: string;
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  script(model: string, steps: FakeStep[]): Promise<void>;
  setDefault(model: string, step: FakeStep): Promise<void>;
  reset(): Promise<void>;
  requests(): Promise<RecordedRequest[]>;
  stop(): Promise<void>;
}

export async function startFakeModelServer(logFile: string): Promise<FakeModelServer> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/support/fakeServerMain.ts')], {
    cwd: repoRoot,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errLines: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => {
    errLines.push(d.toString());
    writeFileSync(logFile, errLines.join(''));
  });
  const m = await waitForLine(proc, 'stdout', /^\{.*"openaiBaseUrl".*\}$/, 'fake model server', 30_000);
  const info = JSON.parse(m[0]) as { url: string; openaiBaseUrl: string; anthropicBaseUrl: string };
  const control = async (path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${info.url}/__fake/${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`fake server /__fake/${path}: HTTP ${res.status} ${await res.text()}`);
    return res.headers.get('content-type')?.includes('json') ? res.json() : res.text();
  };
  return {
    ...info,
    script: async (model, steps) => void (await control('script', { model, steps })),
    setDefault: async (model, step) => void (await control('script', { model, default: step })),
    reset: async () => void (await control('reset', {})),
    requests: async () => (await control('requests')) as RecordedRequest[],
    stop: () => stopProcess(proc),
  };
}

// ── code-server + Chromium ───────────────────────────────────────────────────────────────────────

/** Settings every e2e profile gets: a quiet workbench with nothing competing for focus. */
const baseSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'editor.inlineSuggest.enabled': true,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'files.autoSave': 'off',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  // VS Code's built-in Chat view would open in the secondary side bar and take space and focus.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // 1.139 opens some editors (settings.json) in a modal overlay; tabs are what the helpers expect.
  'workbench.editor.useModal': 'off',
};

export interface SeenNotification {
  severity: 'error' | 'warning' | 'info';
  text: string;
  /** Milliseconds since the page started. */
  atMs: number;
}

/**
 * Runs in the page before the workbench: polls the DOM for notification items and keeps each
 * (severity, text) once in `window.__e2eNotifications`. Polling, not a MutationObserver: the
 * message text is filled in after the item is inserted. Plain text, not a function: tsx-compiled
 * functions may call helpers (__name) that do not exist in the page.
 */
const recordNotifications = `(() => {
  const seen = [];
  const keys = new Set();
  window.__e2eNotifications = seen;
  setInterval(() => {
    for (const el of document.querySelectorAll('.notification-list-item')) {
      const text = (el.querySelector('.notification-list-item-message')?.textContent ?? '').trim();
      if (!text) continue;
      const cls = el.querySelector('.notification-list-item-icon')?.className ?? '';
      const severity = /codicon-error/.test(cls) ? 'error' : /codicon-warning/.test(cls) ? 'warning' : 'info';
      const key = severity + '\\u0000' + text;
      if (keys.has(key)) continue;
      keys.add(key);
      seen.push({ severity, text, atMs: Math.round(performance.now()) });
    }
  }, 100);
})();`;

export interface SessionOptions {
  client: Client;
  vsix: string;
  /** `switchyard.*` (and any other) user settings. */
  settings: Record<string, unknown>;
}

export class Session {
  readonly userDataDir = join(runDir, 'user-data');
  readonly extensionsDir = join(runDir, 'extensions');
  readonly workspaceDir = join(runDir, 'workspace');
  /**
   * code-server's HOME (the extension host's os.homedir()): a fresh folder per run, so a scenario can
   * give the user files such as ~/.continue/config.yaml, and the developer's own never leak in.
   * code-server's data folders are passed explicitly (--user-data-dir, --extensions-dir).
   */
  readonly homeDir = join(runDir, 'home');
  readonly codeServerLog = join(runDir, 'code-server.log');
  url = '';
  page!: Page;
  private browser?: Browser;
  private server?: ChildProcess;
  private settings: Record<string, unknown> = {};
  private shotCount = 0;
  /** Browser console errors (the workbench's own), for the failure report. */
  readonly consoleErrors: string[] = [];

  private constructor(private readonly opts: SessionOptions) {}

  static async start(opts: SessionOptions): Promise<Session> {
    const s = new Session(opts);
    await s.boot();
    return s;
  }

  private async boot(): Promise<void> {
    const { client } = this.opts;
    for (const dir of [this.userDataDir, this.extensionsDir, this.workspaceDir, this.homeDir]) rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(this.userDataDir, 'User'), { recursive: true });
    mkdirSync(this.homeDir, { recursive: true });
    mkdirSync(this.extensionsDir, { recursive: true });
    mkdirSync(artifactsDir, { recursive: true });
    cpSync(join(__dirname, 'workspace'), this.workspaceDir, { recursive: true });
    // Data that grows for months (a big ledger, a full trace store) to start from: copied into the
    // extension's global storage, so activation and the Usage tab are tried against it.
    const seed = process.env.SWITCHYARD_E2E_SEED_DATA;
    if (seed) cpSync(seed, this.globalStorageDir(), { recursive: true });
    this.writeSettings(this.opts.settings);

    const common = ['--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir];
    const install = spawnSync(client.node, [client.codeServer, ...common, '--install-extension', this.opts.vsix, '--force'], {
      encoding: 'utf8',
      env: childEnv({ HOME: this.homeDir }),
      timeout: 120_000,
    });
    writeFileSync(join(runDir, 'install-extension.log'), `${install.stdout}\n${install.stderr}`);
    if (install.status !== 0 || !/successfully installed/i.test(install.stdout)) {
      throw new Error(`code-server --install-extension ${this.opts.vsix} failed (exit ${install.status}):\n${install.stdout}\n${install.stderr}`);
    }

    this.server = spawn(
      client.node,
      [
        client.codeServer,
        ...common,
        '--auth',
        'none',
        '--bind-addr',
        '127.0.0.1:0',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        this.workspaceDir,
      ],
      { env: childEnv({ HOME: this.homeDir }), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const logLines: string[] = [];
    const onData = (d: Buffer) => {
      logLines.push(d.toString());
      writeFileSync(this.codeServerLog, logLines.join(''));
    };
    this.server.stderr!.on('data', onData);
    const ready = waitForLine(this.server, 'stdout', /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/, 'code-server', 60_000, this.codeServerLog);
    this.server.stdout!.on('data', onData);
    this.url = (await ready)[1];

    this.browser = await chromium.launch({ executablePath: client.chromium, headless: true, args: chromiumArgs });
    const context = await this.browser.newContext({ viewport: { width: 1440, height: 900 } });
    // Every notification the workbench shows, from the first paint on, is recorded in the page
    // (a toast can come and go between two checks of a test): see notificationsSeen().
    await context.addInitScript({ content: recordNotifications });
    this.page = await context.newPage();
    this.page.on('console', (msg) => {
      if (msg.type() === 'error') this.consoleErrors.push(msg.text());
    });
    // Generous timeouts: on a loaded 2-core machine the first load takes well over the usual 5 s.
    await this.page.goto(`${this.url}/?folder=${encodeURIComponent(this.workspaceDir)}`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 180_000 });
    // The explorer lists the workspace once the remote file system answers.
    await this.page.locator('.explorer-folders-view').first().waitFor({ timeout: 120_000 });
  }

  // ── settings and files ──────────────────────────────────────────────────────────────────────

  /** Replaces the user settings (plus the quiet base); VS Code picks the file change up live. */
  writeSettings(settings: Record<string, unknown>): void {
    this.settings = settings;
    writeFileSync(join(this.userDataDir, 'User', 'settings.json'), `${JSON.stringify({ ...baseSettings, ...settings }, null, 2)}\n`);
  }

  /**
   * Changes the user settings as a user does: Preferences: Open User Settings (JSON), replace the
   * text, save, close. (code-server does not notice edits made to the file behind its back.)
   */
  async editSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    // One line: the editor's auto-indent would re-indent every inserted newline.
    await this.editSettingsText(JSON.stringify({ ...baseSettings, ...settings }));
  }

  async editSettingsText(text: string): Promise<void> {
    await this.runCommand('Preferences: Open User Settings (JSON)');
    const editor = this.page.locator('.monaco-editor[data-uri$="/User/settings.json"]').first();
    await editor.locator('.view-lines').waitFor({ timeout: 15_000 });
    await editor.locator('.view-lines').click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(text);
    const file = join(this.userDataDir, 'User', 'settings.json');
    const same = (a: string, b: string) => {
      try {
        return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
      } catch {
        return a.trim() === b.trim();
      }
    };
    // Save (again, on a busy machine the first Ctrl+S can land before the edit is applied).
    for (let attempt = 0; ; attempt++) {
      await this.saveActiveEditor();
      const deadline = Date.now() + 5000;
      while (!same(readFileSync(file, 'utf8'), text) && Date.now() < deadline) await this.page.waitForTimeout(200);
      if (same(readFileSync(file, 'utf8'), text)) break;
      if (attempt === 2) throw new Error(`settings.json was not saved as typed; it holds:\n${readFileSync(file, 'utf8')}`);
    }
    await this.page.keyboard.press('Control+W');
  }

  /** Writes raw text as the user settings file (e.g. malformed JSON). */
  writeSettingsText(text: string): void {
    writeFileSync(join(this.userDataDir, 'User', 'settings.json'), text);
  }

  currentSettings(): Record<string, unknown> {
    return { ...this.settings };
  }

  readWorkspaceFile(rel: string): string {
    return readFileSync(join(this.workspaceDir, rel), 'utf8');
  }

  /** Writes a file under code-server's HOME (e.g. ".continue/config.yaml"), folders included. */
  writeHomeFile(rel: string, text: string): string {
    const file = join(this.homeDir, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  }

  /** Removes a file or folder under code-server's HOME (what a scenario gave the user). */
  removeHomeFile(rel: string): void {
    rmSync(join(this.homeDir, rel), { recursive: true, force: true });
  }

  /** The extension's global storage folder (ledger, traces). */
  globalStorageDir(): string {
    return join(this.userDataDir, 'User', 'globalStorage', extensionId);
  }

  // ── workbench helpers ───────────────────────────────────────────────────────────────────────

  /** Opens the command palette on `text` and returns the labels of the rows shown. */
  async paletteEntries(text: string, keepOpen = false): Promise<string[]> {
    await this.openPalette(`>${text}`);
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 15_000 });
    await this.page.waitForTimeout(300);
    const labels = await rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
    if (!keepOpen) await this.page.keyboard.press('Escape');
    return labels;
  }

  /**
   * Takes keyboard focus back from a webview (its iframe would swallow F1, Ctrl+S, …) without
   * clicking anything: the workbench's keybindings then apply to the active editor.
   */
  async focusWorkbench(): Promise<void> {
    await this.page.evaluate(() => {
      const active = document.activeElement as HTMLElement | null;
      if (active && active.tagName === 'IFRAME') active.blur();
    });
  }

  /** Closes what a previous step may have left open: modal dialogs, quick inputs. */
  async resetUi(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const dialog = this.page.locator('.monaco-dialog-box');
      if (!(await dialog.isVisible().catch(() => false))) break;
      await dialog.locator('.dialog-close, .action-label.codicon-dialog-close').first().click({ timeout: 2000 }).catch(() => this.page.keyboard.press('Escape'));
      await this.page.waitForTimeout(200);
    }
    if (await this.page.locator('.quick-input-widget').isVisible().catch(() => false)) await this.page.keyboard.press('Escape');
  }

  /**
   * Which of the given command titles the palette offers. The palette's list is virtualised (only
   * the visible rows exist in the DOM), so each title is looked up with its own filter.
   */
  async paletteOffers(titles: string[]): Promise<Map<string, string[]>> {
    const shown = new Map<string, string[]>();
    await this.openPalette('>');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    for (const title of titles) {
      await input.fill(`>${title}`);
      // The list re-filters asynchronously: poll until the title shows up (or give up and record what is shown).
      const deadline = Date.now() + 5000;
      let labels: string[] = [];
      do {
        await this.page.waitForTimeout(150);
        labels = await rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
      } while (!labels.some((l) => l.startsWith(title)) && Date.now() < deadline);
      shown.set(title, labels);
    }
    await this.page.keyboard.press('Escape');
    return shown;
  }

  private async openPalette(value: string): Promise<void> {
    await this.resetUi();
    const widget = this.page.locator('.quick-input-widget');
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const input = widget.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(value);
  }

  /** Runs a palette command by its full title, e.g. "Switchyard: Switch Model". */
  async runCommand(title: string): Promise<void> {
    await this.openPalette(`>${title}`);
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 15_000 });
    // Pick the row whose label is exactly the title (the filter also shows partial matches).
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const labels = await rows.evaluateAll((els) => els.map((e) => (e.querySelector('.label-name')?.textContent ?? e.textContent ?? '').replace(/\s+/g, ' ').trim()));
    const index = labels.findIndex((l) => l === title || l.startsWith(`${title} `) || l === title.replace(/^[^:]+:\s*/, ''));
    if (index > 0) {
      for (let i = 0; i < index; i++) await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    // The palette closes (or turns into the command's own quick input) before the next step.
    await this.page
      .waitForFunction(() => {
        const w = document.querySelector('.quick-input-widget') as HTMLElement | null;
        const input = w?.querySelector('.quick-input-box input');
        return !w || w.style.display === 'none' || !w.offsetParent || input?.getAttribute('aria-label') !== 'Type the name of a command to run.';
      }, undefined, { timeout: 10_000 })
      .catch(() => undefined);
  }

  /** The quick pick (after a command opened one): waits for it and returns its rows' labels. */
  async quickPickItems(title?: string): Promise<string[]> {
    if (title) await this.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 15_000 });
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 15_000 });
    return rows.evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
  }

  /** Types into the open quick input (input box or quick pick filter) and presses Enter. */
  async answerQuickInput(text: string, opts: { pick?: string } = {}): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(text);
    if (opts.pick) await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: opts.pick }).first().waitFor({ timeout: 10_000 });
    await this.page.keyboard.press('Enter');
  }

  /** Clicks the quick pick row whose label (without icons) is exactly `label`, filtering first. */
  async pickQuickItem(label: string, filter = label): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(filter);
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const deadline = Date.now() + 15_000;
    for (;;) {
      const labels = await rows.evaluateAll((els) => els.map((e) => (e.querySelector('.label-name')?.textContent ?? '').replace(/\s+/g, ' ').trim()));
      const index = labels.indexOf(label);
      if (index >= 0) {
        await rows.nth(index).click();
        return;
      }
      if (Date.now() > deadline) throw new Error(`No quick pick row labelled "${label}"; rows: ${labels.join(' | ')}`);
      await this.page.waitForTimeout(200);
    }
  }

  /** Clicks an action button of the toast whose message matches. */
  async clickNotificationAction(re: RegExp, action: string): Promise<void> {
    await this.waitForNotification(re);
    const toast = this.page.locator('.notifications-toasts .notification-list-item', { has: this.page.locator('.notification-list-item-message', { hasText: re }) }).first();
    await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: action }).first().click();
  }

  /** Opens a workspace file in an editor via Quick Open and focuses the editor. */
  async openFile(rel: string): Promise<Locator> {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+P');
    const input = widget.locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(rel);
    const base = rel.split('/').pop()!;
    await widget.locator('.quick-input-list .monaco-list-row', { hasText: base }).first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    const editor = this.page.locator(`.monaco-editor[data-uri$="/${rel}"]`).first();
    await editor.locator('.view-lines').waitFor({ timeout: 15_000 });
    await editor.locator('.view-lines').click();
    return editor;
  }

  /** Moves the cursor to a 1-based line (and column) with Go to Line. */
  async goToLine(line: number, column = 1): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
  }

  async typeInEditor(text: string): Promise<void> {
    await this.page.keyboard.type(text, { delay: 20 });
  }

  async saveActiveEditor(): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  }

  /** Texts of the notification toasts on screen, with their severity. */
  async notifications(): Promise<Array<{ severity: 'error' | 'warning' | 'info'; text: string; actions: string[] }>> {
    const toasts = this.page.locator('.notifications-toasts .notification-list-item');
    return toasts.evaluateAll((els) =>
      els.map((el) => {
        const icon = el.querySelector('.notification-list-item-icon');
        const cls = icon?.className ?? '';
        const severity = /codicon-error/.test(cls) ? 'error' : /codicon-warning/.test(cls) ? 'warning' : 'info';
        const text = (el.querySelector('.notification-list-item-message')?.textContent ?? '').trim();
        const actions = [...el.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map((b) => (b.textContent ?? '').trim());
        return { severity, text, actions } as { severity: 'error' | 'warning' | 'info'; text: string; actions: string[] };
      }),
    );
  }

  /**
   * Every notification shown since the page loaded (toasts and the notification center), in the
   * order they appeared, each once — also those already gone.
   */
  async notificationsSeen(): Promise<SeenNotification[]> {
    const seen = await this.page.evaluate(() => (window as unknown as { __e2eNotifications?: SeenNotification[] }).__e2eNotifications);
    // Missing means the recorder never ran: fail rather than report "nothing seen".
    if (!Array.isArray(seen)) throw new Error('the notification recorder is not running in the page (harness addInitScript)');
    return seen;
  }

  /** Every notification, including those no longer shown as a toast (from the notification center). */
  async allNotifications(): Promise<string[]> {
    await this.runCommand('Notifications: Show Notifications');
    const items = this.page.locator('.notifications-center .notification-list-item-message');
    await this.page.locator('.notifications-center').waitFor({ timeout: 5000 }).catch(() => undefined);
    await this.page.waitForTimeout(300);
    const texts = await items.evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
    await this.page.keyboard.press('Escape');
    return texts;
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.waitForTimeout(300);
  }

  /** Waits for a toast whose message matches, returns its text and action buttons. */
  async waitForNotification(re: RegExp, timeoutMs = 20_000): Promise<{ severity: string; text: string; actions: string[] }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.notifications()).find((n) => re.test(n.text));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`No notification matching ${re}; shown: ${JSON.stringify(await this.notifications())}`);
      await this.page.waitForTimeout(250);
    }
  }

  /** Texts (and ids) of the status bar items. */
  async statusBarItems(): Promise<Array<{ id: string; text: string; tooltip: string }>> {
    return this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item').evaluateAll((els) =>
      els.map((e) => ({ id: e.id, text: (e.textContent ?? '').trim(), tooltip: e.getAttribute('aria-label') ?? '' })),
    );
  }

  /** Switchyard's main status bar item (active chat model and today's spend): id `<extension>.switchyard.status`. */
  async switchyardStatus(timeoutMs = 20_000): Promise<{ id: string; text: string; tooltip: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const item = (await this.statusBarItems()).find((i) => /switchyard\.status$/.test(i.id));
      if (item) return item;
      if (Date.now() > deadline) throw new Error(`No Switchyard status bar item; items: ${JSON.stringify(await this.statusBarItems())}`);
      await this.page.waitForTimeout(250);
    }
  }

  /** "Category: Title" of a command contributed by the manifest. */
  commandTitle(id: string): string {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string; title: string; category?: string }> } };
    const c = manifest.contributes.commands.find((x) => x.command === id);
    if (!c) throw new Error(`package.json contributes no command ${id}`);
    return c.category ? `${c.category}: ${c.title}` : c.title;
  }

  /** Runs a contributed command through the palette, by its id. */
  async runCommandById(id: string): Promise<void> {
    await this.runCommand(this.commandTitle(id));
  }

  /**
   * The inner frame of a webview whose outer iframe matches (VS Code nests the content in
   * `iframe.webview` → `iframe#active-frame`).
   */
  webview(index = 0): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').nth(index).frameLocator('iframe#active-frame');
  }

  /** Saves a screenshot under test-artifacts/e2e and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(artifactsDir, { recursive: true });
    const file = join(artifactsDir, `${String(++this.shotCount).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  // ── logs ────────────────────────────────────────────────────────────────────────────────────

  /** Log files under the user-data-dir (extension host, Switchyard's output channel, remote agent). */
  logFiles(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.log')) out.push(p);
      }
    };
    walk(join(this.userDataDir, 'logs'));
    return out;
  }

  /**
   * The Switchyard output channel's log (written by the extension's LogOutputChannel). VS Code keeps
   * an extension's channels in a folder named after its id (`…/exthost1/<publisher>.<name>/`), so
   * the match is on that path segment below the logs folder, never on the whole path: a clone
   * folder named "switchyard" would otherwise match code-server's own logs.
   */
  switchyardLog(): string {
    const logsDir = join(this.userDataDir, 'logs');
    return this.logFiles()
      .filter((f) => relative(logsDir, f).toLowerCase().split(/[\\/]/).slice(0, -1).includes(extensionId))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
  }

  /** Waits until the Switchyard log matches (e.g. the activation line); false on timeout. */
  async waitForSwitchyardLog(re: RegExp, timeoutMs = 120_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!re.test(this.switchyardLog())) {
      if (Date.now() > deadline) return false;
      await this.page.waitForTimeout(250);
    }
    return true;
  }

  /** Text for a failure: screenshot path, logs (tails), console errors; also copies logs to artifacts. */
  diagnostics(): string {
    const parts: string[] = [];
    const copyDir = join(artifactsDir, 'logs');
    mkdirSync(copyDir, { recursive: true });
    const tail = (file: string, lines = 60) => {
      if (!existsSync(file)) return '(missing)';
      const text = readFileSync(file, 'utf8').split('\n');
      return text.slice(-lines).join('\n');
    };
    const files = [this.codeServerLog, ...this.logFiles()];
    for (const f of files) {
      if (!existsSync(f) || statSync(f).size === 0) continue;
      cpSync(f, join(copyDir, relative(runDir, f).replace(/[\\/]/g, '__')));
      if (f === this.codeServerLog || /exthost|switchyard|remoteagent|extensionHost/i.test(f)) {
        parts.push(`── ${relative(repoRoot, f)} (last lines) ──\n${tail(f)}`);
      }
    }
    if (this.consoleErrors.length) parts.push(`── browser console errors ──\n${this.consoleErrors.slice(-20).join('\n')}`);
    parts.push(`(all logs copied to ${relative(repoRoot, copyDir)})`);
    return parts.join('\n\n');
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await stopProcess(this.server);
  }
}
