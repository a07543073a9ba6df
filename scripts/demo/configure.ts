/**
 * The demo's configuration step, for what this machine has (OPENAI_API_KEY, ANTHROPIC_API_KEY, a
 * local OpenAI-compatible server at OLLAMA_BASE_URL, default http://127.0.0.1:11434/v1):
 *   node --import tsx scripts/demo/configure.ts cli-config FILE       writes the CLI config, or removes FILE when nothing is found
 *   node --import tsx scripts/demo/configure.ts vscode-settings FILE  merges switchyard.* into a settings.json, keeping its comments
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describeServer, pickChatModel, pickCompletionModel, probeLocalServer, type LocalServer } from './localModels';
import { mergeSettingsText } from './settingsFile';

interface Plan {
  providers: Record<string, Record<string, unknown>>;
  models: Record<string, Record<string, unknown>>;
  chat: string[];
  completion: string[];
  notes: string[];
}

/** Providers, models and routes for what answers here, in fallback order (hosted first when a key is set). */
export function planFor(server: LocalServer, env: { OPENAI_API_KEY?: string; ANTHROPIC_API_KEY?: string }): Plan {
  const plan: Plan = { providers: {}, models: {}, chat: [], completion: [], notes: [describeServer(server)] };
  if (env.OPENAI_API_KEY) {
    plan.providers.openai = { kind: 'openai' };
    plan.models.mini = { provider: 'openai', id: 'gpt-4.1-mini' };
    plan.chat.push('mini');
    plan.notes.push('OPENAI_API_KEY is set: provider "openai", model gpt-4.1-mini');
  }
  if (env.ANTHROPIC_API_KEY) {
    plan.providers.anthropic = { kind: 'anthropic' };
    plan.models.haiku = { provider: 'anthropic', id: 'claude-haiku-4-5' };
    plan.chat.push('haiku');
    plan.notes.push('ANTHROPIC_API_KEY is set: provider "anthropic", model claude-haiku-4-5');
  }
  if (server.state === 'models') {
    const chat = pickChatModel(server.ids);
    const completion = pickCompletionModel(server.ids);
    if (chat) {
      plan.providers.local = { kind: 'openai-compatible', baseUrl: server.baseUrl };
      plan.models.local = { provider: 'local', id: chat };
      plan.chat.push('local');
    }
    if (completion) {
      plan.providers.local = { kind: 'openai-compatible', baseUrl: server.baseUrl };
      if (completion === chat) plan.completion.push('local');
      else {
        plan.models['local-coder'] = { provider: 'local', id: completion, fim: 'template' };
        plan.completion.push('local-coder');
      }
    }
  }
  if (plan.completion.length === 0 && plan.models.mini) plan.completion.push('mini');
  return plan;
}

async function main(argv: string[]): Promise<number> {
  const [command, file] = argv;
  if (!file || (command !== 'cli-config' && command !== 'vscode-settings')) {
    console.error('usage: configure.ts cli-config|vscode-settings FILE');
    return 2;
  }
  const server = await probeLocalServer(process.env.OLLAMA_BASE_URL || 'http://127.0.0.1:11434/v1');
  const plan = planFor(server, process.env);
  for (const note of plan.notes) console.log(`   ${note}`);

  if (command === 'cli-config') {
    if (plan.chat.length === 0) {
      rmSync(file, { force: true });
      return 0;
    }
    const routes = { chat: plan.chat, ...(plan.completion.length ? { completion: plan.completion } : {}) };
    writeFileSync(file, `${JSON.stringify({ providers: plan.providers, models: plan.models, routes }, null, 2)}\n`);
    console.log(`Config written to ${file} (chat route: ${plan.chat.join(' → ')})`);
    return 0;
  }

  // VS Code: keys live in secret storage; the providers above only name them.
  const values: Record<string, unknown> = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
  };
  if (plan.chat.length) {
    values['switchyard.providers'] = plan.providers;
    values['switchyard.models'] = plan.models;
    values['switchyard.routes'] = { chat: plan.chat, ...(plan.completion.length ? { completion: plan.completion } : {}) };
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
