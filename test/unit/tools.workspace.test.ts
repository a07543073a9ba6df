/** Switchyard's read-only workspace tools on a real folder: what they return, and when they ask. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canCallTools, parseConfig } from '../../src/core/config/schema';
import type { ToolApprovalRequest } from '../../src/core/tools/approval';
import { combineToolSources, type ToolSource } from '../../src/core/tools/toolSource';
import { workspaceApproval, workspaceToolSource, WORKSPACE_TOOLS } from '../../src/core/tools/workspaceTools';

describe('workspace tools', () => {
  let root: string;
  let outside: string;
  let tools: ToolSource;
  const call = (name: string, args: Record<string, unknown>) => tools.call(name, args, {});

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'switchyard-wstools-'));
    outside = mkdtempSync(join(tmpdir(), 'switchyard-wstools-out-'));
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(root, 'src', 'math.ts'), ['export function add(a: number, b: number) {', '  return a + b;', '}', '', 'export const TAU = 6.28;'].join('\n'));
    writeFileSync(join(root, 'src', 'ignored.log'), 'add(1, 2) in a log');
    writeFileSync(join(root, '.gitignore'), '*.log\n');
    writeFileSync(join(root, 'node_modules', 'dep', 'index.js'), 'function add() {}');
    writeFileSync(join(root, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    writeFileSync(join(outside, 'secret.txt'), 'outside the workspace');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    tools = workspaceToolSource({ root });
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('offers read, list and text search; index search only with an index', () => {
    assert.deepEqual(tools.definitions().map((d) => d.name), ['workspace_read_file', 'workspace_list_dir', 'workspace_search_text']);
    const withIndex = workspaceToolSource({ root, search: async () => ({ hits: [], mode: 'lexical-only' }) });
    assert.ok(withIndex.resolve('workspace_search_index'));
    assert.equal(tools.resolve('workspace_read_file')?.server, WORKSPACE_TOOLS);
  });

  it('reads a range with numbered lines', async () => {
    const out = await call('workspace_read_file', { path: 'src/math.ts', startLine: 2, endLine: 3 });
    assert.equal(out.isError, false);
    assert.equal(out.content, 'src/math.ts lines 2-3 of 5\n2:   return a + b;\n3: }');
  });

  it('says what is wrong for a missing file, a folder and a binary file', async () => {
    assert.deepEqual(await call('workspace_read_file', { path: 'src/nope.ts' }), { content: 'src/nope.ts does not exist.', isError: true });
    assert.match((await call('workspace_read_file', { path: 'src' })).content, /is a folder/);
    assert.match((await call('workspace_read_file', { path: 'image.png' })).content, /binary file/);
  });

  it('lists a folder without dependency trees', async () => {
    const out = await call('workspace_list_dir', {});
    assert.match(out.content, /^\.\/\n/);
    assert.ok(out.content.includes('src/'));
    assert.ok(!out.content.includes('node_modules'), out.content);
  });

  it('searches text case-insensitively, honouring .gitignore and skipping node_modules', async () => {
    const out = await call('workspace_search_text', { query: 'ADD(' });
    assert.equal(out.content, 'src/math.ts:1: export function add(a: number, b: number) {');
    const re = await call('workspace_search_text', { query: 'TAU\\s*=', regex: true });
    assert.equal(re.content, 'src/math.ts:5: export const TAU = 6.28;');
    assert.match((await call('workspace_search_text', { query: '(', regex: true })).content, /Not a valid regular expression/);
  });

  it('runs without asking inside the workspace; outside it (also through a symlink) the user is asked', async () => {
    const asked: ToolApprovalRequest[] = [];
    const approve = workspaceApproval(() => root, async (req) => {
      asked.push(req);
      return { allowed: false, reason: 'denied' };
    });
    const req = (args: Record<string, unknown>, server = WORKSPACE_TOOLS): ToolApprovalRequest => ({ toolName: 'workspace_read_file', server, tool: 'read_file', arguments: args });
    assert.deepEqual(await approve(req({ path: 'src/math.ts' })), { allowed: true, scope: 'preapproved' });
    assert.deepEqual(await approve(req({})), { allowed: true, scope: 'preapproved' }, 'no path: the root');
    await approve(req({ path: '../outside.txt' }));
    await approve(req({ path: join(outside, 'secret.txt') }));
    await approve(req({ path: 'link.txt' }));
    await approve(req({ path: 'src/math.ts' }, 'github'));
    assert.equal(asked.length, 4);
  });

  it('combines sources: the first source wins a name, calls go to the owner', async () => {
    const other: ToolSource = {
      definitions: () => [{ name: 'workspace_read_file', inputSchema: {} }, { name: 'echo', inputSchema: {} }],
      resolve: (n) => (n === 'echo' || n === 'workspace_read_file' ? { name: n, tool: n, server: 'other', inputSchema: {} } : undefined),
      call: async (n) => ({ content: `other:${n}`, isError: false }),
    };
    const both = combineToolSources(tools, other);
    assert.deepEqual(both.definitions().map((d) => d.name), ['workspace_read_file', 'workspace_list_dir', 'workspace_search_text', 'echo']);
    assert.equal((await both.call('echo', {}, {})).content, 'other:echo');
    assert.match((await both.call('workspace_read_file', { path: 'src/math.ts' }, {})).content, /^src\/math.ts/);
  });

  it('offers tools to hosted models, and to OpenAI-compatible ones only when their config says so', () => {
    const config = parseConfig({
      providers: { oa: { kind: 'openai' }, local: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' } },
      models: { mini: { provider: 'oa', id: 'gpt-4.1-mini' }, qwen: { provider: 'local', id: 'qwen3:8b' }, tooly: { provider: 'local', id: 'llama3.1', tools: true }, off: { provider: 'oa', id: 'gpt-4.1', tools: false } },
    });
    assert.deepEqual(['mini', 'qwen', 'tooly', 'off', 'missing'].map((m) => canCallTools(config, m)), [true, false, true, false, false]);
  });
});
