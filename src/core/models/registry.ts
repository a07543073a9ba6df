/** Builds the adapter for one configured provider, after checking its base URL and key. */
import type { ProviderConfig } from '../config/schema';
import type { Logger } from '../logger';
import { AnthropicAdapter } from './anthropic';
import { checkBaseUrl } from './baseUrl';
import { missingKeyError, type KeyFixForm } from './apiKeys';
import { OpenAIAdapter } from './openai';
import type { ModelAdapter } from './types';
import type { TokenCounter } from './tokens';

/**
 * The adapter for provider `providerName`. Throws ModelError kind 'config' (with a fix in
 * `keyFixForm`'s words) when the base URL is certainly wrong, or when a provider that needs a key
 * has none (apiKeys.ts). A local OpenAI-compatible provider works without a key (a placeholder is sent).
 */
export function createAdapter(providerName: string, config: ProviderConfig, apiKey: string | undefined, logger: Logger, tokenCounter?: TokenCounter, keyFixForm?: KeyFixForm): ModelAdapter {
  const { baseUrl, warning } = checkBaseUrl(providerName, config);
  if (warning) logger.warn(warning);
  const key = apiKey?.trim() || undefined;
  const missing = missingKeyError(providerName, { ...config, baseUrl }, key, keyFixForm);
  if (missing) throw missing;
  if (config.kind === 'anthropic') {
    return new AnthropicAdapter({ providerName, baseUrl, apiKey: key as string, apiKeyEnv: config.apiKeyEnv, headers: config.headers, logger, tokenCounter });
  }
  return new OpenAIAdapter({
    providerName, kind: config.kind, baseUrl, apiKey: key, apiKeyEnv: config.apiKeyEnv, headers: config.headers, logger,
    cacheControl: config.cacheControl, tokenCounter,
  });
}
