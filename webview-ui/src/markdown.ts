/**
 * One markdown block → sanitized DOM. marked parses, DOMPurify removes scripts, event handlers,
 * styles, forms, frames, images and every class or id the renderer does not set itself (so an
 * answer cannot dress up as the panel's own controls), highlight.js colours code. Links never
 * navigate the webview: the host opens them after validating the scheme. Bounds on what reaches
 * the parser live in markdownBlocks.ts; caching and time-slicing in answerRenderer.ts.
 */
import DOMPurify, { type Config } from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { Marked } from 'marked';
import { isSafeExternalLink } from '../../src/protocol/messages';
import { h, textChunks } from './dom';
import { revealInvisibles } from './visible';

const languages = { bash, c, cpp, csharp, css, diff, go, java, javascript, json, kotlin, markdown, php, plaintext, python, ruby, rust, shell, sql, swift, typescript, xml, yaml };
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang);
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['js', 'jsx', 'mjs', 'cjs'], { languageName: 'javascript' });
hljs.registerAliases(['py'], { languageName: 'python' });
hljs.registerAliases(['sh', 'zsh', 'console'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg', 'vue'], { languageName: 'xml' });
hljs.registerAliases(['yml'], { languageName: 'yaml' });
hljs.registerAliases(['rs'], { languageName: 'rust' });
hljs.registerAliases(['cs'], { languageName: 'csharp' });
hljs.registerAliases(['text', 'txt'], { languageName: 'plaintext' });

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** Highlighting above these sizes costs seconds; the code is then shown in full, uncoloured. */
export const HIGHLIGHT_MAX_CHARS = 100_000;
export const AUTODETECT_MAX_CHARS = 20_000;

const purify = DOMPurify(window);
const purifyConfig: Config & { RETURN_DOM_FRAGMENT: true } = {
  FORBID_TAGS: [
    'style', 'script', 'iframe', 'frame', 'object', 'embed', 'form', 'input', 'button', 'textarea', 'select', 'option', 'optgroup', 'datalist', 'label',
    'fieldset', 'legend', 'output', 'progress', 'meter', 'dialog', 'template', 'slot', 'marquee', 'img', 'picture', 'video', 'audio', 'source', 'track',
    'link', 'meta', 'base', 'svg', 'math',
  ],
  // id/name could collide with the panel's own ids; role/tabindex/accesskey make text act as a control.
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'target', 'id', 'name', 'role', 'tabindex', 'accesskey', 'contenteditable', 'autofocus', 'popover', 'draggable'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};
/** The only class marked sets: a fenced block's language on its <code>. */
const LANGUAGE_CLASS = /^language-[\w+#.-]{1,40}$/;
purify.addHook('uponSanitizeAttribute', (node, data) => {
  if (data.attrName !== 'class') return;
  const kept = node.nodeName === 'CODE' ? data.attrValue.split(/\s+/).filter((c) => LANGUAGE_CLASS.test(c)) : [];
  if (kept.length) data.attrValue = kept.join(' ');
  else data.keepAttr = false;
});

export interface CodeActions {
  copy(code: string): void;
  insert(code: string): void;
  apply(code: string, language: string | undefined): void;
  openLink(href: string): void;
}

/** The sanitized fragment of a markdown text (no toolbars, no highlighting). */
export function sanitizeMarkdown(md: string): DocumentFragment {
  const html = marked.parse(md) as string;
  return purify.sanitize(html, purifyConfig);
}

/** A link the panel may offer: http(s)/mailto (the host checks again) or a workspace-relative path. */
function isOpenable(href: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('//')) return href.length > 0;
  return isSafeExternalLink(href);
}

/** Renders one markdown block: sanitized, links routed to the host, code with its toolbar. */
export function renderMarkdownBlock(md: string, actions: CodeActions): DocumentFragment {
  const frag = sanitizeMarkdown(md);
  for (const a of Array.from(frag.querySelectorAll('a'))) {
    const href = a.getAttribute('href') ?? '';
    if (!isOpenable(href)) {
      // Not clickable: the text stays, the target is shown as a tooltip.
      const span = h('span', { class: 'link-blocked', title: `Not a link the panel opens: ${href.slice(0, 200)}` });
      span.append(...Array.from(a.childNodes));
      a.replaceWith(span);
      continue;
    }
    a.setAttribute('title', revealInvisibles(href));
    a.addEventListener('click', (e) => {
      e.preventDefault();
      actions.openLink(href);
    });
  }
  for (const code of Array.from(frag.querySelectorAll('pre > code'))) decorateCode(code as HTMLElement, actions);
  revealTextNodes(frag);
  return frag;
}

/**
 * Highlights a code block within the size bounds and adds Copy / Insert / Apply. The block always
 * shows all of the code those actions write (hidden characters as visible escapes).
 */
function decorateCode(code: HTMLElement, actions: CodeActions): void {
  const pre = code.parentElement as HTMLPreElement;
  const raw = code.textContent ?? '';
  const langClass = Array.from(code.classList).find((cl) => cl.startsWith('language-'));
  const lang = langClass?.slice('language-'.length);
  const known = lang && hljs.getLanguage(lang) ? lang : undefined;
  let shownLanguage = lang ?? '';
  if (known && raw.length <= HIGHLIGHT_MAX_CHARS) {
    // hljs escapes the code; its output holds only <span class="hljs-…"> elements.
    code.innerHTML = hljs.highlight(raw, { language: known, ignoreIllegals: true }).value;
  } else if (!known && raw.length <= AUTODETECT_MAX_CHARS) {
    const result = hljs.highlightAuto(raw, Object.keys(languages));
    code.innerHTML = result.value;
    shownLanguage = lang ?? result.language ?? '';
  } else {
    shownLanguage = `${lang ?? 'text'} · ${raw.length.toLocaleString('en-US')} characters, not highlighted`;
    code.replaceChildren(...textChunks(raw));
  }
  code.classList.add('hljs');
  const bar = h(
    'div',
    { class: 'code-toolbar' },
    h('span', { class: 'code-lang', text: shownLanguage }),
    toolbarButton('Copy', 'Copy to clipboard', () => actions.copy(raw)),
    toolbarButton('Insert', 'Insert at cursor', () => actions.insert(raw)),
    toolbarButton('Apply', 'Show a diff against the selection or file, apply on accept', () => actions.apply(raw, lang)),
  );
  const wrap = h('div', { class: 'code-block' }, bar);
  pre.replaceWith(wrap);
  wrap.append(pre);
}

function revealTextNodes(root: Node): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
    const shown = revealInvisibles(n.data);
    if (shown !== n.data) n.data = shown;
  }
}

function toolbarButton(label: string, title: string, fn: () => void): HTMLButtonElement {
  const b = h('button', { class: 'code-action', text: label, title, attrs: { type: 'button', 'data-action': label.toLowerCase() } });
  b.addEventListener('click', (e) => {
    e.preventDefault();
    fn();
  });
  return b;
}
