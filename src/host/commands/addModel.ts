/**
 * `Switchyard: Add Model` (and the walkthrough's first step): finds local servers, or takes a URL,
 * an OpenAI / Anthropic key (models listed through the SDK), or a Continue config; proposes chat /
 * completion / embedding models; test-calls each role; writes user or workspace settings.
 *
 * Settings are written with WorkspaceConfiguration.update, one `switchyard.*` key at a time: VS Code
 * edits that key's value in settings.json in place (its own JSONC edit), so comments and every other
 * setting stay as they were, and it knows where user, workspace and remote settings live.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { createCoreServices } from '../../core/app';
import { parseConfig } from '../../core/config/schema';
import { importContinueConfig, continueConfigPaths } from '../../core/setup/continueImport';
import { discoverServers, isFailure, probeServer } from '../../core/setup/discover';
import { listHostedAccount } from '../../core/setup/hosted';
import { applyPlan, planFromChoices, type SetupTarget } from '../../core/setup/plan';
import { proposeRoles, type RoleChoice } from '../../core/setup/roles';
import { checkRoles } from '../../core/setup/testCalls';
import type { DiscoveredSource, SetupPlan } from '../../core/setup/types';
import { registerSafeCommand, type HostServices } from '../hostServices';
import { readRawSettings, SETTINGS_SECTION, valueAt } from '../settings';

const WRITTEN_KEYS = ['providers', 'models', 'routes', 'mcpServers'] as const;

interface SourceItem extends vscode.QuickPickItem {
  action: 'server' | 'url' | 'openai' | 'anthropic' | 'continue';
  source?: DiscoveredSource;
  path?: string;
}

/** A plan plus the keys typed during the flow (by plan provider name), held only in memory. */
interface Proposal {
  plan: SetupPlan;
  keys: Map<string, string>;
}

export function registerAddModel(services: HostServices): void {
  registerSafeCommand(services, 'switchyard.addModel', () => addModel(services));
}

function progress<T>(title: string, task: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, task);
}

