/**
 * `switchyard init`: finds model servers (the well-known local ports, --base-url, hosted accounts
 * with --openai / --anthropic) or imports a Continue config, proposes chat / completion / embedding
 * models, test-calls each role, prints what it chose and why, and writes (or edits) the config file.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { version } from '../../../package.json';
import { createCoreServices } from '../../core/app';
import { ConfigError, parseConfig } from '../../core/config/schema';
import { silentLogger } from '../../core/logger';
import { continueConfigPaths, ContinueImportError, importContinueConfig } from '../../core/setup/continueImport';
import { discoverServers } from '../../core/setup/discover';
import { listHostedAccount } from '../../core/setup/hosted';
import { applyPlan, planFromChoices, type SetupTarget } from '../../core/setup/plan';
import { proposeRoles } from '../../core/setup/roles';
import { checkRoles } from '../../core/setup/testCalls';
import type { DiscoveredSource, SetupPlan } from '../../core/setup/types';
import { dataDirFrom, envSecrets } from '../config';
import { defaultKeyEnv } from '../../core/models/apiKeys';
import type { CliCommand, CliIO } from '../types';
import { parseCommandArgs, UsageError, write } from '../util';

const usage = 'init [--base-url URL]… [--openai] [--anthropic] [--from-continue FILE] [--out F] [--yes] [--no-check]   find models (local servers, accounts) or import Continue, pick roles, write the config';

/** Reads one line from stdin (a TTY or a pipe); undefined when stdin ends without one. */
function askLine(io: CliIO, prompt: string): Promise<string | undefined> {
  io.stderr.write(prompt);
  return new Promise((resolveLine) => {
    const rl = createInterface({ input: io.stdin, terminal: false });
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolveLine(line);
    });
    rl.once('close', () => {
      if (!answered) resolveLine(undefined);
    });
  });
}

async function readTarget(path: string): Promise<SetupTarget> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`Cannot read ${path}: ${(err as Error).message}`, '(file)');
  }
  try {
    const json: unknown = JSON.parse(text);
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
    return json as SetupTarget;
  } catch (err) {
    throw new ConfigError(`${path} is not a JSON config object (${(err as Error).message}); fix it or pass another --out.`, '(file)');
  }
}

function describeSource(s: DiscoveredSource): string {
  const ids = s.models.map((m) => m.id);
  return `${s.label} at ${s.baseUrl}: ${ids.length} model${ids.length === 1 ? '' : 's'}${ids.length ? ` (${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ', …' : ''})` : ''}`;
}

