/**
 * The config schema refuses what it does not know (with the key a typo probably meant) and
 * timeouts a timer cannot hold; the CLI reads a config file saved with a byte-order mark.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/cli/config';
import { ConfigError, MAX_TIMEOUT_MS, parseConfig } from '../../src/core/config/schema';
import { closestKey } from '../../src/core/config/suggest';
import manifest from '../../package.json';

const issuesOf = (input: unknown): string => {
  try {
    parseConfig(input);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues;
  }
  assert.fail('the config was accepted');
};

describe('config: unknown keys and bounded timeouts', () => {
  const oa = { kind: 'openai' as const };

  it('rejects unknown keys at every level, naming the key it probably meant', () => {
    assert.equal(issuesOf({ providers: { oa: { kind: 'openai', apikeyenv: 'MY_KEY' } } }), 'providers.oa.apikeyenv: unknown key "apikeyenv" — did you mean "apiKeyEnv"?');
    assert.equal(issuesOf({ providers: { oa }, models: { m: { provider: 'oa', id: 'x', pricee: { inputPerMTok: 1, outputPerMTok: 1 } } } }), 'models.m.pricee: unknown key "pricee" — did you mean "price"?');
    assert.equal(issuesOf({ route: { chat: ['m'] } }), 'route: unknown key "route" — did you mean "routes"?');
    assert.equal(issuesOf({ budget: { daily: 5 } }), 'budget.daily: unknown key "daily" — did you mean "dailyUsd"?');
    assert.match(issuesOf({ prices: { 'gpt-x': { inputPerMtok: 1, outputPerMTok: 2 } } }), /^prices\.gpt-x\.inputPerMtok: unknown key "inputPerMtok" — did you mean "inputPerMTok"\?$/m);
  });

  it('lists the known keys when nothing is close', () => {
    assert.equal(issuesOf({ trace: { zzzz: true } }), 'trace.zzzz: unknown key "zzzz" (known keys: recordBodies, maxTraces, maxBytes, otlpEndpoint, otlpHeaders)');
    assert.equal(closestKey('banana', ['routes', 'models']), undefined);
  });

  it('bounds every timeout: 2^31 ms (which a timer turns into 1 ms) is refused, naming the field', () => {
    for (const [input, field] of [
      [{ router: { requestTimeoutMs: 2 ** 31 } }, 'router.requestTimeoutMs'],
      [{ router: { ttftTimeoutMs: { default: 2 ** 31 } } }, 'router.ttftTimeoutMs.default'],
      [{ router: { breakerCooldownMs: 1e12 } }, 'router.breakerCooldownMs'],
      [{ router: { retryAfterCapMs: 2 ** 32 } }, 'router.retryAfterCapMs'],
      [{ mcp: { callTimeoutMs: 1e10 } }, 'mcp.callTimeoutMs'],
    ] as const) {
      assert.equal(issuesOf(input), `${field}: at most ${MAX_TIMEOUT_MS} ms (one hour)`);
    }
    assert.equal(parseConfig({ router: { requestTimeoutMs: MAX_TIMEOUT_MS } }).router.requestTimeoutMs, MAX_TIMEOUT_MS);
    assert.ok(MAX_TIMEOUT_MS <= 2 ** 31 - 1);
  });

  it('package.json declares the same maximum for every timeout setting', () => {
    const props = manifest.contributes.configuration.properties as Record<string, { properties?: Record<string, { maximum?: number; additionalProperties?: { maximum?: number } }> }>;
    const router = props['switchyard.router'].properties!;
    for (const key of ['backoffBaseMs', 'backoffMaxMs', 'retryAfterCapMs', 'requestTimeoutMs', 'breakerCooldownMs']) assert.equal(router[key].maximum, MAX_TIMEOUT_MS, key);
    assert.equal(router.ttftTimeoutMs.additionalProperties?.maximum, MAX_TIMEOUT_MS);
    assert.equal(props['switchyard.mcp'].properties!.callTimeoutMs.maximum, MAX_TIMEOUT_MS);
  });

  it('the CLI reads a config file that starts with a UTF-8 byte-order mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-bom-'));
    try {
      const file = join(dir, 'config.json');
      writeFileSync(file, `\uFEFF${JSON.stringify({ providers: { oa }, models: { mini: { provider: 'oa', id: 'gpt-4.1-mini' } } })}`, 'utf8');
      const { config } = await loadConfigFile(file, {}, dir);
      assert.equal(config.models.mini.id, 'gpt-4.1-mini');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