async function addModel(services: HostServices): Promise<void> {
  const found = await progress('Switchyard: looking for local model servers…', () => discoverServers({ wellKnown: true }));
  const continuePath = continueConfigPaths().find((p) => existsSync(p));
  const items: SourceItem[] = [
    ...found.found.map((s): SourceItem => ({
      action: 'server', source: s, label: `$(server) ${s.label}`, description: s.baseUrl,
      detail: s.models.length ? `${s.models.length} model(s): ${s.models.map((m) => m.id).slice(0, 6).join(', ')}` : 'lists no models yet (pull or load one first)',
    })),
    { action: 'url', label: '$(link) Enter a server URL…', detail: 'Any OpenAI-compatible server: Ollama, LM Studio, llama.cpp, vLLM, a LAN box, a hosted endpoint' },
    { action: 'openai', label: '$(key) OpenAI account…', detail: 'Your API key lists the account\'s models (stored in secret storage)' },
    { action: 'anthropic', label: '$(key) Anthropic account…', detail: 'Your API key lists the account\'s models (stored in secret storage)' },
    ...(continuePath ? [{ action: 'continue' as const, path: continuePath, label: '$(arrow-down) Import from Continue', description: continuePath, detail: 'Models by role, providers and MCP servers; keys are asked for, never copied' }] : []),
  ];
  const none = found.found.length === 0 ? ' No local server answered on the usual ports (Ollama 11434, LM Studio 1234, llama.cpp 8080, vLLM 8000).' : '';
  const picked = await vscode.window.showQuickPick(items, { title: 'Switchyard: Add Model — where are your models?', placeHolder: `Pick a server or an account.${none}`, ignoreFocusOut: true, matchOnDetail: true });
  if (!picked) return;

  const proposal = await proposalFor(services, picked);
  if (!proposal) return;
  const target = await pickTarget();
  if (target === undefined) return;

  // Merge into what that settings level holds now; the test calls run on the merged result.
  const existing: SetupTarget = {};
  for (const key of WRITTEN_KEYS) {
    const value = valueAt<unknown>(key, target);
    if (value !== undefined) existing[key] = value as never;
  }
  const applied = applyPlan(existing, proposal.plan);
  const renamed = (n: string) => applied.renamed[n] ?? n;
  const merged = parseConfig({ ...readRawSettings(), ...applied.config }, 'settings after Add Model');
  const keyOf = new Map([...proposal.keys].map(([p, k]) => [renamed(p), k]));
  // Keys the plan needs and secret storage lacks (a Continue `${{ secrets.X }}`): asked for now, like Set API Key does.
  for (const p of proposal.plan.providers) {
    const name = renamed(p.name);
    if (!p.needsKey || keyOf.has(name) || (await services.secrets.apiKey(name)) !== undefined) continue;
    const key = await vscode.window.showInputBox({
      title: `Switchyard: Set API Key for "${name}"`,
      prompt: `${p.needsKey.reason}. Stored in VS Code's secret storage, never in settings. Leave empty to skip (its test call will fail until a key is set).`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (/\s/.test(v.trim()) ? 'An API key has no spaces.' : undefined),
    });
    if (key?.trim()) keyOf.set(name, key.trim());
  }

  const routes = Object.fromEntries(Object.entries(proposal.plan.routes).map(([role, names]) => [role, (names ?? []).map(renamed)]));
  const checks = await progress('Switchyard: one test call per role…', async () => {
    const core = await createCoreServices({
      config: merged,
      secrets: { apiKey: async (p) => keyOf.get(p) ?? (await services.secrets.apiKey(p)) },
      dataDir: services.context.globalStorageUri.fsPath,
      logger: services.logger,
      workspace: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      keyFixForm: 'vscode',
    });
    try {
      return await checkRoles(core.router, merged, routes);
    } finally {
      await core.dispose();
    }
  });
  for (const c of checks) services.logger.info(`Add Model check: ${c.role} ${c.model}: ${c.ok ? 'ok' : 'failed'} — ${c.detail}`);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length) {
    const choice = await vscode.window.showWarningMessage(
      `Switchyard: ${failed.map((c) => `${c.role} (${c.model}) failed: ${c.detail}`).join(' · ')}`,
      { modal: true, detail: 'Save these settings anyway? You can fix the server or key and run Add Model again; it edits, never duplicates.' },
      'Save Anyway',
    );
    if (choice !== 'Save Anyway') return;
  }

  const section = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  for (const key of WRITTEN_KEYS) {
    if (applied.config[key] !== undefined && JSON.stringify(applied.config[key]) !== JSON.stringify(existing[key])) await section.update(key, applied.config[key], target);
  }
  for (const [provider, key] of keyOf) await services.secrets.setApiKey(provider, key);
  services.logger.info(`Add Model: ${applied.changes.join('; ') || 'no changes'}`);

  const summary = checks.map((c) => `${c.role} → ${c.model}${c.ok ? ` (${c.detail.split(', ').pop()})` : ' (check failed)'}`).join(' · ');
  const where = target === vscode.ConfigurationTarget.Global ? 'user settings' : 'workspace settings';
  const next = await vscode.window.showInformationMessage(`Switchyard is set up: ${summary || proposal.plan.reasons.join(' · ')}. Saved in ${where}.`, 'Open Chat');
  if (next === 'Open Chat') await vscode.commands.executeCommand('switchyard.openPanel');
}

async function pickTarget(): Promise<vscode.ConfigurationTarget | undefined> {
  const hasWorkspace = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  if (!hasWorkspace) return vscode.ConfigurationTarget.Global;
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'User settings', detail: 'Every window and workspace on this machine', target: vscode.ConfigurationTarget.Global },
      { label: 'Workspace settings', detail: 'Only this workspace (.vscode/settings.json): share it with the team', target: vscode.ConfigurationTarget.Workspace },
    ],
    { title: 'Switchyard: Add Model — save where?', ignoreFocusOut: true },
  );
  return picked?.target;
}

