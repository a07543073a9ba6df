/**
 * Markdown → sanitized DOM. marked parses, DOMPurify removes scripts, event handlers, styles,
 * forms, frames and images (the CSP blocks remote content anyway), highlight.js colours code.
 * Links never navigate the webview: the host opens them after validating the scheme.
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
import { h } from './dom';

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

const purifyConfig: Config & { RETURN_DOM_FRAGMENT: true } = {
  FORBID_TAGS: ['style', 'script', 'iframe', 'frame', 'object', 'embed', 'form', 'input', 'button', 'textarea', 'select', 'img', 'video', 'audio', 'source', 'link', 'meta', 'base', 'svg', 'math'],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'target'],
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

export interface CodeActions {
  copy(code: string): void;
  insert(code: string): void;
  apply(code: string, language: string | undefined): void;
  openLink(href: string): void;
}

/** The sanitized fragment of a markdown text (no toolbars, no highlighting). */
export function sanitizeMarkdown(md: string): DocumentFragment {
  const html = marked.parse(md) as string;
  return DOMPurify.sanitize(html, purifyConfig);
}

/** Renders markdown into `target`, replacing its content. */
export function renderMarkdown(md: string, target: HTMLElement, actions: CodeActions): void {
  const frag = sanitizeMarkdown(md);
  for (const a of Array.from(frag.querySelectorAll('a'))) {
    const href = a.getAttribute('href') ?? '';
    a.setAttribute('title', href);
    a.addEventListener('click', (e) => {
      e.preventDefault();
      if (href) actions.openLink(href);
    });
  }
  for (const code of Array.from(frag.querySelectorAll('pre > code'))) {
    const pre = code.parentElement as HTMLPreElement;
    const raw = code.textContent ?? '';
    const langClass = Array.from(code.classList).find((cl) => cl.startsWith('language-'));
    const lang = langClass?.slice('language-'.length);
    const known = lang && hljs.getLanguage(lang) ? lang : undefined;
    const result = known ? hljs.highlight(raw, { language: known, ignoreIllegals: true }) : hljs.highlightAuto(raw.slice(0, 20_000), Object.keys(languages));
    // hljs escapes the code; its output holds only <span class="hljs-…"> elements.
    code.innerHTML = result.value;
    code.classList.add('hljs');
    const bar = h(
      'div',
      { class: 'code-toolbar' },
      h('span', { class: 'code-lang', text: lang ?? result.language ?? '' }),
      toolbarButton('Copy', 'Copy to clipboard', () => actions.copy(raw)),
      toolbarButton('Insert', 'Insert at cursor', () => actions.insert(raw)),
      toolbarButton('Apply', 'Show a diff against the selection or file, apply on accept', () => actions.apply(raw, lang)),
    );
    const wrap = h('div', { class: 'code-block' }, bar);
    pre.replaceWith(wrap);
    wrap.append(pre);
  }
  target.replaceChildren(frag);
}

function toolbarButton(label: string, title: string, fn: () => void): HTMLButtonElement {
  const b = h('button', { class: 'code-action', text: label, title, attrs: { type: 'button', 'data-action': label.toLowerCase() } });
  b.addEventListener('click', (e) => {
    e.preventDefault();
    fn();
  });
  return b;
}
