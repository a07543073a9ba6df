/** Reads the `switchyard.*` settings into one object and validates it with the config schema. */
import * as vscode from 'vscode';
import { ConfigError, configSchema, parseConfig, type SwitchyardConfig } from '../core/config/schema';

export const SETTINGS_SECTION = 'switchyard';
const settingKeys = (): string[] => Object.keys(configSchema.shape);

export function readRawSettings(): Record<string, unknown> {
  const section = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const raw: Record<string, unknown> = {};
  for (const key of settingKeys()) {
    const value = section.get<unknown>(key);
    if (value !== undefined && value !== null) raw[key] = value;
  }
  return raw;
}

export type SettingsResult = { ok: true; config: SwitchyardConfig } | { ok: false; error: ConfigError; firstKey?: string };

export function loadSettings(): SettingsResult {
  try {
    return { ok: true, config: parseConfig(readRawSettings(), 'settings') };
  } catch (err) {
    if (err instanceof ConfigError) {
      // "routes.chat[1]: unknown model …" → "routes": the setting to open.
      const firstKey = /^([A-Za-z]+)/.exec(err.issues)?.[1];
      return { ok: false, error: err, firstKey };
    }
    throw err;
  }
}

/** Which settings level to write so the write wins: workspace when the workspace sets it already. */
export function targetFor(key: string): vscode.ConfigurationTarget {
  const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect(key);
  if (inspected?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (inspected?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

/** The value stored at that level (not the merged one), so a write does not copy other levels' values. */
export function valueAt<T>(key: string, target: vscode.ConfigurationTarget): T | undefined {
  const inspected = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect<T>(key);
  if (target === vscode.ConfigurationTarget.WorkspaceFolder) return inspected?.workspaceFolderValue;
  if (target === vscode.ConfigurationTarget.Workspace) return inspected?.workspaceValue;
  return inspected?.globalValue;
}

export function openSettings(key?: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', key ? `${SETTINGS_SECTION}.${key}` : `@ext:switchyard-dev.switchyard`);
}
