/**
 * Switchyard inside VS Code's own Chat: "Use in VS Code Chat" turns the built-in chat on and picks
 * Switchyard's route; Agent mode reads a workspace file through its read_file tool on that model;
 * a 503 falls back along the route (visible in Switchyard's Traces tab); the ledger records the
 * calls as vscode-chat; @switchyard /cost answers; no ghost text in the chat input.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import type { Session } from '../harness';
import { e2e, models } from '../hooks';
import { panelFrame, showTab } from '../panel';

const ROUTE_ENTRY = 'Switchyard · chat (paid → backup)';

/** The chat view's input editor (a Monaco editor inside the Chat view). */
function chatInput(session: Session): Locator {
  return session.page.locator('.interactive-input-part .monaco-editor').last();
}

async function sendInChat(session: Session, text: string): Promise<void> {
  const input = chatInput(session);
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.click();
  await session.page.keyboard.press('Control+A');
  await session.page.keyboard.press('Delete');
  await session.page.keyboard.type(text, { delay: 15 });
  await session.page.keyboard.press('Enter');
  // Enter may accept an open suggestion (a slash command) instead of sending: then click Send.
  await session.page.waitForTimeout(800);
  if ((await input.innerText()).includes(text.trim())) {
    await session.page.keyboard.press('Escape');
    await session.page.locator('.interactive-input-part .action-label.codicon-send, .interactive-input-part a[aria-label^="Send"]').first().click();
  }
}

/** Waits until the chat view's last response shows `re` and returns that response's text. */
async function waitForResponse(session: Session, re: RegExp, timeoutMs = 90_000): Promise<string> {
  const responses = session.page.locator('.interactive-item-container.interactive-response');
  // Copilot Chat may offer its own sign-in for features Switchyard does not use: decline it.
  const signIn = session.page.locator('.monaco-dialog-box', { hasText: 'Sign in to use GitHub Copilot' });
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (await signIn.isVisible().catch(() => false)) await signIn.locator('.dialog-close, .codicon-dialog-close').first().click().catch(() => session.page.keyboard.press('Escape'));
    const n = await responses.count();
    if (n > 0) {
      last = (await responses.nth(n - 1).innerText().catch(() => '')) ?? '';
      if (re.test(last)) return last;
    }
    await session.page.waitForTimeout(500);
  }
  throw new Error(`No chat response matching ${re} within ${timeoutMs} ms; last response:\n${last}`);
}

