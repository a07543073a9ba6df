/**
 * The panel where most people keep it: the side bar at 300 px, in a light, a dark and a
 * high-contrast theme. Each tab is screenshotted (test-artifacts/e2e) and checked from element
 * boxes: no toolbar wraps, no table column is cut off (test/support/layoutProbe.ts).
 */
import assert from 'node:assert/strict';
import { layoutProblems, type Evaluates } from '../../support/layoutProbe';
import { e2e, models } from '../hooks';
import { askInPanel, panelFrame, showTab } from '../panel';

const WIDTH = 300;
const THEMES = [
  { name: 'Default Light Modern', bodyClass: 'vs' },
  { name: 'Default Dark Modern', bodyClass: 'vs-dark' },
  { name: 'Default High Contrast', bodyClass: 'hc-black' },
];

describe('e2e: the panel at 300 px in light, dark and high-contrast themes', () => {
  before(async () => {
    const { session, fake } = e2e();
    // Something in every tab: an answer with code, a call in Usage and Traces.
    await fake.script(models.paid, [{ type: 'text', text: 'Use a loop:\n\n```ts\nfor (const x of xs) total += x;\n```\n', usage: { inputTokens: 900, outputTokens: 40 } }]);
    const answer = await askInPanel(session, 'How do I sum an array?');
    assert.equal(answer.error, '');
    // Drag the side bar's edge until the panel is 300 px wide, as a user would.
    const sidebar = session.page.locator('#workbench\\.parts\\.sidebar');
    const box = (await sidebar.boundingBox())!;
    const y = box.y + box.height / 2;
    await session.page.mouse.move(box.x + box.width - 1, y);
    await session.page.mouse.down();
    await session.page.mouse.move(box.x + WIDTH + 20, y, { steps: 5 });
    await session.page.mouse.move(box.x + WIDTH, y, { steps: 5 });
    await session.page.mouse.up();
    const width = (await sidebar.boundingBox())!.width;
    assert.ok(Math.abs(width - WIDTH) <= 2, `side bar is ${width} px wide`);
  });

  after(async () => {
    const { session, baseSettings } = e2e();
    await session.editSettings(baseSettings);
  });

  for (const theme of THEMES) {
    it(`${theme.name}: Chat, Usage and Traces show every column and keep their toolbars on one row`, async () => {
      const { session, baseSettings } = e2e();
      await session.editSettings({ ...baseSettings, 'workbench.colorTheme': theme.name });
      await session.page.locator(`.monaco-workbench.${theme.bodyClass}`).waitFor({ timeout: 20_000 });
      const frame = panelFrame(session);
      const body = frame.locator('body') as unknown as Evaluates;
      const problems: string[] = [];
      for (const tab of ['chat', 'usage', 'traces'] as const) {
        await showTab(session, tab);
        if (tab === 'traces') {
          await frame.locator('#panel-traces .trace-list tbody tr').first().click();
          await frame.locator('#panel-traces .trace-detail .detail-head').waitFor({ timeout: 15_000 });
        }
        if (tab === 'usage') await frame.locator('#panel-usage .card').first().waitFor({ timeout: 15_000 });
        await session.page.waitForTimeout(300);
        const panelWidth = await frame.locator('body').evaluate((b) => b.clientWidth);
        assert.ok(panelWidth <= WIDTH, `the panel is ${panelWidth} px wide`);
        await session.screenshot(`narrow-${theme.bodyClass}-${tab}`);
        problems.push(...(await layoutProblems(body, `#panel-${tab}`)).map((p) => `${tab}: ${p}`));
      }
      assert.deepEqual(problems, []);
    });
  }
});
