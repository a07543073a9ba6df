/** Chat about a selection: Ask About Selection → streamed answer with a code block → Insert at Cursor edits the file. */
import assert from 'node:assert/strict';
import { e2e, models } from '../hooks';
import { askInPanel, panelFrame } from '../panel';

const codeLines = [
  'export function clampStrict(value: number, min: number, max: number): number {\n',
  "  if (min > max) throw new RangeError('min must not exceed max');\n",
  '  return Math.min(max, Math.max(min, value));\n',
  '}\n',
];

describe('e2e: chat about the selection', () => {
  it('streams an answer with a code block about the selected function, and Insert at Cursor changes the file', async () => {
    const { session, fake } = e2e();
    await fake.setDefault(models.paid, {
      type: 'text',
      chunks: ['Here is a stricter ', '`clamp` that rejects an empty range:\n\n', '```ts\n', ...codeLines, '```\n'],
      chunkDelayMs: 150,
      usage: { inputTokens: 1200, outputTokens: 300 },
    });
    const before = (await fake.requests()).length;

    await session.openFile('src/math.ts');
    await session.goToLine(6);
    for (let i = 0; i < 3; i++) await session.page.keyboard.press('Shift+ArrowDown');
    await session.runCommandById('switchyard.askAboutSelection');
    const frame = panelFrame(session);
    const chip = frame.locator('#panel-chat .composer .chip', { hasText: 'math.ts' });
    await chip.first().waitFor({ timeout: 30_000 });

    // Watch the answer grow while it streams: some render must show part of it.
    let partial = '';
    const watcher = (async () => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !partial) {
        const streaming = frame.locator('#panel-chat .msg.assistant.streaming .md');
        const text = (await streaming.first().innerText({ timeout: 500 }).catch(() => '')).trim();
        if (text) partial = text;
        else await session.page.waitForTimeout(100);
      }
    })();
    const answer = await askInPanel(session, 'Make clamp reject min > max');
    await watcher;
    const shot = await session.screenshot('chat-selection-answer');

    assert.match(answer.text, /clampStrict/, `answer (screenshot ${shot}): ${answer.text}`);
    assert.equal(await answer.locator.locator('.code-block pre').count(), 1, 'one code block');
    assert.ok(partial.length > 0 && partial.length < answer.text.length, `a partial answer was rendered while streaming (saw "${partial}")`);

    const chat = (await fake.requests()).slice(before).filter((r) => r.endpoint === 'chat' && r.model === models.paid);
    assert.equal(chat.length, 1);
    assert.equal(chat[0].stream, true);
    assert.match(JSON.stringify(chat[0].body.messages), /Math\.min\(max, Math\.max\(min, value\)\)/, 'the selection is in the prompt');

    // Put the cursor at the end of math.ts, then Insert from the code block's toolbar.
    const editor = await session.openFile('src/math.ts');
    await editor.locator('.view-lines').click();
    await session.page.keyboard.press('Control+End');
    await answer.locator.locator('.code-block button[data-action="insert"]').click();
    await session.page.locator('.tabs-container .tab.active.dirty').waitFor({ timeout: 15_000 });
    await session.saveActiveEditor();
    await session.screenshot('chat-selection-inserted');
    const content = session.readWorkspaceFile('src/math.ts');
    assert.ok(content.includes(codeLines.join('').trim()), `math.ts after Insert:\n${content}`);
  });
});
