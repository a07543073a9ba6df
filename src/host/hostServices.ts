/**
 * HostServices: what every host area receives from the composition root — the core (built once,
 * for the extension's lifetime; settings changes update it in place), the logger, secrets and
 * error reporting.
 */
import * as vscode from 'vscode';
import { createCoreServices, type AppServices } from '../core/app';
import { parseConfig, type SwitchyardConfig } from '../core/config/schema';
import type { Logger } from '../core/logger';
import type { RouterResult } from '../core/router/types';
import { createErrorNotifier, keyProblemOfAttempt, OPEN_SETTINGS, SET_API_KEY, type ErrorNotifier } from './errors';
import type { HostSecrets } from './secrets';
import { loadSettings, openSettings, SETTINGS_SECTION } from './settings';
import { SettingsProblemNotice } from './settingsProblemNotice';

export interface HostServices {
  readonly context: vscode.ExtensionContext;
  readonly logger: Logger;
  /** The "Switchyard" Output channel (log levels follow the user's "Set Log Level"). */
  readonly output: vscode.LogOutputChannel;
  readonly secrets: HostSecrets;
  /** The core: one for the extension's lifetime; read `core.config` when you need settings. */
  readonly core: AppServices;
  /** The settings problem that kept the last good config, or undefined when settings are valid. */
  readonly configProblem: string | undefined;
  /** Fires after valid settings changed and the core took them (same core, new `core.config`). */
  onDidChangeCore(listener: (core: AppServices) => void): vscode.Disposable;
  /** Fires when settings become invalid (the message) or valid again (undefined). */
  onDidChangeConfigProblem(listener: (problem: string | undefined) => void): vscode.Disposable;
  /** Fires after every router call of this window (any feature), e.g. to refresh spend. */
  onDidFinishCall(listener: (result: RouterResult) => void): vscode.Disposable;
  /** Shows an error as a notification with the action that fixes it (Set API Key, Open Settings). Never throws. */
  showError(error: unknown, context?: string): void;
}


