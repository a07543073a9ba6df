/**
 * "Local means $0": a model served from this machine costs nothing unless the user priced it, and
 * budgets never block it. A provider is local when it says `local: true`, or when it is an
 * OpenAI-compatible server on a loopback address (hosted kinds on loopback are proxies: billed).
 */
import type { Price, ProviderConfig, SwitchyardConfig } from '../config/schema';

const ZERO_PRICE: Price = Object.freeze({ inputPerMTok: 0, outputPerMTok: 0 }) as Price;

/** 127.0.0.0/8, localhost (and *.localhost), ::1 — with or without IPv6 brackets. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return v4 !== null && Number(v4[1]) === 127 && v4.slice(2).every((o) => Number(o) <= 255);
}

export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

export function isLocalProvider(provider: Pick<ProviderConfig, 'kind' | 'baseUrl' | 'local'> | undefined): boolean {
  if (!provider) return false;
  if (provider.local !== undefined) return provider.local;
  return provider.kind === 'openai-compatible' && isLoopbackUrl(provider.baseUrl);
}

/** Whether a model config name runs on a local provider. */
export function isLocalModel(config: Pick<SwitchyardConfig, 'models' | 'providers'>, modelName: string): boolean {
  const model = config.models[modelName];
  return model !== undefined && isLocalProvider(config.providers[model.provider]);
}

export interface PriceSource {
  priceFor(modelId: string, modelOverride?: Price): Price | undefined;
  explicitPriceFor?(modelId: string, modelOverride?: Price): Price | undefined;
}

/**
 * The price of a configured model: for a local one the user's own price, else $0 (the catalog's
 * price of a same-named hosted model does not apply to a copy running here); otherwise the catalog's.
 */
export function priceOfModel(config: Pick<SwitchyardConfig, 'models' | 'providers'>, catalog: PriceSource, modelName: string, modelId: string): Price | undefined {
  const override = config.models[modelName]?.price;
  if (isLocalModel(config, modelName)) return (catalog.explicitPriceFor ? catalog.explicitPriceFor(modelId, override) : override) ?? ZERO_PRICE;
  return catalog.priceFor(modelId, override);
}
