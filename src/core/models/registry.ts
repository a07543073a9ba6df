/** Builds the adapter for one configured provider, after checking its base URL and key. */
import type { ProviderConfig } from '../config/schema';
import type { Logger } from '../logger';
import { AnthropicAdapter } from './anthropic';
import { checkBaseUrl } from './baseUrl';
import { serviceName, setKeyFix } from './classify';
import { ModelError } from './errors';
import { OpenAIAdapter } from './openai';
import type { ModelAdapter } from './types';
import type { TokenCounter } from './tokens';

/**
 * The adapter for provider `providerName`. Throws ModelError kind 'config' (with a fix) when the
 * base URL is certainly wrong, or when an OpenAI / Anthropic provider has no key. An
 * OpenAI-compatible provider works without a key (local servers ignore it; a placeholder is sent).
 */
export function createAdapter(providerName: string, config: ProviderConfig, apiKey: string | undefined, logger: Logger, tokenCounter?: TokenCounter): ModelAdapter {
  const { baseUrl, warning } = checkBaseUrl(providerName, config);
  if (warning) logger.warn(warning);
  const key = apiKey?.trim() || undefined;
  if (!key && (config.kind === 'openai' || config.kind === 'anthropic')) {
    const fix = setKeyFix(providerName, config.kind, config.apiKeyEnv);
    throw new ModelError({
      kind: 'config',
      provider: providerName,
      message: `No API key for provider "${providerName}" (${serviceName(config.kind, baseUrl)}). ${fix}`,
      fix,
    });
  }
  if (config.kind === 'anthropic') {
    return new AnthropicAdapter({ providerName, baseUrl, apiKey: key as string, apiKeyEnv: config.apiKeyEnv, headers: config.headers, logger, tokenCounter });
  }
  return new OpenAIAdapter({
    providerName, kind: config.kind, baseUrl, apiKey: key, apiKeyEnv: config.apiKeyEnv, headers: config.headers, logger,
    cacheControl: config.cacheControl, tokenCounter,
  });
}