class HostServicesImpl implements HostServices {
  private current!: AppServices;
  private problem: string | undefined;
  private readonly coreEmitter = new vscode.EventEmitter<AppServices>();
  private readonly callEmitter = new vscode.EventEmitter<RouterResult>();
  private readonly problemEmitter = new vscode.EventEmitter<string | undefined>();
  /** Providers already told about a key problem; cleared when their key changes. */
  private readonly keyNotified = new Set<string>();
  /** Providers already reported unreachable (network / 404); cleared when settings change. */
  private readonly reachNotified = new Set<string>();
  private rebuilding: Promise<void> = Promise.resolve();
  private readonly settingsNotice = new SettingsProblemNotice();
  readonly showError: ErrorNotifier;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
    readonly logger: Logger,
    readonly secrets: HostSecrets,
  ) {
    this.showError = createErrorNotifier(logger, output);
    context.subscriptions.push(this.coreEmitter, this.callEmitter, this.problemEmitter, this.settingsNotice);
  }

  get core(): AppServices {
    return this.current;
  }

  get configProblem(): string | undefined {
    return this.problem;
  }

  onDidChangeCore(listener: (core: AppServices) => void): vscode.Disposable {
    return this.coreEmitter.event(listener);
  }

  onDidChangeConfigProblem(listener: (problem: string | undefined) => void): vscode.Disposable {
    return this.problemEmitter.event(listener);
  }

  onDidFinishCall(listener: (result: RouterResult) => void): vscode.Disposable {
    return this.callEmitter.event(listener);
  }

  /** Builds the first core; invalid settings fall back to defaults (and say so). */
  async start(): Promise<void> {
    const settings = loadSettings();
    let config: SwitchyardConfig;
    if (settings.ok) config = settings.config;
    else {
      this.reportSettingsProblem(settings.error.issues, settings.firstKey, 'using the defaults until they are fixed');
      config = parseConfig({});
    }
    try {
      this.current = await this.build(config);
    } catch (err) {
      // Never fail activation over the configuration: report it and run on the defaults.
      this.showError(err, 'starting');
      this.current = await this.build(parseConfig({}));
    }
    this.context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS_SECTION)) this.scheduleRebuild();
      }),
      this.secrets.onDidChange((provider) => this.keyNotified.delete(provider)),
      { dispose: () => void this.current?.dispose() },
    );
  }

  private scheduleRebuild(): void {
    this.rebuilding = this.rebuilding.then(() => this.reload()).catch((err: unknown) => this.showError(err, 'reloading settings'));
  }

  /** Valid new settings go into the running core; nothing is rebuilt, so caches and state survive. */
  private async reload(): Promise<void> {
    const settings = loadSettings();
    if (!settings.ok) {
      this.reportSettingsProblem(settings.error.issues, settings.firstKey, 'keeping the last valid settings');
      return;
    }
    if (this.problem !== undefined) {
      this.problem = undefined;
      this.problemEmitter.fire(undefined);
    }
    this.settingsNotice.clear();
    this.current.updateConfig(settings.config);
    this.reachNotified.clear();
    this.logger.info('Settings changed: applied to the running services.');
    this.coreEmitter.fire(this.current);
  }

  private async build(config: SwitchyardConfig): Promise<AppServices> {
    return createCoreServices({
      config,
      secrets: this.secrets,
      dataDir: this.context.globalStorageUri.fsPath,
      logger: this.logger,
      workspace: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      version: String(this.context.extension.packageJSON.version ?? ''),
      keyFixForm: 'vscode',
      onCallFinished: (result) => this.onCallFinished(result),
    });
  }

  private onCallFinished(result: RouterResult): void {
    this.callEmitter.fire(result);
    this.reportUnreachable(result);
    for (const attempt of result.attempts) {
      if (!keyProblemOfAttempt(attempt) || this.keyNotified.has(attempt.provider)) continue;
      this.keyNotified.add(attempt.provider);
      const what = attempt.errorClass === 'auth'
        ? `Provider "${attempt.provider}" rejected its API key${attempt.httpStatus ? ` (${attempt.httpStatus})` : ''}`
        : `No API key is set for provider "${attempt.provider}"`;
      const answered = result.status === 'ok' && result.provider !== attempt.provider ? ` — ${result.model} answered instead` : '';
      this.logger.warn(`${what}${answered}.`);
      void vscode.window.showWarningMessage(`Switchyard: ${what}${answered}.`, SET_API_KEY).then((action) => {
        if (action) void vscode.commands.executeCommand('switchyard.setApiKey', { provider: attempt.provider });
      });
    }
  }

  /** A call that failed because a provider cannot be reached (or its base URL is wrong): say so once. */
  private reportUnreachable(result: RouterResult): void {
    if (result.status !== 'error') return;
    for (const attempt of result.attempts) {
      if ((attempt.errorClass !== 'network' && attempt.errorClass !== 'not_found') || this.reachNotified.has(attempt.provider)) continue;
      this.reachNotified.add(attempt.provider);
      // The router appends its decision ("→ next candidate: …"); the user needs the cause.
      const cause = (attempt.reason ?? `${attempt.errorClass} error`).split(' → ')[0];
      this.logger.warn(`Provider "${attempt.provider}": ${cause}`);
      void vscode.window.showWarningMessage(`Switchyard: provider "${attempt.provider}" — ${cause} Check its baseUrl in switchyard.providers, or start the server.`, OPEN_SETTINGS).then((action) => {
        if (action) void openSettings('providers');
      });
    }
  }

  private reportSettingsProblem(issues: string, firstKey: string | undefined, outcome: string): void {
    this.problem = issues;
    this.problemEmitter.fire(issues);
    const lines = issues.split('\n');
    const shown = lines.slice(0, 3).join('; ') + (lines.length > 3 ? ` (+${lines.length - 3} more)` : '');
    this.logger.error(`Invalid settings (${outcome}):\n${issues}`);
    this.settingsNotice.show(`${shown} — ${outcome}.`, firstKey);
  }
}

export async function createHostServices(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  logger: Logger,
  secrets: HostSecrets,
): Promise<HostServices> {
  const services = new HostServicesImpl(context, output, logger, secrets);
  await services.start();
  return services;
}

/**
 * Registers a command whose failures become notifications instead of reaching the extension host.
 * The manifest test finds handlers by this call (or registerCommand) with the id as a literal.
 */
export function registerSafeCommand(services: HostServices, id: string, handler: (...args: unknown[]) => unknown): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (err) {
        services.showError(err, id.replace(/^switchyard\./, ''));
        return undefined;
      }
    }),
  );
}
