/**
 * API keys in one place: which provider needs one, the environment variable the CLI reads it
 * from, the missing-key check, and the one fix text (each front door names its own action).
 */
import type { ProviderConfig } from '../config/schema';
import { ModelError } from './errors';
import type { ProviderKind } from './types';

/** Which front door the fix is for: VS Code (the Set API Key command), the CLI (a variable), or either. */
export type KeyFixForm = 'vscode' | 'cli' | 'both';

type KeyedProvider = Pick<ProviderConfig, 'kind' | 'apiKeyEnv'> & { baseUrl?: string };

/** The usual variable for a provider kind; local OpenAI-compatible servers usually need no key. */
export function defaultKeyEnv(kind: ProviderKind): string | undefined {
  return kind === 'openai' ? 'OPENAI_API_KEY' : kind === 'anthropic' ? 'ANTHROPIC_API_KEY' : undefined;
}

/** The environment variable the CLI reads a provider's key from: `apiKeyEnv`, else the kind's usual one. */
export function keyEnvName(provider: KeyedProvider): string | undefined {
  return provider.apiKeyEnv || defaultKeyEnv(provider.kind);
}

/**
 * Whether a provider cannot work without a key: hosted OpenAI and Anthropic always need one; an
 * OpenAI-compatible server only when its config names a key variable (local servers need none).
 */
export function needsApiKey(provider: KeyedProvider): boolean {
  return provider.kind === 'openai' || provider.kind === 'anthropic' || provider.apiKeyEnv !== undefined;
}

const VSCODE_ACTION = 'run Switchyard: Set API Key';

/** How to set a provider's key: the same sentence in every front door, naming that door's action. */
export function setKeyFix(providerName: string, provider: KeyedProvider, form: KeyFixForm = 'both'): string {
  const env = keyEnvName(provider);
  const cliAction = env ? `set ${env} in the environment` : `set providers.${providerName}.apiKeyEnv to the environment variable that holds the key`;
  const action = form === 'vscode' ? VSCODE_ACTION : form === 'cli' ? cliAction : `${VSCODE_ACTION} (VS Code) or ${cliAction} (CLI)`;
  return `${action[0]!.toUpperCase()}${action.slice(1)} for provider "${providerName}".`;
}

/** The error for a provider that needs a key and has none; undefined when the key is there or not needed. */
export function missingKeyError(providerName: string, provider: KeyedProvider, apiKey: string | undefined, form: KeyFixForm = 'both'): ModelError | undefined {
  if (apiKey?.trim() || !needsApiKey(provider)) return undefined;
  const fix = setKeyFix(providerName, provider, form);
  const service = provider.kind === 'openai' ? 'OpenAI' : provider.kind === 'anthropic' ? 'Anthropic' : `OpenAI-compatible${provider.baseUrl ? ` at ${provider.baseUrl}` : ''}`;
  // The fix is part of the message so attempt lists (which show messages) say what to do.
  return new ModelError({ kind: 'config', provider: providerName, message: `No API key for provider "${providerName}" (${service}). ${fix}`, fix });
}
