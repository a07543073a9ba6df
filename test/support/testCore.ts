/** The real core service graph (createCoreServices) for tests and benchmarks, with a fixed test key. */
import { createCoreServices, type AppServices } from '../../src/core/app';
import { parseConfig, type ConfigInput } from '../../src/core/config/schema';
import { silentLogger } from '../../src/core/logger';

export const TEST_API_KEY = 'sk-test-fake-key';

export function createTestCore(input: ConfigInput, dataDir: string, apiKey: string = TEST_API_KEY): Promise<AppServices> {
  return createCoreServices({ config: parseConfig(input), secrets: { apiKey: async () => apiKey }, dataDir, logger: silentLogger });
}
