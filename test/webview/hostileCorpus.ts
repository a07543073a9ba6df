/**
 * Hostile text for the panel: what a model, a tool, an MCP server or a poisoned file name can put
 * in front of the user. Each payload that could run script sets `window.__pwned`; each that could
 * make a request points at evil.example. Grouped by the kind of attack: markup, links, lookalikes
 * of the panel's own controls, hidden characters, and nesting / size that hang a parser.
 */

export const PWN = (tag: string) => `window.__pwned='${tag}'`;

/** Markup that must neither run, nor request, nor escape its box. */
export const MARKUP: Record<string, string> = {
  scriptTag: `<script>${PWN('script')}</script>`,
  imgOnerror: `<img src=x onerror="${PWN('img')}">`,
  svgOnload: `<svg onload="${PWN('svg')}"><circle r="5"/></svg>`,
  iframeSrcdoc: `<iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>`,
  objectData: '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/e">',
  styleImport: '<style>@import url(https://evil.example/x.css); body { background: url(https://evil.example/bg.png) }</style>',
  inlineStyleOverlay: '<p style="position:fixed;inset:0;background:url(https://evil.example/p.png)">overlay</p>',
  metaRefresh: '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  baseHref: '<base href="https://evil.example/">',
  linkPrefetch: '<link rel="prefetch" href="https://evil.example/prefetch"><link rel="stylesheet" href="https://evil.example/s.css">',
  formAction: '<form action="https://evil.example/"><input name="q" value="x"><button>Submit</button></form>',
  mathMxss: `<math><mtext><table><mglyph><style><img src=x onerror="${PWN('mxss')}"></style></mglyph></table></mtext></math>`,
  noscriptMxss: `<noscript><p title="</noscript><img src=x onerror=${PWN('noscript')}>">`,
  templateScript: `<template><script>${PWN('template')}</script></template>`,
  detailsToggle: `<details open ontoggle="${PWN('details')}"><summary>toggle</summary>text</details>`,
  mediaPoster: '<video poster="https://evil.example/poster.png"></video><audio src="https://evil.example/a.mp3"></audio>',
  dialogOverlay: '<dialog open>Switchyard asks before running a tool</dialog>',
  meterLookalike: '<meter value="0.9">90%</meter><progress value="50" max="100"></progress>',
};

/** Links: none may navigate the webview or reach the host as a dangerous scheme. */
export const LINKS: Record<string, string> = {
  javascript: `[click me](javascript:${PWN('link')})`,
  javascriptEntity: `<a href="jav&#x09;ascript:${PWN('entity')}">entity link</a>`,
  javascriptAutolink: `<javascript:${PWN('autolink')}>`,
  command: '[a command link](command:workbench.action.terminal.new)',
  commandHtml: '<a href="command:switchyard.setApiKey">set key</a>',
  vscode: '[clone](vscode://vscode.git/clone?url=https://evil.example/repo)',
  file: '[passwd](file:///etc/passwd)',
  data: '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  vbscript: '[vb](vbscript:msgbox(1))',
  reference: `[ref link][evil]\n\n[evil]: javascript:${PWN('reflink')}`,
  credentials: '[creds](https://user:pass@evil.example/)',
  protocolRelative: '[proto](//evil.example/x)',
  tel: '[call](tel:+15550100)',
  image: '![tracking pixel](https://evil.example/pixel.png)',
  imageData: '![inline](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+)',
  fine: '[MDN](https://developer.mozilla.org/)',
};

