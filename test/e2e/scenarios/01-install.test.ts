/** Install: the packaged VSIX installs into code-server, activates with no error, and its commands are in the palette. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2e } from '../hooks';
import { repoRoot } from '../harness';
import { panelFrame } from '../panel';

interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}

describe('e2e: install and activate', () => {
  it('activates in the sample workspace: the Switchyard log says so and no error notification shows', async () => {
    const { session } = e2e();
    await session.waitForSwitchyardLog(/activated/, 30_000);
    assert.match(session.switchyardLog(), /Switchyard .*activated/, `no activation line in the Switchyard output log; log files: ${session.logFiles().join(', ')}`);
    await session.page.waitForTimeout(1000); // let any startup notification render
    const shot = await session.screenshot('activated');
    const errors = (await session.notifications()).filter((n) => n.severity === 'error' || /switchyard/i.test(n.text));
    assert.deepEqual(errors, [], `unexpected notifications (screenshot ${shot})`);
  });

  it('opens the Usage tab (from the ledger the data folder holds; SWITCHYARD_E2E_SEED_DATA can seed a big one)', async () => {
    const { session } = e2e();
    await session.runCommandById('switchyard.showUsage');
    const frame = panelFrame(session);
    // Either the drawn report or its empty state, never the loading placeholder.
    const drawn = frame.locator('#panel-usage .cards, #panel-usage .empty:text("No model calls")');
    await drawn.first().waitFor({ timeout: 60_000 });
    await session.screenshot('usage-tab');
    const seeded = process.env.SWITCHYARD_E2E_SEED_DATA;
    if (seeded) assert.ok((await frame.locator('#panel-usage .cards').count()) > 0, 'the seeded ledger shows as usage cards');
  });

  it('lists every command of the manifest in the command palette', async () => {
    const { session } = e2e();
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: { commands: ManifestCommand[]; menus?: Record<string, Array<{ command: string; when?: string }>> } };
    // Commands hidden from the palette by a `when: false` menu entry are not expected there.
    const hidden = new Set((manifest.contributes.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
    const expected = manifest.contributes.commands.filter((c) => !hidden.has(c.command)).map((c) => `${c.category ?? 'Switchyard'}: ${c.title}`);
    assert.ok(expected.length >= 3, 'the manifest contributes commands');
    const offered = await session.paletteOffers(expected);
    await session.paletteEntries('Switchyard:', true);
    await session.screenshot('palette');
    await session.page.keyboard.press('Escape');
    for (const title of expected) {
      const rows = offered.get(title) ?? [];
      assert.ok(rows.some((e) => e.startsWith(title)), `"${title}" missing from the palette; for that filter it shows: ${rows.join(' | ')}`);
    }
  });
});