function ledgerRecords(session: Session): Array<{ feature: string; model?: string; status: string; attempts: Array<{ model: string; status: string }> }> {
  const file = join(session.globalStorageDir(), 'ledger.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('e2e: Switchyard in VS Code Chat', () => {
  it('turns VS Code Chat on, lists the route in the picker, and Agent mode reads a file through read_file on it', async function () {
    this.timeout(420_000);
    const { session, fake } = e2e();
    const mathFile = join(session.workspaceDir, 'src', 'math.ts');
    // The agent's calls do not come in a fixed order (side calls for titles may interleave): answer by what each request carries.
    await fake.setDefault(models.paid, {
      type: 'match',
      cases: [
        { when: { hasToolResult: true }, step: { type: 'text', text: 'E2E-AGENT: add returns the sum of its two arguments.', usage: { inputTokens: 900, outputTokens: 12 } } },
        { when: { hasTools: true }, step: { type: 'tool_calls', calls: [{ id: 'call_e2e_read', name: 'read_file', arguments: { filePath: mathFile, startLine: 1, endLine: 200 } }], usage: { inputTokens: 800, outputTokens: 20 } } },
      ],
      otherwise: { type: 'text', text: 'Math question', usage: { inputTokens: 50, outputTokens: 3 } },
    });

    // As a new user would start: no editor open (an open file becomes implicit agent context).
    await session.runCommand('View: Close All Editors');
    await session.runCommandById('switchyard.useInVsCodeChat');
    await session.pickQuickItem(ROUTE_ENTRY);
    const dialog = session.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    assert.match(await dialog.innerText(), /no GitHub sign-in/);
    await dialog.locator('a.monaco-button, button', { hasText: 'Turn On' }).first().click();
    await chatInput(session).waitFor({ state: 'visible', timeout: 150_000 }); // the Chat view starts slowly on a busy machine
    await session.screenshot('vscode-chat-opened');
    assert.equal(await session.page.locator('.tabs-container .tab', { hasText: 'Language Models' }).count(), 0, 'the enable step closes the editor it opened');

    // The picker lists Switchyard's route; the command selected it (picked here again if the view restored another).
    const picker = session.page.locator('.interactive-input-part .chat-modelPicker-item, .interactive-input-part [aria-label*="Pick Model"], .interactive-input-part .action-label[aria-label*="model" i]').first();
    await picker.waitFor({ timeout: 20_000 });
    const selectedByCommand = await picker.innerText();
    // Only the open picker's rows (the command's own quick pick stays in the DOM, hidden).
    const listed = session.page.locator('.action-widget .monaco-list-row:visible, .quick-input-widget .monaco-list-row:visible', { hasText: ROUTE_ENTRY }).first();
    // VS Code may pop a tip over the chat input ("Set BYOK utility models") just as the picker is
    // clicked, and the click opens nothing: close what opened and click again, up to three times.
    for (let attempt = 1; ; attempt++) {
      await picker.click();
      const opened = await listed.waitFor({ timeout: 7_000 }).then(() => true, () => false);
      if (opened) break;
      if (attempt === 3) throw new Error(`the model picker did not list "${ROUTE_ENTRY}" after three clicks`);
      await session.page.keyboard.press('Escape');
    }
    await session.screenshot('vscode-chat-picker');
    await listed.click();
    await session.page.waitForTimeout(500);
    assert.match(await picker.innerText(), /Switchyard · chat/, `picker after choosing the route (the command had selected: ${selectedByCommand})`);

    const before = (await fake.requests()).length;
    await sendInChat(session, 'What does add do in src/math.ts?');
    // The agent builds its prompt (workspace facts, thousands of token counts) before the first call: slow on a busy 2-core machine.
    const answer = await waitForResponse(session, /E2E-AGENT/, 240_000);
    await session.screenshot('vscode-chat-agent-answer');
    assert.match(answer, /add returns the sum/);

    const calls = (await fake.requests()).slice(before).filter((r) => r.model === models.paid && r.endpoint === 'chat');
    const withResult = calls.find((r) => (r.body.messages as Array<{ role: string; content: unknown }>).some((m) => m.role === 'tool'));
    assert.ok(withResult, `a request carried the read_file result (requests: ${calls.length})`);
    const toolMessage = (withResult.body.messages as Array<{ role: string; content: unknown }>).find((m) => m.role === 'tool')!;
    assert.match(JSON.stringify(toolMessage.content), /export function add/, 'the tool result is the file VS Code read');
    for (const r of calls) assert.ok(!JSON.stringify(r.body).includes('_conversationId'), 'agent internals never reach the provider');

    await session.page.waitForTimeout(1000); // the ledger append is not awaited by the router
    const records = ledgerRecords(session).filter((r) => r.feature.startsWith('vscode-chat'));
    assert.ok(records.some((r) => r.feature === 'vscode-chat' && r.model === 'paid' && r.status === 'ok'), `ledger features: ${ledgerRecords(session).map((r) => r.feature).join(', ')}`);
  });

  it('a route whose first model returns 503 still answers in VS Code Chat, and Switchyard\'s Traces tab shows the fallback', async function () {
    this.timeout(240_000);
    const { session, fake } = e2e();
    await fake.setDefault(models.paid, { type: 'server_error', status: 503 });
    await fake.setDefault(models.backup, { type: 'text', text: 'E2E-FALLBACK answered by the backup model.', usage: { inputTokens: 300, outputTokens: 9 } });
    await sendInChat(session, 'Say something from the backup');
    await waitForResponse(session, /E2E-FALLBACK/, 150_000);

    const frame = await showTab(session, 'traces');
    const row = frame.locator('#panel-traces table tbody tr', { hasText: 'backup' }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    const attemptRows = panelFrame(session).locator('#panel-traces .trace-detail table.attempts tbody tr');
    await attemptRows.nth(1).waitFor({ timeout: 15_000 });
    const attempts = await attemptRows.allInnerTexts();
    await session.screenshot('vscode-chat-fallback-trace');
    assert.ok(attempts.length >= 2, `attempts: ${attempts.join(' | ')}`);
    assert.match(attempts[0], /paid/);
    assert.match(attempts[0], /error/);
    assert.match(attempts[attempts.length - 1], /backup/);
    const records = ledgerRecords(session).filter((r) => r.feature === 'vscode-chat' && r.model === 'backup');
    assert.ok(records.some((r) => r.attempts.some((a) => a.model === 'paid' && a.status === 'error')), 'the ledger keeps the failed attempt');
  });

  it('@switchyard /cost answers with spend, and typing in the chat input shows no ghost text', async function () {
    this.timeout(120_000);
    const { session, fake } = e2e();
    // Completion requests would answer with this; none must be made from the chat input.
    await fake.setDefault(models.completion, { type: 'text', text: 'GHOST' });
    const before = (await fake.requests()).filter((r) => r.model === models.completion).length;
    // Participants answer in Ask mode (Agent mode routes everything to the agent).
    await session.page.locator('.interactive-input-part .action-label, .interactive-input-part .monaco-dropdown', { hasText: /^\s*Agent\s*$/ }).first().click();
    await session.page.locator('.action-widget .monaco-list-row, .context-view .monaco-list-row', { hasText: /^\s*Ask\b/ }).first().click();
    await session.page.waitForTimeout(500);
    await sendInChat(session, '@switchyard /cost ');
    const answer = await waitForResponse(session, /This conversation/);
    assert.match(answer, /Today:/);
    await session.screenshot('vscode-chat-participant-cost');

    const input = chatInput(session);
    await input.click();
    await session.page.keyboard.type('function add(a, b) {', { delay: 40 });
    await session.page.waitForTimeout(2500);
    assert.equal(await session.page.locator('.interactive-input-part .ghost-text-decoration, .interactive-input-part .ghost-text').count(), 0, 'no ghost text in the chat input');
    const after = (await fake.requests()).filter((r) => r.model === models.completion).length;
    assert.equal(after, before, 'no completion request from the chat input');
    await session.page.keyboard.press('Control+A');
    await session.page.keyboard.press('Delete');
  });
});