/** Raw HTML dressed as the panel's own trusted controls (classes, ids, roles copied from the panel). */
export const LOOKALIKES: Record<string, string> = {
  approvalCard:
    '<details class="tool-call requested" open><summary><span class="tool-name">Tool: filesystem › write_file</span><span class="badge requested">requested</span></summary>' +
    '<div class="tool-label">Arguments</div><pre class="tool-args">{"path": "~/.ssh/authorized_keys"}</pre>' +
    '<div class="tool-approval"><a class="btn" href="https://evil.example/allow">Allow once</a> <a class="btn secondary" href="https://evil.example/always">Always allow</a></div></details>',
  approvalDock:
    '<div class="approval-dock"><div class="approval-card" data-call-id="c1"><div class="approval-head"><span class="approval-mark">⛨</span>Switchyard asks before running a tool</div>' +
    '<div class="tool-approval"><a class="btn" href="https://evil.example/allow">Allow for this session</a></div></div></div>',
  codeToolbar: '<div class="code-block"><div class="code-toolbar"><span class="code-lang">ts</span><a class="code-action" href="https://evil.example/apply">Apply</a></div></div>',
  panelIds: '<a id="tab-chat" name="panel-chat" role="button" tabindex="0" aria-label="Allow once" href="#">Allow once</a>',
  errorBox: '<div class="error-box" role="alert"><div class="error-title">The provider rejected the API key</div><a class="btn" href="https://evil.example/key">Set API key</a></div>',
};

export const RLO = '\u202E';
/** Names with hidden or direction-changing characters, and what the panel must show instead. */
export const HIDDEN: Array<{ raw: string; shown: RegExp }> = [
  { raw: `invoice${RLO}gnp.ts`, shown: /invoice⟨U\+202E⟩gnp\.ts/ },
  { raw: 'read\u200Bfile', shown: /read⟨U\+200B⟩file/ },
  { raw: 'model\u2066-x\u2069', shown: /model⟨U\+2066⟩-x⟨U\+2069⟩/ },
  { raw: `secret${String.fromCodePoint(0xe0041, 0xe0042)}`, shown: /secret⟨U\+E0041⟩⟨U\+E0042⟩/ },
];

/** Inputs that overflow marked's stack or take it seconds to parse, and a 2 MB answer. */
export const HEAVY: Record<string, () => string> = {
  deepQuote: () => `${'>'.repeat(10_000)} ten thousand quotes deep`,
  deepList: () => Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n'),
  emphasis: () => '*a _b '.repeat(60_000),
  emphasisQuadratic: () => '_*a'.repeat(20_000),
  nestedEmphasis: () => `${'*'.repeat(20_000)}a${'*'.repeat(20_000)}`,
  nestedBrackets: () => `${'['.repeat(50_000)}x${']('.repeat(50_000)}`,
  nestedDivs: () => `${'<div>'.repeat(20_000)}deep`,
  longTable: () => `| a | b |\n|---|---|\n${'| x | y |\n'.repeat(60_000)}`,
};

/** About 2 MB of ordinary markdown: headings, prose, lists, tables, code. */
export function twoMegabyteAnswer(): string {
  const block = (i: number) =>
    `## Part ${i}\n\nSome *text* with \`code\`, **bold** and a [link](https://example.com/${i}).\n\n- one\n- two\n  - nested\n\n` +
    `| a | b |\n|---|---|\n| ${i} | ${i * 2} |\n\n\`\`\`ts\nexport function f${i}(x: number): number {\n  return x * ${i};\n}\n\`\`\`\n\n`;
  let out = '';
  for (let i = 0; out.length < 2_000_000; i++) out += block(i);
  return out.slice(0, 1_999_000);
}

/** One answer with every markup, link and lookalike payload, one per paragraph. */
export function hostileAnswer(): string {
  const parts = [...Object.entries(MARKUP), ...Object.entries(LINKS), ...Object.entries(LOOKALIKES)].map(([name, payload]) => `**${name}**\n\n${payload}`);
  return ['Harmless text first.', ...parts, ...HIDDEN.map((x) => `Hidden: ${x.raw}`), '```\nconst hidden = "' + RLO + '";\n```'].join('\n\n');
}

/** Short hostile text for names and one-line fields (markup, a link, hidden characters). */
export const HOSTILE_NAME = `<img src=x onerror="${PWN('name')}"> [x](javascript:${PWN('namelink')}) invoice${RLO}gnp.ts`;
