/** How the CLI finds its configuration, API keys and data directory (all from the environment). */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, parseConfig, type SwitchyardConfig } from '../core/config/schema';
import type { SecretSource } from '../core/basics';
import { keyEnvName } from '../core/models/apiKeys';

export function envSecrets(config: SwitchyardConfig, env: NodeJS.ProcessEnv): SecretSource {
  return {
    async apiKey(providerName) {
      const provider = config.providers[providerName];
      const name = provider && keyEnvName(provider);
      const value = name ? env[name]?.trim() : undefined;
      return value ? value : undefined;
    },
  };
}

/** SWITCHYARD_DATA_DIR, else ~/.switchyard. */
export function dataDirFrom(env: NodeJS.ProcessEnv, cwd: string): string {
  const dir = env.SWITCHYARD_DATA_DIR?.trim();
  return dir ? resolve(cwd, dir) : join(homedir(), '.switchyard');
}

/**
 * Reads and validates the config file named by `--config` or SWITCHYARD_CONFIG. No file at all
 * means the defaults (no providers); a missing, unreadable or invalid file is a ConfigError that
 * names the file and the bad field.
 */
export async function loadConfigFile(explicitPath: string | undefined, env: NodeJS.ProcessEnv, cwd: string): Promise<{ config: SwitchyardConfig; path?: string }> {
  const given = explicitPath ?? (env.SWITCHYARD_CONFIG?.trim() || undefined);
  if (!given) return { config: parseConfig({}) };
  const path = resolve(cwd, given);
  const via = explicitPath ? '--config' : 'SWITCHYARD_CONFIG';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code ?? String(err);
    throw new ConfigError(`Cannot read the config file ${path} (from ${via}): ${why}.`, `(file): ${why}`);
  }
  let json: unknown;
  try {
    // Editors on Windows save "UTF-8 with BOM"; the mark is not part of the JSON.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`The config file ${path} is not valid JSON: ${detail}`, `(file): ${detail}`);
  }
  return { config: parseConfig(json, `config file ${path}`), path };
}
