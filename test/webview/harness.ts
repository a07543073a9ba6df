/**
 * Headless-Chromium harness for the panel webview: builds webview-ui with esbuild, serves the
 * page from a file with the production CSP, stubs acquireVsCodeApi (records posted messages,
 * keeps setState) and replays recorded host messages.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderPanelHtml } from '../../src/host/panel/html';

export const ROOT = resolve(__dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'webview');
export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium';
const PAGE_DIR = join(ARTIFACTS, 'page');

/** A subset of VS Code's Dark Modern theme variables, as VS Code sets them on <html>. */
const DARK_THEME: Record<string, string> = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe UI", Ubuntu, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'Menlo, Monaco, "Courier New", monospace',
  '--vscode-editor-font-size': '12px',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-errorForeground': '#f85149',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-sideBar-background': '#181818',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-widget-border': '#313131',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-input-background': '#313131',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-input-border': '#3c3c3c',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-textCodeBlock-background': '#2b2b2b',
  '--vscode-textBlockQuote-border': '#616161',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-panelTitle-activeForeground': '#cccccc',
  '--vscode-panelTitle-activeBorder': '#0078d4',
  '--vscode-panelTitle-inactiveForeground': '#9d9d9d',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-list-activeSelectionBackground': '#04395e',
  '--vscode-list-activeSelectionForeground': '#ffffff',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-progressBar-background': '#0078d4',
  '--vscode-statusBarItem-errorBackground': '#c72e0f',
  '--vscode-statusBarItem-errorForeground': '#ffffff',
  '--vscode-statusBarItem-warningBackground': '#7a6400',
  '--vscode-statusBarItem-warningForeground': '#ffffff',
  '--vscode-notifications-background': '#1f1f1f',
  '--vscode-notifications-foreground': '#cccccc',
  '--vscode-toolbar-hoverBackground': '#5a5d5e50',
  '--vscode-symbolIcon-keywordForeground': '#569cd6',
  '--vscode-symbolIcon-functionForeground': '#dcdcaa',
  '--vscode-symbolIcon-classForeground': '#4ec9b0',
  '--vscode-symbolIcon-variableForeground': '#9cdcfe',
  '--vscode-debugTokenExpression-string': '#ce9178',
  '--vscode-debugTokenExpression-number': '#b5cea8',
};

export interface BuildResult {
  jsBytes: number;
  cssBytes: number;
}

/** Builds the webview (minified, as shipped) and writes the page with the production CSP. */
export async function buildPage(): Promise<BuildResult> {
  mkdirSync(PAGE_DIR, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { main: join(ROOT, 'webview-ui/src/main.ts') },
    outdir: PAGE_DIR,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
    minify: true,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const size = (suffix: string) => Object.entries(outputs).find(([f]) => f.endsWith(suffix))?.[1].bytes ?? 0;
  writeFileSync(join(PAGE_DIR, 'index.html'), renderPanelHtml({ cspSource: 'file:', scriptUri: 'main.js', styleUri: 'main.css' }));
  return { jsBytes: size('main.js'), cssBytes: size('main.css') };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * The suite's browser: checks Chromium is installed, builds the page and launches in `before`,
 * closes in `after`. Call at the top of a `describe`; the getter is valid inside its tests.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/install-chromium.sh (or set SWITCHYARD_CHROMIUM).`);
    await buildPage();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is only there inside the tests of the describe that called useBrowser()');
    return browser;
  };
}

/** Stubs acquireVsCodeApi (records posts, keeps setState), applies the theme, records CSP violations. */
function stubScript(theme: Record<string, string>, state: unknown): string {
  return `(() => {
  const w = window;
  w.__posted = [];
  w.__state = ${JSON.stringify(state ?? null)};
  w.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  // The longest main-thread task and animation frame (rendering included), for hang checks.
  w.__longest = { task: 0, frame: 0 };
  for (const [type, key] of [['longtask', 'task'], ['long-animation-frame', 'frame']]) {
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longest[key] = Math.max(w.__longest[key], e.duration);
      }).observe({ type, buffered: true });
    } catch (e) { /* entry type not supported */ }
  }
  w.acquireVsCodeApi = () => ({
    postMessage: (m) => { w.__posted.push(JSON.parse(JSON.stringify(m))); },
    getState: () => w.__state,
    setState: (s) => { w.__state = JSON.parse(JSON.stringify(s)); },
  });
  const theme = ${JSON.stringify(theme)};
  const apply = () => {
    for (const k of Object.keys(theme)) document.documentElement.style.setProperty(k, theme[k]);
    if (document.body) document.body.classList.add('vscode-dark');
  };
  if (document.documentElement) apply();
  document.addEventListener('DOMContentLoaded', apply);
})();`;
}

export interface PanelPage {
  page: Page;
  /** Messages the webview posted to the "host", in order. */
  posted(): Promise<Array<Record<string, unknown>>>;
  /** Replays host → webview messages. */
  send(messages: unknown[]): Promise<void>;
  state(): Promise<unknown>;
  cspViolations(): Promise<string[]>;
  /** The longest main-thread task and animation frame seen so far, in ms. */
  longest(): Promise<{ task: number; frame: number }>;
  errors: string[];
  /** Every URL the page requested, its own files included. */
  requests: string[];
  screenshot(name: string): Promise<string>;
}

export async function openPanel(browser: Browser, opts: { state?: unknown; width?: number; height?: number } = {}): Promise<PanelPage> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 460, height: opts.height ?? 820 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  // A plain-text script: functions compiled by tsx carry helpers that do not exist in the page.
  await page.addInitScript({ content: stubScript(DARK_THEME, opts.state) });
  await page.goto(`file://${join(PAGE_DIR, 'index.html')}`);
  await page.waitForSelector('nav.tabs');
  return {
    page,
    errors,
    requests,
    posted: () => page.evaluate(() => (window as unknown as { __posted: Array<Record<string, unknown>> }).__posted),
    send: async (messages) => {
      await page.evaluate((msgs) => {
        for (const m of msgs) window.postMessage(m, '*');
      }, messages);
      // Let the message events and one animation frame run.
      await page.evaluate(() => new Promise((r) => setTimeout(() => requestAnimationFrame(() => r(null)), 0)));
    },
    state: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
    cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
    longest: () => page.evaluate(() => (window as unknown as { __longest: { task: number; frame: number } }).__longest),
    screenshot: async (name) => {
      const file = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      return file;
    },
  };
}
