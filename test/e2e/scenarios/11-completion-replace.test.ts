/**
 * Inline completion that replaces, not only inserts: the editor auto-closes `(`, the model answers
 * the rest of the line with its own `);`, and Tab leaves one `)` in the file, not `);)`.
 */
import assert from 'node:assert/strict';
import { e2e, models } from '../hooks';

describe('e2e: inline completion replaces closers', () => {
  it('Tab on a completion that ends the line replaces the auto-closed paren after the cursor', async () => {
    const { session, fake } = e2e();
    await fake.setDefault(models.completion, { type: 'text', text: '"replaced", total);' });
    await session.openFile('src/scratch-replace.ts');
    await session.page.keyboard.press('Control+End');
    // Typing "(" makes the editor add ")" after the cursor: the line reads `console.log(│)`.
    await session.typeInEditor('\nconst total = 1;\nconsole.log(');
    const editor = session.page.locator('.monaco-editor[data-uri$="/src/scratch-replace.ts"]').first();
    const ghost = editor.locator('.ghost-text-decoration, .ghost-text');
    const shown = await ghost.first().waitFor({ timeout: 20_000 }).then(() => true, () => false);
    if (!shown) {
      await session.page.keyboard.press('Alt+BracketRight');
      await ghost.first().waitFor({ timeout: 20_000 });
    }
    const ghostText = (await ghost.allTextContents()).join('').replace(/\u00a0/g, ' ');
    const shot = await session.screenshot('completion-replace-ghost');
    assert.match(ghostText, /"replaced", total/, `ghost text "${ghostText}" (screenshot ${shot})`);

    await session.page.keyboard.press('Tab');
    await session.saveActiveEditor();
    await session.screenshot('completion-replace-accepted');
    const content = session.readWorkspaceFile('src/scratch-replace.ts');
    assert.match(content, /console\.log\("replaced", total\);\s*$/, `file after Tab:\n${content}`);
    assert.doesNotMatch(content, /\);\)/, `the auto-closed paren was replaced, not kept:\n${content}`);
  });
});
