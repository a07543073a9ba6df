/** The real core service graph (createCoreServices) for tests and benchmarks, with a fixed test key. */
import { createCoreServices, type AppServices } from '../../src/core/app';
import { parseConfig, type ConfigInput } from '../../src/core/config/schema';
import { silentLogger, type Logger } from '../../src/core/logger';

export const TEST_API_KEY = 'sk-test-fake-key';

/** `apiKey` is the key every provider gets; `null` for none (a local server that needs no key). */
export function createTestCore(input: ConfigInput, dataDir: string, apiKey: string | null = TEST_API_KEY, logger: Logger = silentLogger): Promise<AppServices> {
  return createCoreServices({ config: parseConfig(input), secrets: { apiKey: async () => apiKey ?? undefined }, dataDir, logger });
}
