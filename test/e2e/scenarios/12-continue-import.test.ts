/**
 * A new user coming from Continue: ~/.continue/config.yaml (in code-server's own HOME) names a local
 * Ollama-style server with chat / autocomplete / embed models and one MCP server. Add Model offers
 * "Import from Continue"; the import writes the routes and the MCP server, test-calls each role, and
 * the next chat answers at $0 (local).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { repoRoot } from '../harness';
import { e2e } from '../hooks';
import { askInPanel, showTab } from '../panel';

const served = { chat: 'llama3.2:latest', coder: 'qwen2.5-coder:1.5b', embedder: 'nomic-embed-text:latest' };
const everything = join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

/** A Continue config as users have it (the shape of test/fixtures/continue/config.yaml.tmpl, no secrets). */
function continueConfig(apiBase: string): string {
  const model = (name: string, id: string, role: string) => [`  - name: ${name}`, '    provider: ollama', `    model: ${id}`, `    apiBase: ${apiBase}`, '    roles:', `      - ${role}`];
  return [
    'name: My Config', 'version: 1.0.0', 'schema: v1', 'models:',
    ...model('Llama 3.2', served.chat, 'chat'), ...model('Qwen Coder', served.coder, 'autocomplete'), ...model('Nomic Embed', served.embedder, 'embed'),
    'mcpServers:', '  - name: everything', `    command: ${JSON.stringify(process.execPath)}`, '    args:', `      - ${JSON.stringify(everything)}`, '      - stdio',
    '',
  ].join('\n');
}

describe('e2e: Add Model imports a Continue config', () => {
  after(async () => {
    const { session, baseSettings } = e2e();
    // Later scenarios see no Continue config (Add Model would offer the import).
    session.removeHomeFile('.continue');
    await session.resetUi();
    await session.editSettings(baseSettings);
  });

  it('from ~/.continue/config.yaml to an answer at $0 (local), with the MCP server connected', async function () {
    this.timeout(240_000);
    const { session, fake } = e2e();
    await fake.setDefault(served.chat, { type: 'text', text: 'Hello from the imported llama.' });
    await fake.setDefault(served.coder, { type: 'text', text: 'a + b' });
    await fake.setDefault(served.embedder, { type: 'text' });
    await session.editSettings({});
    const connectedLines = () => session.switchyardLog().match(/MCP server "everything" connected/g)?.length ?? 0;
    const connectedBefore = connectedLines(); // an earlier scenario connected a server of that name
    const configFile = session.writeHomeFile(join('.continue', 'config.yaml'), continueConfig(fake.url));
    await session.clearNotifications();

    await session.runCommand('Switchyard: Add Model');
    const sources = await session.quickPickItems('where are your models');
    assert.ok(sources.some((s) => s.includes('Import from Continue')), `offered: ${sources.join(' | ')}`);
    await session.screenshot('continue-1-offered');
    await session.pickQuickItem('Import from Continue', 'Import from Continue');
    const plan = await session.quickPickItems('import from Continue');
    assert.ok(plan.some((p) => /3 model\(s\), 1 MCP server\(s\)/.test(p)), `plan: ${plan.join(' | ')}`);
    await session.screenshot('continue-2-plan');
    await session.pickQuickItem('Import', 'Import');
    await session.pickQuickItem('User settings');

    const done = await session.waitForNotification(/Switchyard is set up/, 90_000);
    await session.screenshot('continue-3-set-up');
    assert.match(done.text, /chat → Llama-3\.2 \(\$0 \(local\)\)/, done.text);
    const settings = parseJsonc(readFileSync(join(session.userDataDir, 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;
    const providers = settings['switchyard.providers'] as Record<string, { kind: string; baseUrl: string }>;
    const models = settings['switchyard.models'] as Record<string, { id: string; fimTemplate?: string }>;
    const routes = settings['switchyard.routes'] as Record<string, string[]>;
    assert.deepEqual(Object.values(providers), [{ kind: 'openai-compatible', baseUrl: `${fake.url}/v1` }], `from ${configFile}`);
    assert.equal(models[routes.chat![0]!]!.id, served.chat);
    assert.equal(models[routes.completion![0]!]!.id, served.coder);
    assert.equal(models[routes.completion![0]!]!.fimTemplate, 'qwen');
    assert.equal(models[routes.embedding![0]!]!.id, served.embedder);
    assert.deepEqual(Object.keys(settings['switchyard.mcpServers'] as object), ['everything']);
    const ours = new Set<string | undefined>(Object.values(served));
    const checks = (await fake.requests()).filter((r) => ours.has(r.model) && ['chat', 'completions', 'embeddings'].includes(r.endpoint)).map((r) => `${r.endpoint}:${r.model}`);
    assert.deepEqual(checks, [`chat:${served.chat}`, `completions:${served.coder}`, `embeddings:${served.embedder}`], 'one test call per role');
    for (const until = Date.now() + 60_000; connectedLines() <= connectedBefore; await session.page.waitForTimeout(250)) {
      assert.ok(Date.now() < until, 'the imported MCP server connected (Switchyard log)');
    }

    await session.clickNotificationAction(/Switchyard is set up/, 'Open Chat');
    const frame = await showTab(session, 'chat');
    await frame.locator('#panel-chat button[title="New conversation"]').click(); // earlier scenarios left a conversation open
    const answer = await askInPanel(session, 'Hello?');
    await session.screenshot('continue-4-answer');
    assert.match(answer.text, /Hello from the imported llama\./, `answer: ${answer.text} ${answer.error}`);
    assert.match(answer.footer, /\$0 \(local\)/, `footer: ${answer.footer}`);
  });
});
