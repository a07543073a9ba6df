/** Ground-floor seams every layer of core may use: the clock and where API keys come from. */

/** Where API keys come from: SecretStorage in VS Code, environment variables in the CLI. */
export interface SecretSource {
  /** The API key of a provider (config name), or undefined when none is set. */
  apiKey(providerName: string): Promise<string | undefined>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
