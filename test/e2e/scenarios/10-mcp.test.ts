/** MCP: a tool of @modelcontextprotocol/server-everything called by the model asks for approval; its result shows in the answer and the trace. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../harness';
import { e2e, models } from '../hooks';
import { lastAnswer, openTraceOf, showTab } from '../panel';

describe('e2e: MCP tool call with approval', () => {
  after(async () => {
    const { session, baseSettings } = e2e();
    await session.resetUi();
    await session.editSettings(baseSettings);
  });

  it('asks before running the echo tool, then shows its result in the answer and the trace', async () => {
    const { session, fake, baseSettings } = e2e();
    await session.editSettings({
      ...baseSettings,
      'switchyard.mcpServers': {
        everything: { command: process.execPath, args: [join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js')] },
      },
    });
    assert.ok(await session.waitForSwitchyardLog(/MCP server "everything" connected/, 60_000), 'the MCP server connected (Switchyard log)');
    await fake.script(models.paid, [
      { type: 'tool_calls', calls: [{ name: 'everything__echo', arguments: { message: 'hello from e2e' } }] },
      { type: 'text', text: 'The tool echoed your message.' },
    ]);
    const before = (await fake.requests()).length;
    const frame = await showTab(session, 'chat');
    const count = await frame.locator('#panel-chat .msg.assistant').count();
    const input = frame.locator('#panel-chat textarea.input');
    await input.fill('Echo "hello from e2e" with the tool');
    await input.press('Enter');

    const approve = frame.locator('#panel-chat .tool-approval button', { hasText: 'Allow once' });
    await approve.waitFor({ timeout: 60_000 });
    await session.screenshot('mcp-approval');
    await approve.click();
    const answer = await lastAnswer(session, count + 1);
    await session.screenshot('mcp-answer');
    assert.match(answer.text, /The tool echoed your message\./, `answer: ${answer.text} ${answer.error}`);
    // The tool call is a collapsed <details> once done: read its text, not what is rendered.
    const result = (await answer.locator.locator('.tool-result').textContent()) ?? '';
    assert.match(result, /hello from e2e/);
    // The second model request carries the tool result back.
    const chat = (await fake.requests()).slice(before).filter((r) => r.endpoint === 'chat');
    assert.equal(chat.length, 2);
    assert.match(JSON.stringify(chat[0].body.tools ?? []), /everything__echo/, 'the server\'s tools are offered to the model');
    assert.match(JSON.stringify(chat[1].body.messages), /hello from e2e/);
    const detail = await openTraceOf(session, answer);
    await session.screenshot('mcp-trace');
    assert.match(detail, /Tool calls/i);
    assert.match(detail, /echo/);
  });
});
