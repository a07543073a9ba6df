/** The CLI's own pieces, in-process: argument and config handling, key lookup, exit codes, outputs. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { attemptLine, exitCodeOf, jsonResult } from '../../src/cli/commands/ask';
import { parseSince } from '../../src/cli/commands/cost';
import { commands } from '../../src/cli/commands/index';
import { modelRows } from '../../src/cli/commands/models';
import { dataDirFrom, envSecrets, loadConfigFile } from '../../src/cli/config';
import { keyEnvName, setKeyFix } from '../../src/core/models/apiKeys';
import { main } from '../../src/cli/main';
import { table, UsageError } from '../../src/cli/util';
import { ConfigError, parseConfig } from '../../src/core/config/schema';
import { PriceCatalog } from '../../src/core/cost/catalog';
import { ModelError } from '../../src/core/models/errors';
import type { AttemptRecord } from '../../src/core/router/types';
import type { TurnResult } from '../../src/core/chat/turnResult';
import { recordingIO, type RecordingIO } from '../support/cliIo';

const io = (env: NodeJS.ProcessEnv = {}, stdinText?: string): RecordingIO => recordingIO({ env, ...(stdinText !== undefined ? { stdin: stdinText } : {}) });

const attempt = (over: Partial<AttemptRecord>): AttemptRecord => ({ model: 'm', modelId: 'm-id', provider: 'p', status: 'error', latencyMs: 12.4, ...over });
const result = (over: Partial<TurnResult>): TurnResult => ({
  traceIds: ['a'.repeat(32)],
  status: 'ok',
  text: 'hi',
  toolCalls: [],
  attempts: [attempt({ status: 'ok' })],
  usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 },
  costUsd: null,
  latencyMs: 5,
  model: 'm',
  provider: 'p',
  ...over,
});

describe('cli: registry, help and usage errors', () => {
  it('registers ask, models and cost with usage lines, names unique', () => {
    const names = commands.map((c) => c.name);
    for (const n of ['ask', 'models', 'cost']) assert.ok(names.includes(n), n);
    assert.equal(new Set(names).size, names.length);
    for (const c of commands) assert.ok(c.usage.startsWith(c.name), `${c.name}: usage starts with the name`);
  });

  it('prints help listing every command (exit 0), or to stderr with exit 2 when no command is given', async () => {
    const a = io();
    assert.equal(await main(['--help'], a), 0);
    for (const c of commands) assert.match(a.out(), new RegExp(`^  ${c.name}\\b`, 'm'));
    const b = io();
    assert.equal(await main([], b), 2);
    assert.match(b.err(), /Usage: switchyard <command>/);
  });

  it('rejects unknown commands and options with exit 2 and a message naming them', async () => {
    const a = io();
    assert.equal(await main(['nope'], a), 2);
    assert.match(a.err(), /unknown command "nope"/);
    const b = io();
    assert.equal(await main(['cost', '--by', 'week'], b), 2);
    assert.match(b.err(), /--by must be one of day, model, feature, provider, got "week"/);
    const c = io();
    assert.equal(await main(['ask'], c, commands), 2);
    assert.match(c.err(), /no question/);
  });

  it('runs a plugged-in command with the exit code it returns', async () => {
    const seen: string[][] = [];
    const plug = { name: 'echo', usage: 'echo ARGS', run: async (argv: string[]) => (seen.push(argv), 7) };
    assert.equal(await main(['echo', 'a', 'b'], io(), [plug]), 7);
    assert.deepEqual(seen, [['a', 'b']]);
  });
});

describe('cli: config file and environment', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-unit-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses defaults when no config is given', async () => {
    const { config, path } = await loadConfigFile(undefined, {}, dir);
    assert.equal(path, undefined);
    assert.deepEqual(config.models, {});
  });

  it('names the file and the field of an invalid config; --config wins over SWITCHYARD_CONFIG', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ providers: { p: { kind: 'openai' } }, models: { a: { provider: 'nope', id: 'x' } } }));
    const good = join(dir, 'good.json');
    writeFileSync(good, '{}');
    await assert.rejects(loadConfigFile(undefined, { SWITCHYARD_CONFIG: bad }, dir), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.ok(e.message.includes(bad));
      assert.match(e.message, /models\.a\.provider: unknown provider "nope"/);
      return true;
    });
    const { path } = await loadConfigFile(good, { SWITCHYARD_CONFIG: bad }, dir);
    assert.equal(path, good);
  });

  it('reports a missing file and broken JSON with the file name', async () => {
    await assert.rejects(loadConfigFile('missing.json', {}, dir), /missing\.json \(from --config\): no such file/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"routes": ');
    await assert.rejects(loadConfigFile(broken, {}, dir), (e: unknown) => e instanceof ConfigError && e.message.includes(broken) && /not valid JSON/.test(e.message));
  });

  it('reads keys from apiKeyEnv, else the kind\'s usual variable; local servers need none', async () => {
    const config = parseConfig({
      providers: {
        oa: { kind: 'openai' },
        an: { kind: 'anthropic' },
        custom: { kind: 'openai', apiKeyEnv: 'MY_KEY' },
        local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' },
      },
    });
    const secrets = envSecrets(config, { OPENAI_API_KEY: ' sk-a ', ANTHROPIC_API_KEY: '', MY_KEY: 'sk-c' });
    assert.equal(await secrets.apiKey('oa'), 'sk-a');
    assert.equal(await secrets.apiKey('an'), undefined, 'empty variable = no key');
    assert.equal(await secrets.apiKey('custom'), 'sk-c');
    assert.equal(await secrets.apiKey('local'), undefined);
    assert.equal(await secrets.apiKey('unknown'), undefined);
    assert.equal(keyEnvName(config.providers.an), 'ANTHROPIC_API_KEY');
    assert.equal(setKeyFix('custom', config.providers.custom!, 'cli'), 'Set MY_KEY in the environment for provider "custom".');
  });

  it('puts data under SWITCHYARD_DATA_DIR (relative to cwd) or ~/.switchyard', () => {
    assert.equal(dataDirFrom({}, '/x'), join(homedir(), '.switchyard'));
    assert.equal(dataDirFrom({ SWITCHYARD_DATA_DIR: 'data' }, '/x'), '/x/data');
  });

  it('validates --since dates', () => {
    assert.equal(parseSince('2026-02-03'), new Date(2026, 1, 3).getTime());
    for (const bad of ['2026-2-3', '2026-02-30', 'yesterday']) assert.throws(() => parseSince(bad), UsageError, bad);
  });
});

describe('cli: ask output and exit codes', () => {
  it('prints the documented --json shape', () => {
    const out = jsonResult(result({ costUsd: 0.25 }));
    assert.deepEqual(Object.keys(out), ['text', 'model', 'provider', 'attempts', 'usage', 'costUsd', 'providerCostUsd', 'traceId']);
    assert.deepEqual(out.attempts, [{ model: 'm', status: 'ok', errorClass: null, latencyMs: 12 }]);
    const failed = jsonResult(result({ status: 'error', error: new ModelError({ kind: 'auth', message: 'rejected', fix: 'set key' }) }));
    assert.deepEqual(failed.error, { kind: 'auth', message: 'rejected', fix: 'set key' });
  });

  it('exits 0 ok, 1 when a provider was tried and failed, 2 when only config stopped every candidate, 130 cancelled', () => {
    assert.equal(exitCodeOf(result({})), 0);
    assert.equal(exitCodeOf(result({ status: 'error', attempts: [attempt({ errorClass: 'config' }), attempt({ errorClass: 'server' })] })), 1);
    assert.equal(exitCodeOf(result({ status: 'error', attempts: [attempt({ errorClass: 'config' }), attempt({ errorClass: 'config' })] })), 2);
    assert.equal(exitCodeOf(result({ status: 'error', attempts: [], error: new ModelError({ kind: 'config', message: 'no route' }) })), 2);
    assert.equal(exitCodeOf(result({ status: 'cancelled' })), 130);
  });

  it('describes each attempt with model, provider, error class, HTTP status and reason', () => {
    const line = attemptLine(attempt({ model: 'sonnet', provider: 'an', modelId: 'claude-x', errorClass: 'overloaded', httpStatus: 529, reason: 'busy' }), 0);
    assert.equal(line, '  1. sonnet [an/claude-x] failed: overloaded (HTTP 529) — busy');
  });
});

describe('cli: models', () => {
  it('lists prices (override, catalog or unknown), context windows, routes and pins', () => {
    const config = parseConfig({
      providers: { oa: { kind: 'openai' }, remote: { kind: 'openai-compatible', baseUrl: 'https://llm.example.com/v1' }, local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' } },
      models: {
        mini: { provider: 'oa', id: 'gpt-4.1-mini' },
        mine: { provider: 'oa', id: 'gpt-4.1-mini', price: { inputPerMTok: 9, outputPerMTok: 9 }, contextWindow: 1000 },
        mystery: { provider: 'remote', id: 'totally-unknown-model-xyz' },
        here: { provider: 'local', id: 'totally-unknown-model-xyz' },
      },
      routes: { chat: ['mini', 'mystery'], completion: ['mystery'] },
      pinned: { chat: 'mine' },
    });
    const catalog = new PriceCatalog();
    const rows = modelRows(config, catalog);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    assert.equal(byName.mini.inputPerMTok, catalog.priceFor('gpt-4.1-mini')!.inputPerMTok);
    assert.equal(byName.mini.contextWindow, catalog.lookup('gpt-4.1-mini')!.contextWindow);
    assert.deepEqual([byName.mine.inputPerMTok, byName.mine.contextWindow], [9, 1000]);
    assert.equal(byName.mystery.inputPerMTok, null, 'unknown price stays unknown');
    assert.deepEqual([byName.here.inputPerMTok, byName.here.outputPerMTok, byName.here.local], [0, 0, true], 'the same unknown model on loopback is local: $0');
    assert.equal(byName.mystery.local, false);
    assert.deepEqual(byName.mystery.routes, ['chat#2', 'completion#1']);
    assert.deepEqual(byName.mine.routes, ['pinned:chat']);
  });

  it('formats aligned tables', () => {
    assert.equal(table(['A', 'NUM'], [['x', '1'], ['long', '22']], [1]), 'A     NUM\n----  ---\nx       1\nlong   22\n');
  });
});
