/**
 * The panel's workspace tools in the real tool loop: the model (real SDKs against the fake
 * provider) reads a file inside the workspace without the user being asked, and is asked before
 * reading outside it; the file's text reaches the model's next call.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppServices } from '../../src/core/app';
import { runToolLoop } from '../../src/core/chat/toolLoop';
import type { ToolApprovalRequest } from '../../src/core/tools/approval';
import { workspaceApproval, workspaceToolSource } from '../../src/core/tools/workspaceTools';
import { useWireFixture } from '../support/wireFixture';

const MODEL = 'gpt-4.1-mini';

describe('workspace tools in the tool loop (router + fake provider)', function () {
  this.timeout(20_000);
  const fx = useWireFixture('wsloop');
  let root: string;
  let core: AppServices;

  beforeEach(async () => {
    root = fx.testDir;
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'invoice.ts'), 'export function total(lines: number[]) {\n  return lines.reduce((a, b) => a + b, 0);\n}\n');
    core = await fx.core({ providers: { oa: { kind: 'openai', baseUrl: fx.fake.openaiBaseUrl } }, models: { mini: { provider: 'oa', id: MODEL } }, routes: { chat: ['mini'] }, router: { maxRetries: 0 } }, { dataDir: join(root, '.data') });
  });

  async function run(path: string) {
    const asked: ToolApprovalRequest[] = [];
    fx.fake.script(MODEL, [
      { type: 'tool_calls', calls: [{ id: 'c1', name: 'workspace_read_file', arguments: { path } }] },
      { type: 'text', text: 'done' },
    ]);
    const loop = await runToolLoop({
      router: core.router,
      messages: [{ role: 'user', content: 'What does total do?' }],
      tools: workspaceToolSource({ root }),
      approve: workspaceApproval(() => root, async (req) => {
        asked.push(req);
        return { allowed: false, reason: 'the user denied it' };
      }),
      maxRounds: 4,
    });
    const second = fx.fake.requests.filter((r) => r.model === MODEL)[1];
    const toolMessage = second.body.messages.find((m: { role: string }) => m.role === 'tool');
    return { loop, asked, toolContent: String(toolMessage.content), firstTools: fx.fake.requests[0].body.tools.map((t: { function: { name: string } }) => t.function.name) };
  }

  it('offers the tools and reads inside the workspace without asking', async () => {
    const { asked, toolContent, firstTools } = await run('src/invoice.ts');
    assert.deepEqual(firstTools, ['workspace_read_file', 'workspace_list_dir', 'workspace_search_text']);
    assert.equal(asked.length, 0);
    assert.match(toolContent, /lines\.reduce/);
  });

  it('asks before reading outside the workspace, and the refusal reaches the model', async () => {
    const { asked, toolContent } = await run('/etc/hostname');
    assert.equal(asked.length, 1);
    assert.equal(asked[0].server, 'workspace');
    assert.ok(!/lines\.reduce/.test(toolContent));
    assert.match(toolContent, /denied/);
  });
});
