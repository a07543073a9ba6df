/**
 * The demo's configuration step, for what this machine has (OPENAI_API_KEY, ANTHROPIC_API_KEY, a
 * local OpenAI-compatible server at OLLAMA_BASE_URL, default http://127.0.0.1:11434/v1):
 *   node --import tsx scripts/demo/configure.ts cli-config FILE       writes the CLI config, or removes FILE when nothing is found
 *   node --import tsx scripts/demo/configure.ts vscode-settings FILE  merges switchyard.* into a settings.json, keeping its comments
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isFailure, probeServer } from '../../src/core/setup/discover';
import { planFromChoices } from '../../src/core/setup/plan';
import { proposeRoles } from '../../src/core/setup/roles';
import { ROLES, type DiscoveredSource, type ProbeFailure } from '../../src/core/setup/types';
import { mergeSettingsText } from './settingsFile';

interface Plan {
  providers: Record<string, Record<string, unknown>>;
  models: Record<string, Record<string, unknown>>;
  routes: Record<string, string[]>;
  notes: string[];
}

/** What the probe of the local server means for the demo, in one line. */
export function describeLocalServer(found: DiscoveredSource | ProbeFailure): string {
  if (isFailure(found)) return `nothing usable at ${found.baseUrl} (${found.reason})`;
  if (found.models.length === 0) return `a server answers at ${found.baseUrl} but lists no models: pull or load one (e.g. \`ollama pull qwen2.5:1.5b-instruct\`) and run again`;
  return `${found.label} at ${found.baseUrl} lists ${found.models.map((m) => m.id).join(', ')}`;
}

/**
 * Providers, models and routes for what answers here. Hosted models come first in the chat route
 * when their key is set; the local server's roles are the ones Add Model and `switchyard init`
 * propose (src/core/setup), so the demo never picks differently from the product.
 */
export function planFor(found: DiscoveredSource | ProbeFailure, env: { OPENAI_API_KEY?: string; ANTHROPIC_API_KEY?: string }): Plan {
  const plan: Plan = { providers: {}, models: {}, routes: {}, notes: [describeLocalServer(found)] };
  const route = (role: string, name: string) => (plan.routes[role] ??= []).push(name);
  if (env.OPENAI_API_KEY) {
    plan.providers.openai = { kind: 'openai' };
    plan.models.mini = { provider: 'openai', id: 'gpt-4.1-mini' };
    route('chat', 'mini');
    plan.notes.push('OPENAI_API_KEY is set: provider "openai", model gpt-4.1-mini');
  }
  if (env.ANTHROPIC_API_KEY) {
    plan.providers.anthropic = { kind: 'anthropic' };
    plan.models.haiku = { provider: 'anthropic', id: 'claude-haiku-4-5' };
    route('chat', 'haiku');
    plan.notes.push('ANTHROPIC_API_KEY is set: provider "anthropic", model claude-haiku-4-5');
  }
  if (!isFailure(found) && found.models.length) {
    const { choices, missing } = proposeRoles([found]);
    const local = planFromChoices(choices, missing);
    for (const p of local.providers) plan.providers[p.name] = { ...p.config };
    for (const m of local.models) plan.models[m.name] = { ...m.config };
    for (const role of ROLES) for (const name of local.routes[role] ?? []) route(role, name);
    plan.notes.push(...local.reasons, ...local.warnings);
  }
  if (!plan.routes.completion && plan.models.mini) route('completion', 'mini');
  return plan;
}

async function main(argv: string[]): Promise<number> {
  const [command, file] = argv;
  if (!file || (command !== 'cli-config' && command !== 'vscode-settings')) {
    console.error('usage: configure.ts cli-config|vscode-settings FILE');
    return 2;
  }
  const found = await probeServer(process.env.OLLAMA_BASE_URL || 'http://127.0.0.1:11434/v1');
  const plan = planFor(found, process.env);
  for (const note of plan.notes) console.log(`   ${note}`);

  if (command === 'cli-config') {
    if (!plan.routes.chat) {
      rmSync(file, { force: true });
      return 0;
    }
    writeFileSync(file, `${JSON.stringify({ providers: plan.providers, models: plan.models, routes: plan.routes }, null, 2)}\n`);
    console.log(`Config written to ${file} (chat route: ${plan.routes.chat.join(' → ')})`);
    return 0;
  }

  // VS Code: keys live in secret storage; the providers above only name them.
  const values: Record<string, unknown> = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
  };
  if (plan.routes.chat) {
    values['switchyard.providers'] = plan.providers;
    values['switchyard.models'] = plan.models;
    values['switchyard.routes'] = plan.routes;
    if (plan.providers.openai || plan.providers.anthropic) console.log('   in the editor, run Switchyard: Set API Key to store the key (settings never hold keys)');
  } else {
    console.log('   no model found: the extension starts unconfigured and shows how to add one');
  }
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const merged = mergeSettingsText(before, values);
  if (!merged.ok) {
    console.error(`   ${file} is not valid JSON with comments (${merged.error}); left unchanged. Fix or delete it and run again.`);
    return 1;
  }
  writeFileSync(file, merged.text);
  return 0;
}

if (process.argv[1] && /configure\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