async function proposalFor(services: HostServices, picked: SourceItem): Promise<Proposal | undefined> {
  const keys = new Map<string, string>();
  let source: DiscoveredSource | undefined = picked.source;
  if (picked.action === 'continue' && picked.path) {
    const plan = importContinueConfig(await readFile(picked.path, 'utf8'), picked.path);
    if (plan.models.length === 0 && Object.keys(plan.mcpServers).length === 0) {
      void vscode.window.showWarningMessage(`Switchyard: nothing to import from ${picked.path}. ${plan.warnings.join(' ')}`);
      return undefined;
    }
    if (plan.warnings.length) services.logger.info(`Continue import notes: ${plan.warnings.join(' | ')}`);
    return confirmPlan(plan, keys);
  }
  if (picked.action === 'url') {
    const url = await vscode.window.showInputBox({
      title: 'Switchyard: Add Model — server URL',
      prompt: 'The server root or its OpenAI-compatible /v1 base',
      placeHolder: 'http://127.0.0.1:11434',
      ignoreFocusOut: true,
      validateInput: (v) => (URL.canParse(v.trim()) && /^https?:/.test(v.trim()) ? undefined : 'A URL such as http://127.0.0.1:11434 or https://host/v1'),
    });
    if (!url) return undefined;
    const probed = await progress(`Switchyard: asking ${url.trim()} for its models…`, () => probeServer(url.trim()));
    if (isFailure(probed)) {
      void vscode.window.showErrorMessage(`Switchyard: ${probed.label} (${probed.baseUrl}): ${probed.reason}. Check that the server runs and the URL is right, then run Add Model again.`);
      return undefined;
    }
    source = probed;
  }
  if (picked.action === 'openai' || picked.action === 'anthropic') {
    const kind = picked.action;
    const key = await vscode.window.showInputBox({
      title: `Switchyard: Add Model — ${kind === 'openai' ? 'OpenAI' : 'Anthropic'} API key`,
      prompt: 'Lists your account\'s models; stored in VS Code\'s secret storage, never in settings.',
      password: true,
      ignoreFocusOut: true,
      placeHolder: kind === 'anthropic' ? 'sk-ant-…' : 'sk-…',
      validateInput: (v) => (v.trim() && !/\s/.test(v.trim()) ? undefined : 'Paste the key (no spaces).'),
    });
    if (!key) return undefined;
    source = await progress(`Switchyard: listing the account's models…`, () => listHostedAccount(kind, key.trim(), services.logger));
    keys.set(kind, key.trim());
  }
  if (!source) return undefined;
  if (source.models.length === 0) {
    void vscode.window.showWarningMessage(`Switchyard: ${source.label} at ${source.baseUrl} answers but lists no models. Pull or load one (e.g. "ollama pull llama3.2"), then run Add Model again.`);
    return undefined;
  }
  const { choices, missing } = proposeRoles([source]);
  if (choices.length === 0) {
    void vscode.window.showWarningMessage(`Switchyard: none of ${source.label}'s models can chat or complete code. ${missing.join(' ')}`);
    return undefined;
  }
  const reviewed = await reviewChoices(choices, source);
  if (!reviewed) return undefined;
  return { plan: planFromChoices(reviewed, missing), keys };
}

interface RoleItem extends vscode.QuickPickItem {
  choice?: RoleChoice;
  accept?: boolean;
}

/** Shows the proposal; picking a role offers the source's other models for it. */
async function reviewChoices(initial: RoleChoice[], source: DiscoveredSource): Promise<RoleChoice[] | undefined> {
  let choices = [...initial];
  for (;;) {
    const items: RoleItem[] = [
      { label: '$(check) Use these models', accept: true, detail: 'Then: choose user or workspace settings; one test call per role' },
      ...choices.map((c): RoleItem => ({ label: `${c.role}: ${c.model.id}`, description: 'change…', detail: c.why, choice: c })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Switchyard: Add Model — proposed roles (${source.label})`, ignoreFocusOut: true });
    if (!picked) return undefined;
    if (picked.accept) return choices;
    const current = picked.choice!;
    const other = await vscode.window.showQuickPick(source.models.map((m) => ({ label: m.id, description: m.capabilities?.join(', '), model: m })), { title: `Switchyard: model for ${current.role}` });
    if (other) {
      const { choices: redo } = proposeRoles([{ ...source, models: [other.model] }]);
      const fitted = redo.find((c) => c.role === current.role);
      choices = choices.map((c) => (c === current ? { ...current, model: other.model, config: fitted?.config ?? {}, why: `chosen by you${fitted ? `; ${fitted.why}` : ''}` } : c));
    }
  }
}

/** A Continue import: shows what will be imported before anything is written. */
async function confirmPlan(plan: SetupPlan, keys: Map<string, string>): Promise<Proposal | undefined> {
  const items = [
    { label: '$(check) Import', accept: true, detail: `${plan.models.length} model(s), ${Object.keys(plan.mcpServers).length} MCP server(s)` },
    ...plan.reasons.map((r) => ({ label: r, accept: false })),
    ...plan.warnings.map((w) => ({ label: `$(warning) ${w}`, accept: false })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Switchyard: import from Continue', ignoreFocusOut: true });
  return picked?.accept ? { plan, keys } : undefined;
}
