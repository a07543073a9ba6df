/**
 * The hostile corpus (hostileCorpus.ts) through every place the panel shows model- or
 * server-controlled text: streamed and stored answers, tool names, arguments and results, notices,
 * errors, chips and file names, model names, conversation titles, slash commands, toasts, the
 * Traces tab and the Usage tab. Fails on any script run, any request, any clickable dangerous link,
 * any lookalike of the panel's trusted controls, any hidden character shown raw, and any
 * main-thread task or frame over 2 s (a hang threshold, not a performance assertion).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Conversation, StoredMessage, ToolCallView } from '../../src/core/chat/types';
import { isSafeExternalLink, type HostMessage, type UsageView } from '../../src/protocol/messages';
import { ARTIFACTS, openPanel, type PanelPage, useBrowser } from './harness';
import { HEAVY, HIDDEN, HOSTILE_NAME, hostileAnswer, LINKS, LOOKALIKES, MARKUP, RLO, twoMegabyteAnswer } from './hostileCorpus';

const HANG_MS = 2000;
/** The longest task and frame per check, written to test-artifacts/webview/hostile-longest.json. */
const longestSeen: Record<string, { task: number; frame: number }> = {};
let currentTest = '';
const T0 = 1764010000000;

const conversation = (id: string, messages: StoredMessage[], title = 'hostile'): Conversation => ({ v: 1, id, title, createdMs: T0, updatedMs: T0, messages });
const user = (id: string, content: string, extra: Partial<StoredMessage> = {}): StoredMessage => ({ id, role: 'user', content, timeMs: T0, ...extra });
const answer = (id: string, content: string, extra: Partial<StoredMessage> = {}): StoredMessage => ({ id, role: 'assistant', content, timeMs: T0, status: 'ok', model: 'gpt-mini', ...extra });
const init = (active: Conversation | null, extra: Partial<Extract<HostMessage, { type: 'init' }>> = {}): HostMessage => ({
  type: 'init',
  models: [{ name: 'gpt-mini', provider: 'openai', id: 'gpt-4.1-mini' }],
  conversations: active ? [{ id: active.id, title: active.title, updatedMs: T0, messageCount: active.messages.length }] : [],
  active,
  running: false,
  ...extra,
});

/** Sends `text` as streamed deltas of `piece` characters, letting frames render between batches. */
async function stream(p: PanelPage, conversationId: string, messageId: string, text: string, piece: number, perBatch = 25): Promise<void> {
  const deltas: HostMessage[] = [];
  for (let i = 0; i < text.length; i += piece) deltas.push({ type: 'chat/delta', conversationId, messageId, text: text.slice(i, i + piece) });
  for (let i = 0; i < deltas.length; i += perBatch) await p.send(deltas.slice(i, i + perBatch));
}

/**
 * Everything the page must never do, checked in the page. Returns the problems found.
 * `htmlInAnswers`: raw HTML reached the sanitizer. DOMPurify parses it in an inert document that
 * inherits the panel's CSP, so Chromium reports (and blocks) its handlers, styles and <base> at parse
 * time; nothing runs and the live DOM keeps none of them (checked below), so those reports are
 * expected then. Every other surface shows text only and must cause no CSP report at all.
 */
