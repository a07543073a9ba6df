/**
 * The built webview in headless Chromium, driven by recorded host messages (test/fixtures/panel).
 * Screenshots go to test-artifacts/webview/. Needs Debian's chromium (scripts/install-chromium.sh).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ledgerRecordSchema } from '../../src/core/cost/types';
import { buildUsageView } from '../../src/host/panel/usageView';
import { summarizeTrace } from '../../src/host/panel/traceView';
import type { HostMessage } from '../../src/protocol/messages';
import { ARTIFACTS, buildPage, CHROMIUM, launch, openPanel, type BuildResult } from './harness';

const fixtures = join(__dirname, '..', 'fixtures', 'panel');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as T;

describe('webview in headless Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let build: BuildResult;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/install-chromium.sh (or set SWITCHYARD_CHROMIUM).`);
    }
    build = await buildPage();
    writeFileSync(join(ARTIFACTS, 'bundle-size.json'), JSON.stringify(build, null, 2) + '\n');
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('keeps the bundle lean (reported in test-artifacts/webview/bundle-size.json)', () => {
    assert.ok(build.jsBytes > 50_000, 'the bundle was built');
    assert.ok(build.jsBytes < 600_000, `main.js is ${build.jsBytes} bytes`);
  });

  it('renders a streamed answer with highlighted code blocks, their actions, and tokens + cost', async () => {
    const fx = load<{ messages: HostMessage[]; answer: string; firstCode: string }>('stream.json');
    const p = await openPanel(browser);
    // Stream in three slices so intermediate renders happen.
    const msgs = fx.messages;
    await p.send(msgs.slice(0, 5));
    const partial = await p.page.locator('.msg.assistant .md').innerText();
    assert.ok(partial.length > 0 && partial.length < fx.answer.length, 'partial answer rendered while streaming');
    assert.equal(await p.page.locator('button:has-text("Stop")').isVisible(), true, 'Stop shown while running');
    await p.send(msgs.slice(5));
    const answer = p.page.locator('.msg.assistant');
    assert.equal(await answer.locator('.code-block').count(), 2);
    assert.ok((await answer.locator('.code-block').first().locator('.hljs-keyword').count()) > 3, 'TypeScript keywords highlighted');
    assert.equal(await answer.locator('.code-lang').first().innerText(), 'ts');
    const footer = await answer.locator('.msg-footer .facts').innerText();
    assert.match(footer, /gpt-mini/);
    assert.match(footer, /1\.8k in \(1\.0k cached\) · 212 out/);
    assert.match(footer, /\$0\.0012/);
    assert.match(await answer.locator('.notice').first().innerText(), /trying gpt-mini/);
    assert.equal(await p.page.locator('.chip.static').first().innerText(), 'retry.ts:12-24');
    assert.equal(await p.page.locator('button:has-text("Stop")').isVisible(), false, 'Stop hidden when done');

    await answer.locator('.code-block').first().locator('button[data-action="copy"]').click();
    await answer.locator('.code-block').first().locator('button[data-action="apply"]').click();
    await answer.locator('.code-block').first().locator('button[data-action="insert"]').click();
    await answer.locator('a:has-text("MDN on Promises")').click();
    const posted = await p.posted();
    const copy = posted.find((m) => m.type === 'code/copy');
    assert.equal(copy?.code, fx.firstCode, 'Copy sends the exact code, not highlighted HTML');
    const apply = posted.find((m) => m.type === 'code/apply');
    assert.equal(apply?.code, fx.firstCode);
    assert.equal(apply?.language, 'ts');
    assert.equal(apply?.conversationId, 'conv-1');
    assert.equal(posted.find((m) => m.type === 'code/insert')?.code, fx.firstCode);
    assert.equal(posted.find((m) => m.type === 'link/open')?.href, 'https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Promise');
    assert.equal(p.page.url().endsWith('index.html'), true, 'the link did not navigate the webview');

    // Retry with another model.
    await answer.locator('select.retry').selectOption('sonnet');
    assert.deepEqual((await p.posted()).find((m) => m.type === 'chat/retry'), { type: 'chat/retry', conversationId: 'conv-1', messageId: 'a1', model: 'sonnet' });
    await p.screenshot('chat-streamed-answer');
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  it('shows errors inline with the actions that fix them', async () => {
    const fx = load<{ messages: HostMessage[] }>('error.json');
    const p = await openPanel(browser);
    await p.send(fx.messages);
    const boxes = p.page.locator('.error-box');
    assert.equal(await boxes.count(), 2);
    assert.match(await boxes.nth(0).innerText(), /rejected the API key \(401\)/);
    assert.match(await boxes.nth(1).innerText(), /Blocked by your budget/);
    await boxes.nth(0).locator('button:has-text("Set anthropic API key")').click();
    await boxes.nth(1).locator('button:has-text("Switch model")').click();
    const actions = (await p.posted()).filter((m) => m.type === 'action/run');
    assert.deepEqual(actions.map((a) => (a.fix as { action: string }).action), ['setKey', 'switchModel']);
    assert.equal((actions[0]!.fix as { provider?: string }).provider, 'anthropic');
    await p.screenshot('chat-errors');
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  it('does not execute script or event handlers from a markdown payload', async () => {
    const fx = load<{ messages: HostMessage[] }>('xss.json');
    const p = await openPanel(browser);
    await p.send(fx.messages);
    await p.page.locator('.msg.assistant .md').waitFor();
    const md = p.page.locator('.msg.assistant .md');
    assert.match(await md.innerText(), /Harmless text/);
    const dom = await md.evaluate((el) => ({
      scripts: el.querySelectorAll('script, iframe, img, svg, form, input, style').length,
      handlers: Array.from(el.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).map((a) => a.name)).filter((n) => n.startsWith('on') || n === 'style'),
      hrefs: Array.from(el.querySelectorAll('a')).map((a) => a.getAttribute('href')),
    }));
    assert.equal(dom.scripts, 0);
    assert.deepEqual(dom.handlers, []);
    assert.ok(!dom.hrefs.some((h) => h?.startsWith('javascript:')), `no javascript: links (${dom.hrefs.join(', ')})`);
    // The fenced <script> is shown as code, not run.
    assert.match(await md.locator('.code-block').innerText(), /<script>alert\('this is only code'\)<\/script>/);
    // Hover, click and focus everything that was a trap.
    await md.locator('text=styled').hover();
    await md.locator('text=click me').click();
    await md.locator('text=a command link').click();
    await p.page.waitForTimeout(200);
    assert.equal(await p.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
    // The user's own text is shown as text.
    assert.equal(await p.page.locator('.msg.user .user-text').innerText(), `<img src=x onerror="window.__pwned='user'">`);
    // DOMPurify drops the command: URI; the safe link still goes to the host, which validates it again.
    assert.ok(!dom.hrefs.some((h) => h?.startsWith('command:')), `no command: links (${dom.hrefs.join(', ')})`);
    await md.locator('text=a safe link').click();
    const links = (await p.posted()).filter((m) => m.type === 'link/open').map((m) => m.href);
    assert.deepEqual(links, ['https://example.com/docs']);
    assert.equal(p.page.url().endsWith('index.html'), true);
    await p.screenshot('chat-xss-payload');
    await p.page.close();
  });

  it('drops malformed host messages without breaking the panel', async () => {
    const fx = load<{ messages: HostMessage[] }>('error.json');
    const p = await openPanel(browser);
    await p.send(fx.messages);
    await p.send([{ type: 'chat/delta', conversationId: 5, messageId: 'a2', text: 'x' }, { type: 'chat/evil', html: '<img onerror=alert(1)>' }, 'garbage', null]);
    assert.equal(await p.page.locator('.error-box').count(), 2, 'still rendered');
    assert.ok(p.errors.every((e) => !e.startsWith('pageerror')), p.errors.join('\n'));
    await p.page.close();
  });

  it('draws the usage charts from a ledger fixture and exports', async () => {
    const records = readFileSync(join(fixtures, 'ledger.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => ledgerRecordSchema.parse(JSON.parse(l)));
    const usage = buildUsageView(records, {
      nowMs: Date.parse('2026-11-24T12:00:00.000Z'),
      rangeDays: 7,
      budget: { dailySpentUsd: 4.5, dailyLimitUsd: 5, monthlySpentUsd: 20, monthlyLimitUsd: 100, level: 'warning', onExceed: 'block' },
    });
    const p = await openPanel(browser, { width: 760, height: 1400 });
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false, tab: 'usage' }]);
    const req = (await p.posted()).find((m) => m.type === 'usage/request');
    assert.deepEqual(req, { type: 'usage/request', rangeDays: 30 });
    await p.send([{ type: 'usage/data', usage }]);
    for (const id of ['chart-daily', 'chart-feature', 'chart-provider', 'chart-model', 'chart-accept']) {
      const painted = await p.page.locator(`#${id}`).evaluate((c: HTMLCanvasElement) => {
        const ctx = c.getContext('2d')!;
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      });
      assert.ok(painted > 500, `${id} painted ${painted} pixels`);
    }
    assert.match(await p.page.locator('.card').first().innerText(), /\$0\.02[\s\S]*\+ 2 call\(s\) at unknown price/);
    assert.match(await p.page.locator('.budget-line.warn').innerText(), /Today: \$4\.50 of \$5\.00/);
    await p.page.locator('button[title="Export CSV"]').click();
    await p.page.locator('button[title="Export Markdown"]').click();
    const exports = (await p.posted()).filter((m) => m.type === 'usage/export').map((m) => m.format);
    assert.deepEqual(exports, ['csv', 'markdown']);
    await p.screenshot('usage-charts');
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  it('lists traces, filters them, and shows a trace detail with waterfall, attempts, chunks, tools and price', async () => {
    const trace = load<Parameters<typeof summarizeTrace>[0]>('trace.json');
    const other = { ...summarizeTrace(trace), traceId: 'trace-cmp-2', feature: 'completion', model: 'local-qwen', startMs: trace.startMs - 60_000, costUsd: null, status: 'error' as const };
    const p = await openPanel(browser, { width: 900, height: 1500 });
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false, tab: 'traces' }]);
    assert.ok((await p.posted()).some((m) => m.type === 'traces/request'));
    await p.send([{ type: 'traces/list', traces: [other] }, { type: 'traces/added', trace: summarizeTrace(trace) }]);
    const rows = p.page.locator('.trace-list tbody tr');
    assert.equal(await rows.count(), 2);
    assert.equal(await rows.first().getAttribute('data-trace-id'), 'trace-ok-1', 'newest first');
    await p.page.locator('.traces .toolbar select[title="Feature"]').selectOption('completion');
    assert.equal(await rows.count(), 1);
    await p.page.locator('.traces .toolbar select[title="Feature"]').selectOption('');
    await p.page.locator('.traces input[type="search"]').fill('gpt-mini');
    assert.equal(await rows.count(), 1);
    await rows.first().click();
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'traces/get').at(-1), { type: 'traces/get', traceId: 'trace-ok-1' });
    await p.send([{ type: 'traces/detail', traceId: 'trace-ok-1', trace, prices: { 'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6, cacheReadPerMTok: 0.1 } } }]);
    const detail = p.page.locator('.trace-detail');
    assert.equal(await detail.locator('.wf-row').count(), trace.spans.length);
    const attempts = detail.locator('table.attempts tbody tr');
    assert.equal(await attempts.count(), 2);
    assert.match(await attempts.nth(0).innerText(), /rate_limit[\s\S]*Retry-After 30 s[\s\S]*429/);
    assert.match(await detail.innerText(), /src\/util\/retry\.ts\s+1-40\s+0\.873/);
    assert.match(await detail.innerText(), /github__search_code/);
    assert.match(await detail.locator('table.usage').innerText(), /Cache read\s+1\.0k\s+\$0\.1\/M/);
    assert.match(await detail.locator('table.usage').innerText(), /Cost\s+\$0\.0012/);
    assert.match(await detail.innerText(), /\[REDACTED:api_key\]/);
    assert.match(await detail.innerText(), /switchyard\.chat\.trimmed_messages\s+4/);
    await detail.locator('button:has-text("Copy as JSON")').click();
    await detail.locator('button:has-text("Open raw")').click();
    const posted = await p.posted();
    assert.ok(posted.some((m) => m.type === 'traces/copy' && m.traceId === 'trace-ok-1'));
    assert.ok(posted.some((m) => m.type === 'traces/openRaw' && m.traceId === 'trace-ok-1'));
    await p.screenshot('trace-detail');
    assert.deepEqual(await p.cspViolations(), []);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });

  it('restores the draft, chips and tab after the panel is hidden and shown again', async () => {
    const p = await openPanel(browser);
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false }]);
    await p.send([{ type: 'chat/addChip', chip: { kind: 'selection', id: 's1', path: 'src/a.ts', startLine: 3, endLine: 7, text: 'let a = 1;' } }]);
    await p.page.locator('textarea.input').fill('half-typed question');
    // Typing "@" offers the context kinds; picking one removes the "@".
    await p.page.locator('textarea.input').press('End');
    await p.page.locator('textarea.input').type(' @');
    assert.equal(await p.page.locator('.mention-menu').isVisible(), true);
    await p.page.locator('textarea.input').press('ArrowDown');
    await p.page.locator('textarea.input').press('Enter');
    assert.equal(await p.page.locator('.mention-menu').isVisible(), false);
    assert.equal(await p.page.locator('textarea.input').inputValue(), 'half-typed question ');
    await p.page.locator('textarea.input').fill('half-typed question');
    const saved = await p.state();
    await p.page.close();

    const again = await openPanel(browser, { state: saved });
    assert.equal(await again.page.locator('textarea.input').inputValue(), 'half-typed question');
    assert.deepEqual(await again.page.locator('.composer .chip .chip-label').allInnerTexts(), ['a.ts:3-7', '@workspace']);
    // Removing a chip and sending posts exactly what is shown.
    await again.page.locator('.composer .chip[data-kind="workspace"] .chip-remove').click();
    await again.page.locator('textarea.input').press('Enter');
    const send = (await again.posted()).find((m) => m.type === 'chat/send') as { text: string; chips: Array<{ kind: string }> };
    assert.equal(send.text, 'half-typed question');
    assert.deepEqual(send.chips.map((c) => c.kind), ['selection']);
    await again.screenshot('chat-restored-state');
    await again.page.close();
  });

  it('offers MCP prompts as slash commands when "/" starts the input', async () => {
    const p = await openPanel(browser);
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false }]);
    const input = p.page.locator('textarea.input');
    await input.click();
    await input.type('/');
    assert.ok((await p.posted()).some((m) => m.type === 'chat/listSlashCommands'), 'the webview asks the host for the commands');
    await p.send([{ type: 'chat/slashCommands', commands: [
      { command: '/everything.simple-prompt', description: 'A prompt without arguments', arguments: [] },
      { command: '/everything.args-prompt', description: 'A prompt with arguments', arguments: [{ name: 'city', required: true }, { name: 'state', required: false }] },
    ] }]);
    assert.equal(await p.page.locator('.mention-menu').isVisible(), true);
    await input.type('everything.a');
    assert.deepEqual(await p.page.locator('.mention-menu .mention-label').allInnerTexts(), ['/everything.args-prompt']);
    assert.match(await p.page.locator('.mention-menu').innerText(), /city=… +\[state=…\]/);
    await p.screenshot('chat-slash-commands');
    await input.press('Enter');
    assert.equal(await input.inputValue(), '/everything.args-prompt ');
    await input.type('city=Paris');
    await input.press('Enter');
    const send = (await p.posted()).find((m) => m.type === 'chat/send') as { text: string };
    assert.equal(send.text, '/everything.args-prompt city=Paris', 'the host expands the command');
    await p.page.close();
  });
  it('not set up: the empty chat offers Add Model; a local answer shows "$0 (local)"; the instructions chip stays after sending', async () => {
    const p = await openPanel(browser);
    await p.send([{ type: 'init', models: [], conversations: [], active: null, running: false }]);
    const empty = p.page.locator('.empty.not-set-up');
    assert.match(await empty.innerText(), /no model yet/i);
    await empty.locator('button', { hasText: 'Add Model' }).click();
    assert.deepEqual((await p.posted()).find((m) => m.type === 'action/run'), { type: 'action/run', fix: { action: 'addModel', label: 'Add Model' } });
    await p.screenshot('chat-not-set-up');

    await p.send([{ type: 'models', models: [{ name: 'llama3.2', provider: 'ollama', id: 'llama3.2' }], routeModel: 'llama3.2' }]);
    assert.equal(await p.page.locator('.empty.not-set-up').count(), 0, 'set up: the ordinary empty state');
    await p.send([{ type: 'chat/addChip', chip: { kind: 'instructions', id: 'instructions', paths: ['AGENTS.md', '.continue/rules/style.md'] } }]);
    const chip = p.page.locator('.composer .chip[data-kind="instructions"]');
    assert.equal(await chip.locator('.chip-label').innerText(), 'AGENTS.md +1');
    assert.match((await chip.getAttribute('title')) ?? '', /system prompt: AGENTS\.md, \.continue\/rules\/style\.md/);
    await p.page.locator('textarea.input').fill('hi');
    await p.page.locator('textarea.input').press('Enter');
    const send = (await p.posted()).find((m) => m.type === 'chat/send') as { chips: Array<{ kind: string }> };
    assert.deepEqual(send.chips.map((c) => c.kind), ['instructions']);
    assert.equal(await chip.count(), 1, 'the instructions chip stays for the next question');

    const conv = { v: 1, id: 'c1', title: 'hi', createdMs: 1, updatedMs: 2, messages: [
      { id: 'u1', role: 'user', content: 'hi', timeMs: 1, chips: [{ kind: 'instructions', id: 'instructions', paths: ['AGENTS.md'] }] },
      { id: 'a1', role: 'assistant', content: 'Hello.', timeMs: 2, status: 'ok', model: 'llama3.2', usage: { inputTokens: 9, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0, local: true, latencyMs: 40 },
    ] };
    await p.send([{ type: 'chat/conversation', conversation: conv, running: false }]);
    assert.match(await p.page.locator('.msg.assistant .msg-footer .facts').innerText(), /llama3\.2 · 9 in · 2 out · \$0 \(local\) · /);
    await p.page.close();
  });
});
