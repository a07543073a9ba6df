/** Lists a hosted account's models (OpenAI, Anthropic) through the provider's own SDK, with the user's key. */
import type { ProviderConfig } from '../config/schema';
import type { Logger } from '../logger';
import { DEFAULT_BASE_URLS } from '../models/baseUrl';
import { createAdapter } from '../models/registry';
import type { DiscoveredSource } from './types';

export async function listHostedAccount(
  kind: 'openai' | 'anthropic',
  apiKey: string,
  logger: Logger,
  options: { baseUrl?: string; apiKeyEnv?: string; signal?: AbortSignal } = {},
): Promise<DiscoveredSource> {
  const config: ProviderConfig = { kind, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), ...(options.apiKeyEnv ? { apiKeyEnv: options.apiKeyEnv } : {}) };
  const adapter = createAdapter(kind, config, apiKey, logger);
  const ids = (await adapter.listModels?.(options.signal)) ?? [];
  return {
    label: kind === 'openai' ? 'OpenAI' : 'Anthropic',
    kind,
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URLS[kind],
    ollama: false,
    models: ids.map((id) => ({ id })),
    ...(options.apiKeyEnv ? { apiKeyEnv: options.apiKeyEnv } : {}),
  };
}