async function problems(p: PanelPage, opts: { htmlInAnswers?: boolean } = {}): Promise<string[]> {
  const found = await p.page.evaluate(() => {
    const out: string[] = [];
    const w = window as unknown as { __pwned?: string };
    if (w.__pwned !== undefined) out.push(`script ran: ${w.__pwned}`);
    const all = Array.from(document.querySelectorAll('*'));
    for (const el of all) {
      for (const a of Array.from(el.attributes)) if (a.name.startsWith('on')) out.push(`event handler ${a.name} on <${el.localName}>`);
    }
    const forbidden = 'iframe, frame, object, embed, img, svg, math, form, video, audio, dialog, meter, progress, template, body style, body link, body meta, base';
    for (const el of Array.from(document.querySelectorAll(forbidden))) out.push(`forbidden element <${el.localName}>`);
    for (const s of Array.from(document.querySelectorAll('script'))) if (!s.getAttribute('src')?.endsWith('main.js')) out.push('a script element from content');
    // Links: only http(s) and mailto without credentials, workspace-relative paths, or "#".
    for (const a of Array.from(document.querySelectorAll('a[href]'))) {
      const href = a.getAttribute('href') ?? '';
      if (href.startsWith('//')) out.push(`protocol-relative link ${href}`);
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href.replace(/[\u0000-\u0020]/g, ''))?.[1]?.toLowerCase();
      if (scheme && !['http', 'https', 'mailto'].includes(scheme)) out.push(`dangerous link ${href}`);
      if (/^[a-z]+:\/\/[^/]*@/i.test(href)) out.push(`link with credentials ${href}`);
    }
    // Lookalikes: content subtrees carry only the classes the renderer sets and no control semantics.
    const rendererClass = /^(md-block|md-plain|md-plain-note|md-plain-text|md-pending|code-block|code-toolbar|code-lang|code-action|hljs|hljs-[\w-]+|language-[\w+#.-]+|link-blocked|text-chunk|\w+_)$/;
    for (const el of Array.from(document.querySelectorAll('.md *'))) {
      for (const c of Array.from(el.classList)) if (!rendererClass.test(c)) out.push(`content element <${el.localName}> with the panel's class "${c}"`);
      for (const attr of ['id', 'name', 'role', 'tabindex', 'style']) if (el.hasAttribute(attr)) out.push(`content element <${el.localName}> with ${attr}="${el.getAttribute(attr)}"`);
      if (el.localName === 'button' && !(el.classList.contains('code-action') && el.parentElement?.classList.contains('code-toolbar'))) out.push('a button inside an answer');
    }
    for (const el of Array.from(document.querySelectorAll('.md .code-block'))) {
      if (el.querySelectorAll(':scope > .code-toolbar > button.code-action').length !== 3 || !el.querySelector(':scope > pre > code')) out.push('a code block the renderer did not make');
    }
    // The approval controls exist only in the dock, outside the conversation.
    for (const el of Array.from(document.querySelectorAll('.tool-approval, .approval-card, .approval-head, .approval-mark'))) {
      const dock = el.closest('.approval-dock');
      if (!dock || dock.closest('.messages') || dock.parentElement?.id !== 'panel-chat') out.push(`approval control outside the dock: ${el.className}`);
    }
    return out;
  });
  const own = /\/page\/(index\.html|main\.js|main\.css)$/;
  for (const url of p.requests) if (!own.test(url)) found.push(`request to ${url}`);
  const parseTime = /^(script-src-attr inline|style-src-attr inline|style-src-elem inline|base-uri .*)$/;
  for (const v of await p.cspViolations()) if (!(opts.htmlInAnswers && parseTime.test(v))) found.push(`CSP violation ${v}`);
  for (const e of p.errors) if (!(opts.htmlInAnswers && /^console: .*Content Security Policy/.test(e))) found.push(e);
  if (!p.page.url().endsWith('/page/index.html')) found.push(`navigated to ${p.page.url()}`);
  const longest = await p.longest();
  longestSeen[currentTest] = { task: Math.round(longest.task), frame: Math.round(longest.frame) };
  if (longest.task > HANG_MS || longest.frame > HANG_MS) found.push(`main thread blocked: longest task ${Math.round(longest.task)} ms, frame ${Math.round(longest.frame)} ms`);
  return found;
}

/** Clicks every link in the answers; every link the host is asked to open must be safe. */
async function clickEveryLink(p: PanelPage): Promise<string[]> {
  const links = p.page.locator('.md a');
  const n = await links.count();
  for (let i = 0; i < n; i++) await links.nth(i).click({ force: true });
  const opened = (await p.posted()).filter((m) => m.type === 'link/open').map((m) => String(m.href));
  return opened.filter((href) => !isSafeExternalLink(href) && (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')));
}

/** Hidden characters in any shown text or tooltip. */
async function rawHiddenCharacters(p: PanelPage): Promise<string[]> {
  return p.page.evaluate(() => {
    const hidden = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\u{E0000}-\u{E007F}]/u;
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (hidden.test(n.textContent ?? '') && !n.parentElement?.closest('textarea')) out.push(`text in <${n.parentElement?.localName}.${n.parentElement?.className}>: ${JSON.stringify(n.textContent?.slice(0, 60))}`);
    for (const el of Array.from(document.querySelectorAll('[title], [aria-label]'))) {
      for (const attr of ['title', 'aria-label']) if (hidden.test(el.getAttribute(attr) ?? '')) out.push(`${attr} of <${el.localName}.${el.className}>`);
    }
    return out;
  });
}

describe('webview under hostile model and server output (headless Chromium)', function () {
  this.timeout(180_000);
  const browser = useBrowser();
  beforeEach(function () {
    currentTest = this.currentTest?.title ?? '';
  });
  after(async () => {
    writeFileSync(join(ARTIFACTS, 'hostile-longest.json'), JSON.stringify(longestSeen, null, 2) + '\n');
  });

  it('streams an answer of markup, link and lookalike payloads without running, requesting, or offering a dangerous link', async () => {
    const p = await openPanel(browser());
    const text = hostileAnswer();
    await p.send([init(conversation('c-md', [user('u1', 'hi'), answer('a1', '', { status: 'streaming' })]), { running: true })]);
    await stream(p, 'c-md', 'a1', text, 97);
    await p.send([{ type: 'chat/done', conversationId: 'c-md', message: answer('a1', text) }]);
    const md = p.page.locator('.msg.assistant .md');
    assert.match(await md.innerText(), /Harmless text first\./);
    assert.match(await md.innerText(), /approvalCard/, 'the payloads are shown as (sanitized) text');
    assert.deepEqual(await clickEveryLink(p), []);
    assert.deepEqual(await problems(p, { htmlInAnswers: true }), []);
    const mdnOpened = (await p.posted()).some((m) => m.type === 'link/open' && m.href === 'https://developer.mozilla.org/');
    assert.ok(mdnOpened, 'an ordinary link still opens through the host');
    await p.page.close();
  });

  it('renders the real tool approval outside the answer, marked, and the fake one in the answer as plain unstyled text', async () => {
    const p = await openPanel(browser());
    const call: ToolCallView = { id: 'call-1', name: 'write_file', server: 'filesystem', arguments: '{"path":"notes.md"}', status: 'requested' };
    const fakes = Object.values(LOOKALIKES).join('\n\n');
    await p.send([init(conversation('c-ap', [user('u1', 'write notes'), answer('a1', '', { status: 'streaming' })]), { running: true })]);
    await p.send([{ type: 'chat/delta', conversationId: 'c-ap', messageId: 'a1', text: fakes }, { type: 'chat/toolCall', conversationId: 'c-ap', messageId: 'a1', call }]);
    const real = p.page.locator('.approval-dock .approval-card');
    assert.equal(await real.count(), 1, 'one real approval card');
    assert.match(await real.innerText(), /Switchyard asks before running a tool[\s\S]*filesystem › write_file[\s\S]*notes\.md/);
    assert.equal(await p.page.locator('.messages .tool-approval, .messages button:has-text("Allow once")').count(), 0, 'no approval buttons inside the conversation');
    assert.deepEqual(await problems(p), []);
    // The fake "Allow once" inside the answer draws like text, not like the panel's button.
    const fake = await p.page.locator('.md a:has-text("Allow once")').first().evaluate((el) => {
      const cs = getComputedStyle(el);
      return { background: cs.backgroundColor, border: cs.borderTopWidth, tag: el.localName, classes: el.className };
    });
    const button = await real.locator('button:has-text("Allow once")').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(fake.classes, '');
    assert.equal(fake.background, 'rgba(0, 0, 0, 0)');
    assert.notEqual(fake.background, button);
    await real.locator('button:has-text("Allow once")').click();
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'tool/decide'), [{ type: 'tool/decide', callId: 'call-1', decision: 'once' }]);
    // Once decided, the dock is empty and hidden.
    await p.send([{ type: 'chat/toolCall', conversationId: 'c-ap', messageId: 'a1', call: { ...call, status: 'running' } }]);
    assert.equal(await p.page.locator('.approval-dock').isVisible(), false);
    await p.screenshot('hostile-approval');
    await p.page.close();
  });

  for (const [name, make] of Object.entries(HEAVY)) {
    it(`renders "${name}" (stored and streamed) without a hang, and the next answer still renders`, async () => {
      const heavy = make();
      const p = await openPanel(browser());
      const stored = conversation('c-heavy', [user('u1', 'q'), answer('a1', heavy), user('u2', 'q2'), answer('a2', 'The **next answer** renders.'), answer('a3', '', { status: 'streaming' })]);
      await p.send([init(stored, { running: true })]);
      assert.equal(await p.page.locator('.msg.assistant[data-id="a2"] .md strong').innerText(), 'next answer');
      assert.ok((await p.page.locator('.msg.assistant[data-id="a1"] .md').innerText()).length > 100, 'the heavy answer is shown');
      await stream(p, 'c-heavy', 'a3', heavy, 8192, 10);
      await p.send([{ type: 'chat/done', conversationId: 'c-heavy', message: answer('a3', heavy) }]);
      assert.ok((await p.page.locator('.msg.assistant[data-id="a3"] .md').innerText()).length > 100, 'the streamed heavy answer is shown');
      assert.deepEqual(await problems(p), []);
      await p.page.close();
    });
  }

  it('streams a 2 MB answer in 4 KB pieces without a main-thread task over 2 s, and renders all of it', async () => {
    const big = twoMegabyteAnswer();
    const p = await openPanel(browser());
    await p.send([init(conversation('c-big', [user('u1', 'q'), answer('a1', '', { status: 'streaming' })]), { running: true })]);
    await stream(p, 'c-big', 'a1', big, 4096, 10);
    await p.send([{ type: 'chat/done', conversationId: 'c-big', message: answer('a1', big) }]);
    // All of it is shown at once (blocks not yet rendered show as plain text and render in later
    // tasks, newest first); the newest part is rendered markdown.
    const parts = (big.match(/^## Part \d+$/gm) ?? []).length;
    const shown = await p.page.locator('.msg.assistant .md').evaluate((el) => el.textContent ?? '');
    for (const i of [0, Math.floor(parts / 2), parts - 1]) assert.ok(shown.includes(`Part ${i}\n`) || shown.includes(`Part ${i}`), `part ${i} is shown`);
    assert.equal(await p.page.locator('.msg.assistant .md h2').last().textContent(), `Part ${parts - 1}`);
    assert.deepEqual(await problems(p), []);
    await p.page.close();
  });

  it('shows all of a long code block that Copy, Insert and Apply write', async () => {
    const tail = 'const TAIL_MARKER = "the last line of the code";';
    const unknown = `${'x = 1 # filler line for an unknown language\n'.repeat(700)}${tail}`;
    const known = `${'const filler = 1; // a long typescript block\n'.repeat(2600)}${tail}`;
    const content = `Unknown language:\n\n\`\`\`\n${unknown}\n\`\`\`\n\nKnown, past the highlighting bound:\n\n\`\`\`ts\n${known}\n\`\`\`\n`;
    const p = await openPanel(browser());
    await p.send([init(conversation('c-code', [user('u1', 'q'), answer('a1', content)]))]);
    const blocks = p.page.locator('.md .code-block');
    assert.equal(await blocks.count(), 2);
    for (let i = 0; i < 2; i++) {
      const shown = await blocks.nth(i).locator('pre code').evaluate((el) => el.textContent ?? '');
      await blocks.nth(i).locator('button[data-action="apply"]').click();
      const applied = (await p.posted()).filter((m) => m.type === 'code/apply').at(-1)?.code;
      assert.equal(shown, applied, `block ${i}: what is shown is exactly what Apply writes`);
      assert.ok(shown.trimEnd().endsWith(tail), `block ${i}: the tail is shown`);
    }
    // Hidden characters in code are shown as escapes; Copy still writes the exact code.
    await p.send([{ type: 'chat/conversation', conversation: conversation('c-code', [user('u1', 'q'), answer('a2', '```ts\nconst access = "user' + RLO + ' // admin";\n```')]), running: false }]);
    assert.match(await p.page.locator('.md pre code').innerText(), /user⟨U\+202E⟩ \/\/ admin/);
    await p.page.locator('.md button[data-action="copy"]').click();
    assert.equal((await p.posted()).filter((m) => m.type === 'code/copy').at(-1)?.code, `const access = "user${RLO} // admin";\n`);
    assert.deepEqual(await problems(p), []);
    await p.page.close();
  });

  it('shows hidden and direction-changing characters as escapes in chips, file, tool, server, model and trace names', async () => {
    const [rlo, zwsp, isolate, tags] = HIDDEN;
    const p = await openPanel(browser(), { width: 900, height: 1400 });
    const call: ToolCallView = { id: 'call-h', name: zwsp!.raw, server: isolate!.raw, arguments: `{"path":"${rlo!.raw}"}`, status: 'done', result: tags!.raw };
    const conv = conversation('c-names', [
      user('u1', 'q', { chips: [{ kind: 'file', id: 'f1', path: `src/${rlo!.raw}` }, { kind: 'mcp-resource', id: 'r1', server: isolate!.raw, uri: 'res://x', name: zwsp!.raw }] }),
      answer('a1', `See ${rlo!.raw}.`, { model: isolate!.raw, toolCalls: [call], notices: [`trying ${isolate!.raw}`, `tagged ${tags!.raw}`] }),
    ], `title ${rlo!.raw}`);
    await p.send([init(conv, { models: [{ name: isolate!.raw, provider: zwsp!.raw, id: 'm' }] })]);
    await p.send([{ type: 'chat/addChip', chip: { kind: 'selection', id: 's1', path: `lib/${rlo!.raw}`, startLine: 1, endLine: 2, text: 'x' } }]);
    await p.send([{ type: 'toast', level: 'warn', text: `Not opening ${rlo!.raw}` }]);
    const chat = await p.page.locator('#panel-chat').innerText();
    for (const x of HIDDEN) assert.match(chat, x.shown);
    assert.deepEqual(await rawHiddenCharacters(p), [], 'chat tab');

    await p.send([{ type: 'showTab', tab: 'traces' }]);
    await p.send([{ type: 'traces/list', traces: [{ traceId: 't1', name: zwsp!.raw, startMs: T0, feature: 'chat', model: isolate!.raw, status: 'ok', latencyMs: 10 }] }]);
    await p.send([{ type: 'traces/detail', traceId: 't1', trace: {
      traceId: 't1', name: zwsp!.raw, startMs: T0, endMs: T0 + 10,
      spans: [
        { traceId: 't1', spanId: 's1', name: `chat ${rlo!.raw}`, startMs: T0, endMs: T0 + 10, status: 'ok', attributes: { 'switchyard.model': isolate!.raw, 'switchyard.attempts': 1, 'switchyard.prompt': tags!.raw }, events: [{ name: 'chunk', timeMs: T0, attributes: { path: `src/${rlo!.raw}`, score: 0.5 } }] },
        { traceId: 't1', spanId: 's2', parentSpanId: 's1', name: 'tool', startMs: T0, endMs: T0 + 5, status: 'ok', attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': zwsp!.raw, 'gen_ai.tool.call.result': tags!.raw }, events: [] },
      ] } }]);
    const traces = await p.page.locator('#panel-traces').innerText();
    for (const x of HIDDEN) assert.match(traces, x.shown);
    assert.deepEqual(await rawHiddenCharacters(p), [], 'traces tab');

    await p.send([{ type: 'showTab', tab: 'usage' }]);
    const totals = { key: isolate!.raw, calls: 1, costUsd: 0.01, unknownCostCalls: 0, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheSavingsUsd: 0 };
    const usage: UsageView = { rangeDays: 7, generatedAtMs: T0, totals, days: ['2026-11-24'], dailyByModel: [{ model: isolate!.raw, costUsd: [0.01], tokens: [2] }], byFeature: [{ ...totals, key: zwsp!.raw }], byProvider: [totals], byModel: [{ ...totals, key: `${rlo!.raw}` }], budget: { onExceed: 'warn', lines: [] }, acceptRate: [] };
    await p.send([{ type: 'usage/data', usage }]);
    assert.match(await p.page.locator('#panel-usage table.grid').innerText(), rlo!.shown);
    assert.deepEqual(await rawHiddenCharacters(p), [], 'usage tab');
    assert.deepEqual(await problems(p), []);
    await p.page.close();
  });

  it('feeds hostile names, arguments, results, notices and errors through every chat, trace and usage surface', async () => {
    const payloads = [...Object.values(MARKUP), ...Object.values(LINKS), ...Object.values(LOOKALIKES)].join('\n');
    const p = await openPanel(browser(), { width: 900, height: 1400 });
    const call: ToolCallView = { id: 'call-s', name: HOSTILE_NAME, server: HOSTILE_NAME, arguments: JSON.stringify({ html: payloads }), status: 'requested', result: payloads };
    const conv = conversation('c-surf', [
      user('u1', payloads, { chips: [{ kind: 'file', id: 'f1', path: HOSTILE_NAME }, { kind: 'mcp-resource', id: 'r1', server: HOSTILE_NAME, uri: 'javascript:alert(1)', name: HOSTILE_NAME }] }),
      answer('a1', payloads, { model: HOSTILE_NAME, toolCalls: [call], notices: [HOSTILE_NAME], status: 'error', error: { kind: 'network', message: payloads.slice(0, 1000), fix: HOSTILE_NAME, actions: [] } }),
    ], HOSTILE_NAME.slice(0, 200));
    await p.send([init(conv, { models: [{ name: HOSTILE_NAME.slice(0, 128), provider: HOSTILE_NAME.slice(0, 128), id: 'm' }], routeModel: HOSTILE_NAME })]);
    await p.send([{ type: 'chat/error', error: { kind: 'network', message: payloads.slice(0, 1000), actions: [] } }, { type: 'toast', level: 'error', text: payloads.slice(0, 2000) }]);
    await p.page.locator('textarea.input').type('/');
    await p.send([{ type: 'chat/slashCommands', commands: [{ command: `/${HOSTILE_NAME}`.slice(0, 200), description: payloads.slice(0, 2000), arguments: [{ name: HOSTILE_NAME.slice(0, 100), required: true }] }] }]);
    assert.deepEqual(await clickEveryLink(p), []);
    assert.deepEqual(await problems(p, { htmlInAnswers: true }), []);

    await p.send([{ type: 'showTab', tab: 'traces' }]);
    await p.send([{ type: 'traces/list', traces: [{ traceId: 't1', name: HOSTILE_NAME, startMs: T0, feature: HOSTILE_NAME, model: HOSTILE_NAME, status: 'error', latencyMs: 10 }] }]);
    await p.send([{ type: 'traces/detail', traceId: 't1', trace: {
      traceId: 't1', name: HOSTILE_NAME, startMs: T0, endMs: T0 + 10,
      spans: [{ traceId: 't1', spanId: 's1', name: HOSTILE_NAME, startMs: T0, endMs: T0 + 10, status: 'error', statusMessage: payloads, attributes: { 'switchyard.model': HOSTILE_NAME, 'switchyard.attempts': 1, 'switchyard.attempt': 1, 'switchyard.fallback_reason': payloads, 'switchyard.prompt': payloads, 'switchyard.response': payloads, [HOSTILE_NAME]: payloads, 'switchyard.tool_calls': payloads }, events: [{ name: HOSTILE_NAME, timeMs: T0, attributes: { path: HOSTILE_NAME, score: 1, source: payloads } }] },
        { traceId: 't1', spanId: 's2', parentSpanId: 's1', name: HOSTILE_NAME, startMs: T0, endMs: T0 + 5, status: 'ok', attributes: { 'gen_ai.tool.name': HOSTILE_NAME, 'gen_ai.tool.call.arguments': payloads, 'gen_ai.tool.call.result': payloads }, events: [] }] } }]);
    await p.page.locator('.wf-attrs summary').first().click();
    await p.send([{ type: 'showTab', tab: 'usage' }]);
    const totals = { key: HOSTILE_NAME, calls: 1, costUsd: 0.01, unknownCostCalls: 0, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheSavingsUsd: 0 };
    await p.send([{ type: 'usage/data', usage: { rangeDays: 7, generatedAtMs: T0, totals, days: ['2026-11-24'], dailyByModel: [{ model: HOSTILE_NAME, costUsd: [0.01], tokens: [2] }], byFeature: [totals], byProvider: [totals], byModel: [totals], budget: { onExceed: HOSTILE_NAME, lines: [{ period: 'day', limitUsd: 1, spentUsd: 0.5, state: 'ok' }] }, acceptRate: [{ model: HOSTILE_NAME, shown: 2, accepted: 1, rate: 0.5 }] } }]);
    assert.deepEqual(await rawHiddenCharacters(p), []);
    assert.deepEqual(await problems(p, { htmlInAnswers: true }), []);
    await p.page.close();
  });

  it('Escape in the rename field cancels without an error, Enter renames', async () => {
    const p = await openPanel(browser());
    await p.send([init(conversation('c-rn', [user('u1', 'q')], 'Old title'))]);
    // Rename lives in the conversation's "…" menu (the header fits the narrow side bar).
    await p.page.locator('#panel-chat select.more').selectOption('rename');
    const field = p.page.locator('input.rename');
    await field.fill('Discarded title');
    await field.press('Escape');
    await p.page.waitForTimeout(50);
    assert.equal(await field.count(), 0, 'the field is gone');
    assert.deepEqual(p.errors, []);
    assert.equal((await p.posted()).filter((m) => m.type === 'chat/rename').length, 0, 'Escape does not rename');
    await p.page.locator('#panel-chat select.more').selectOption('rename');
    await field.fill('New title');
    await field.press('Enter');
    await p.page.waitForTimeout(50);
    assert.deepEqual((await p.posted()).filter((m) => m.type === 'chat/rename'), [{ type: 'chat/rename', conversationId: 'c-rn', title: 'New title' }]);
    assert.deepEqual(p.errors, []);
    await p.page.close();
  });
});