export const command: CliCommand = {
  name: 'init',
  usage,
  async run(argv, io) {
    const { values } = parseCommandArgs('init', argv, {
      'base-url': { type: 'string', multiple: true },
      openai: { type: 'boolean', default: false },
      anthropic: { type: 'boolean', default: false },
      'from-continue': { type: 'string' },
      out: { type: 'string', default: 'switchyard.json' },
      yes: { type: 'boolean', short: 'y', default: false },
      'no-check': { type: 'boolean', default: false },
    });
    const out = resolve(io.cwd, values.out);
    const say = (text: string) => write(io.stdout, `${text}\n`);
    let plan: SetupPlan;

    if (values['from-continue']) {
      const file = resolve(io.cwd, values['from-continue']);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new UsageError(`init: cannot read --from-continue ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      try {
        plan = importContinueConfig(text, file);
      } catch (err) {
        if (err instanceof ContinueImportError) throw new UsageError(`init: ${err.message}`);
        throw err;
      }
      await say(`Importing Continue config ${file}`);
      if (plan.models.length === 0 && Object.keys(plan.mcpServers).length === 0) {
        io.stderr.write(`switchyard init: nothing to import from ${file}.${plan.warnings.length ? `\n${plan.warnings.map((w) => `  - ${w}`).join('\n')}` : ''}\n`);
        return 2;
      }
    } else {
      const urls = values['base-url'] ?? [];
      const hostedWanted = values.openai || values.anthropic;
      const { found, failed } = await discoverServers({ urls, wellKnown: urls.length === 0 && !hostedWanted });
      for (const [flag, kind] of [[values.openai, 'openai'], [values.anthropic, 'anthropic']] as const) {
        if (!flag) continue;
        const envVar = defaultKeyEnv(kind)!;
        const key = io.env[envVar]?.trim();
        if (!key) {
          failed.push({ label: kind === 'openai' ? 'OpenAI' : 'Anthropic', baseUrl: envVar, reason: `set ${envVar} to list the account's models` });
          continue;
        }
        try {
          found.push(await listHostedAccount(kind, key, silentLogger));
        } catch (err) {
          const e = err as { message?: string; fix?: string };
          failed.push({ label: kind === 'openai' ? 'OpenAI' : 'Anthropic', baseUrl: envVar, reason: `${e.message ?? String(err)}${e.fix ? ` ${e.fix}` : ''}` });
        }
      }
      for (const s of found) await say(`Found ${describeSource(s)}`);
      for (const f of failed) await say(`Not found: ${f.label} (${f.baseUrl}): ${f.reason}`);
      const { choices, missing } = proposeRoles(found);
      if (choices.length === 0) {
        const answeredEmpty = found.filter((s) => s.models.length === 0).map((s) => `${s.label} answered but lists no models (pull or load one first, e.g. \`ollama pull llama3.2\`).`);
        const continueFile = continueConfigPaths(io.env.HOME || undefined).find((p) => existsSync(p));
        io.stderr.write([
          'switchyard init: no usable model found.',
          ...answeredEmpty,
          ...(continueFile ? [`A Continue config exists: switchyard init --from-continue ${continueFile}`] : []),
          'Start a local server (Ollama, LM Studio, llama.cpp server, vLLM) or pass --base-url URL, --openai / --anthropic (with the key in OPENAI_API_KEY / ANTHROPIC_API_KEY), or --from-continue ~/.continue/config.yaml.',
          '',
        ].join('\n'));
        return 2;
      }
      plan = planFromChoices(choices, missing);
    }

    await say('\nChosen:');
    for (const r of plan.reasons) await say(`  ${r}`);
    for (const w of plan.warnings) await say(`  note: ${w}`);

    const existing = await readTarget(out);
    const applied = applyPlan(existing, plan);
    let config;
    try {
      config = parseConfig(applied.config, `config ${out}`);
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(`The merged config would be invalid (the existing ${out} is kept):\n${err.issues}`, err.issues);
      throw err;
    }

    let failedChecks = 0;
    if (!values['no-check']) {
      await say('\nChecks (one call per role):');
      const core = await createCoreServices({ config, secrets: envSecrets(config, io.env), dataDir: dataDirFrom(io.env, io.cwd), logger: silentLogger, workspace: io.cwd, version, keyFixForm: 'cli' });
      try {
        const routes = Object.fromEntries(Object.entries(plan.routes).map(([role, names]) => [role, (names ?? []).map((n) => applied.renamed[n] ?? n)]));
        for (const check of await checkRoles(core.router, config, routes)) {
          if (!check.ok) failedChecks++;
          await say(`  ${check.role.padEnd(10)} ${check.model}: ${check.ok ? 'ok' : 'FAILED'} — ${check.detail}`);
        }
      } finally {
        await core.dispose();
      }
    }

    await say(`\nChanges to ${out}:`);
    if (applied.changes.length === 0) await say('  none (already set up this way)');
    for (const c of applied.changes) await say(`  ${c}`);
    for (const p of plan.providers) if (p.needsKey?.envVar && !io.env[p.needsKey.envVar]) await say(`  key: set ${p.needsKey.envVar} for provider ${applied.renamed[p.name] ?? p.name} (${p.needsKey.reason})`);

    if (!values.yes) {
      const answer = await askLine(io, `Write ${out}? [y/N] `);
      if (answer === undefined) {
        io.stderr.write(`\nswitchyard init: nothing written — no answer on stdin. Pass --yes to write ${out} without asking.\n`);
        return 2;
      }
      if (!/^y(es)?$/i.test(answer.trim())) {
        await say('Not written.');
        return 1;
      }
    }
    await writeFile(out, `${JSON.stringify(applied.config, null, 2)}\n`, 'utf8');
    await say(`\nWrote ${out}. Try: switchyard ask --config ${values.out} "hello"`);
    return failedChecks > 0 ? 1 : 0;
  },
};
