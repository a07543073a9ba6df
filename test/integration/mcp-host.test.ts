/**
 * The MCP host area in plain Node (vscode replaced by test/support/fakeVscode, extended here with
 * what this area uses): user servers start, workspace-defined ones wait for trust and a
 * first-start confirmation, "Always allow" is written to settings, bad entries are reported.
 */
import { fake, fakeContext, EventEmitter, window, workspace, Uri } from '../support/fakeVscode';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { silentLogger } from '../../src/core/logger';
import { createHostServices } from '../../src/host/hostServices';
import { registerMcp, type McpHostHandle } from '../../src/host/mcp';
import { createHostSecrets } from '../../src/host/secrets';
import { askToolApprovalModal, createToolApprovalPolicy } from '../../src/host/toolApproval';
import { fixture, until } from '../fixtures/mcp/testUtils';

// What this area needs beyond the shared stand-in.
const trust = new EventEmitter<void>();
const folders = new EventEmitter<unknown>();
const ws = workspace as unknown as Record<string, unknown>;
const stderrLines: string[] = [];
/** Set in `before`, not at load: other suites in the same run share the fake vscode module. */
function stubWorkspace(): void {
  ws.isTrusted = false;
  ws.onDidGrantWorkspaceTrust = trust.event;
  ws.onDidChangeWorkspaceFolders = folders.event;
  ws.createFileSystemWatcher = () => ({ onDidChange: () => ({ dispose() {} }), onDidCreate: () => ({ dispose() {} }), onDidDelete: () => ({ dispose() {} }), dispose() {} });
  (window as unknown as Record<string, unknown>).createOutputChannel = () => ({ info: (l: string) => stderrLines.push(l), warn() {}, error() {}, debug() {}, trace() {}, show() {}, append() {}, appendLine() {}, dispose() {} });
}

const output = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, show() {}, append() {}, appendLine() {} } as unknown as vscode.LogOutputChannel;

describe('host: MCP area (fake vscode, real servers)', function () {
  this.timeout(40_000);
  let dir: string;
  let context: ReturnType<typeof fakeContext> & { workspaceState?: unknown };
  let handle: McpHostHandle;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-mcp-host-'));
    mkdirSync(join(dir, '.vscode'));
    writeFileSync(join(dir, '.vscode', 'mcp.json'), JSON.stringify({
      servers: {
        repoTool: { command: process.execPath, args: [fixture('flaky-server.mjs')] },
        broken: { type: 'http' },
      },
    }));
    fake.reset();
    stubWorkspace();
    fake.settings.mcpServers = { mine: { command: process.execPath, args: [fixture('flaky-server.mjs')] } };
    workspace.workspaceFolders = [{ uri: Uri.file(dir), name: 'repo' }];
    context = fakeContext(join(dir, 'global'));
    const state = new Map<string, unknown>();
    context.workspaceState = { get: (k: string, d?: unknown) => (state.has(k) ? state.get(k) : d), update: async (k: string, v: unknown) => void state.set(k, v), keys: () => [...state.keys()] };
    const ctx = context as unknown as vscode.ExtensionContext;
    const services = await createHostServices(ctx, output, silentLogger, createHostSecrets(ctx.secrets));
    handle = registerMcp(services, { approval: createToolApprovalPolicy(askToolApprovalModal, () => services.core.config.mcp.alwaysAllow) });
  });
  after(async () => {
    for (const d of context?.subscriptions ?? []) d.dispose();
    await handle?.hub.dispose();
    workspace.workspaceFolders = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts user servers, keeps workspace servers blocked in an untrusted workspace, reports the bad entry', async () => {
    await until(() => handle.hub.server('mine')?.state === 'connected', 'the user server');
    const repo = handle.hub.server('repoTool')!;
    assert.equal(repo.state, 'blocked');
    assert.match(repo.lastError ?? '', /trusted workspace/);
    assert.ok(fake.shown.some((s) => s.level === 'warning' && /server "broken": url: a http server needs "url"/.test(s.message)), JSON.stringify(fake.shown));
    assert.ok(stderrLines.some((l) => /\[mine\] flaky: started/.test(l)), 'server stderr in the Output channel');
    assert.ok(handle.toolSource().definitions().some((d) => d.name === 'mine__ok'));
    assert.ok(!handle.toolSource().definitions().some((d) => d.name.startsWith('repoTool__')));
  });

  it('asks once before starting a workspace server after trust is granted', async () => {
    fake.answer = (s) => (s.items.includes('Start server') ? 'Start server' : undefined);
    ws.isTrusted = true;
    trust.fire();
    await until(() => handle.hub.server('repoTool')?.state === 'connected', 'the confirmed workspace server');
    const asked = fake.shown.filter((s) => /This workspace defines the MCP server "repoTool"/.test(s.message));
    assert.equal(asked.length, 1);
  });

  it('approval prompt: "Always allow" is stored in settings and not asked again', async () => {
    fake.answer = (s) => (/allow the tool "ok" from MCP server "mine"/.test(s.message) && s.items.includes('Always allow') ? 'Always allow' : undefined);
    const req = { toolName: 'mine__ok', server: 'mine', tool: 'ok', arguments: { text: 'x' } };
    assert.deepEqual(await handle.approval.approve(req), { allowed: true, scope: 'always' });
    assert.deepEqual((fake.settings.mcp as { alwaysAllow: string[] }).alwaysAllow, ['mine/ok']);
    const before = fake.shown.length;
    assert.equal((await handle.approval.approve(req)).allowed, true);
    assert.equal(fake.shown.length, before, 'not asked again');
    fake.answer = () => undefined; // dismissed = deny
    assert.equal((await handle.approval.approve({ ...req, tool: 'hang', toolName: 'mine__hang' })).allowed, false);
  });
});
