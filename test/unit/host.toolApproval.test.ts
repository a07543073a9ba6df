/**
 * One tool-approval question for the whole extension: the panel's approval broker falls back to
 * the same modal MCP's policy asks, worded for the tool's source, and each button maps to its choice.
 */
import { fake } from '../support/fakeVscode';
import assert from 'node:assert/strict';
import type { ToolApprovalRequest } from '../../src/core/tools/approval';
import { PanelConnections } from '../../src/host/panel/connections';
import { createPanelQuestions } from '../../src/host/panel/questions';
import { askToolApprovalModal, createToolApprovalPolicy, TOOL_APPROVAL_BUTTONS, toolApprovalQuestion } from '../../src/host/toolApproval';

const mcpCall: ToolApprovalRequest = { toolName: 'gh__delete_repo', server: 'gh', tool: 'delete_repo', arguments: { name: 'x' }, description: 'Deletes a repository.\nCannot be undone.', annotations: { destructiveHint: true } };
const workspaceCall: ToolApprovalRequest = { toolName: 'read_file', server: 'workspace', tool: 'read_file', arguments: { path: '/etc/hosts' }, annotations: { readOnlyHint: true } };

describe('host: tool approval question', () => {
  beforeEach(() => fake.reset());

  it('names the MCP server and tool, what it may do, its description and arguments', () => {
    const q = toolApprovalQuestion(mcpCall);
    assert.equal(q.message, 'Switchyard: allow the tool "delete_repo" from MCP server "gh" (may modify or delete data)?');
    assert.equal(q.detail, 'Deletes a repository.\n\nArguments:\n{\n  "name": "x"\n}');
  });

  it('names a workspace tool as Switchyard\'s own, not as an MCP server', () => {
    assert.equal(toolApprovalQuestion(workspaceCall).message, 'Switchyard: allow Switchyard\'s workspace tool "read_file" (read-only)?');
  });

  it('cuts long arguments', () => {
    const q = toolApprovalQuestion({ ...mcpCall, arguments: { text: 'a'.repeat(5000) } });
    assert.ok(q.detail.length < 1700, `${q.detail.length} characters`);
    assert.match(q.detail, /…$/);
  });

  it('maps each button to its choice; dismissed or cancelled is no choice', async () => {
    for (const [label, choice] of TOOL_APPROVAL_BUTTONS) {
      fake.answer = () => label;
      assert.equal(await askToolApprovalModal(mcpCall), choice);
    }
    assert.deepEqual(fake.shown.at(-1)!.items, ['Allow once', 'Allow for this session', 'Always allow', 'Deny']);
    fake.answer = () => undefined;
    assert.equal(await askToolApprovalModal(mcpCall), undefined);
    const asked = fake.shown.length;
    assert.equal(await askToolApprovalModal(mcpCall, AbortSignal.abort()), undefined);
    assert.equal(fake.shown.length, asked, 'a cancelled turn asks nothing');
  });

  it('with no panel page on screen, the policy built on the panel\'s broker asks this same modal', async () => {
    const questions = createPanelQuestions(new PanelConnections());
    const policy = createToolApprovalPolicy(questions.approvals.prompt, () => []);
    fake.answer = (s) => (s.items.includes('Allow for this session') ? 'Allow for this session' : undefined);
    assert.deepEqual(await policy.approve(mcpCall), { allowed: true, scope: 'session' });
    assert.deepEqual(fake.shown.map((s) => s.message), [toolApprovalQuestion(mcpCall).message]);
    assert.deepEqual(await policy.approve(mcpCall), { allowed: true, scope: 'session' });
    assert.equal(fake.shown.length, 1, 'allowed for the session: not asked again');
  });
});
