/** What the completion engine needs to know about a language: comments, block style, file names. */

export interface LanguageInfo {
  id: string;
  /** Line comment token, e.g. "//" or "#". */
  lineComment: string;
  /** Block comment delimiters, when the language has them. */
  blockComment?: [string, string];
  /** 'braces': blocks are delimited by {}; 'indent': blocks are delimited by indentation (Python). */
  blocks: 'braces' | 'indent';
  /** Keywords that start a new top-level item; a multiline completion stops before repeating one at the block's indent. */
  topLevelKeywords: string[];
  /** Markup and text formats, where a sentence is content rather than a model's chatter. */
  prose?: boolean;
}

const C_STYLE: Omit<LanguageInfo, 'id' | 'topLevelKeywords'> = { lineComment: '//', blockComment: ['/*', '*/'], blocks: 'braces' };

const LANGUAGES: Record<string, LanguageInfo> = {
  typescript: { id: 'typescript', ...C_STYLE, topLevelKeywords: ['function', 'class', 'interface', 'type', 'export', 'import', 'const', 'enum'] },
  typescriptreact: { id: 'typescriptreact', ...C_STYLE, topLevelKeywords: ['function', 'class', 'interface', 'type', 'export', 'import', 'const'] },
  javascript: { id: 'javascript', ...C_STYLE, topLevelKeywords: ['function', 'class', 'export', 'import', 'const'] },
  javascriptreact: { id: 'javascriptreact', ...C_STYLE, topLevelKeywords: ['function', 'class', 'export', 'import', 'const'] },
  go: { id: 'go', ...C_STYLE, topLevelKeywords: ['func', 'type', 'var', 'const', 'import', 'package'] },
  rust: { id: 'rust', ...C_STYLE, topLevelKeywords: ['fn', 'pub', 'impl', 'struct', 'enum', 'trait', 'mod', 'use'] },
  java: { id: 'java', ...C_STYLE, topLevelKeywords: ['public', 'private', 'protected', 'class', 'interface'] },
  c: { id: 'c', ...C_STYLE, topLevelKeywords: ['#include', '#define', 'static', 'struct'] },
  cpp: { id: 'cpp', ...C_STYLE, topLevelKeywords: ['#include', '#define', 'class', 'namespace', 'template', 'struct'] },
  csharp: { id: 'csharp', ...C_STYLE, topLevelKeywords: ['public', 'private', 'class', 'namespace', 'using'] },
  python: { id: 'python', lineComment: '#', blocks: 'indent', topLevelKeywords: ['def', 'class', 'async', 'import', 'from', '@'] },
  ruby: { id: 'ruby', lineComment: '#', blocks: 'indent', topLevelKeywords: ['def', 'class', 'module', 'require'] },
  shellscript: { id: 'shellscript', lineComment: '#', blocks: 'braces', topLevelKeywords: ['function'] },
  yaml: { id: 'yaml', lineComment: '#', blocks: 'indent', topLevelKeywords: [] },
  kotlin: { id: 'kotlin', ...C_STYLE, topLevelKeywords: ['fun', 'class', 'object', 'interface', 'import', 'package', 'val'] },
  swift: { id: 'swift', ...C_STYLE, topLevelKeywords: ['func', 'class', 'struct', 'enum', 'protocol', 'import', 'extension'] },
  scala: { id: 'scala', ...C_STYLE, topLevelKeywords: ['def', 'class', 'object', 'trait', 'import', 'package'] },
  dart: { id: 'dart', ...C_STYLE, topLevelKeywords: ['class', 'import', 'void'] },
  php: { id: 'php', ...C_STYLE, topLevelKeywords: ['function', 'class', 'namespace', 'use'] },
  // Blocks end with `end`: indentation, not braces, tells where they stop.
  julia: { id: 'julia', lineComment: '#', blockComment: ['#=', '=#'], blocks: 'indent', topLevelKeywords: ['function', 'module', 'struct', 'using', 'import'] },
  lua: { id: 'lua', lineComment: '--', blockComment: ['--[[', ']]'], blocks: 'indent', topLevelKeywords: ['function', 'local'] },
  elixir: { id: 'elixir', lineComment: '#', blocks: 'indent', topLevelKeywords: ['defmodule', 'def', 'defp'] },
  r: { id: 'r', lineComment: '#', blocks: 'braces', topLevelKeywords: [] },
  // Markup: no line comment; text between tags is prose, never dropped as chatter.
  html: { id: 'html', lineComment: '', blockComment: ['<!--', '-->'], blocks: 'braces', topLevelKeywords: [], prose: true },
  xml: { id: 'xml', lineComment: '', blockComment: ['<!--', '-->'], blocks: 'braces', topLevelKeywords: [], prose: true },
  vue: { id: 'vue', lineComment: '//', blockComment: ['<!--', '-->'], blocks: 'braces', topLevelKeywords: [], prose: true },
  svelte: { id: 'svelte', lineComment: '//', blockComment: ['<!--', '-->'], blocks: 'braces', topLevelKeywords: [], prose: true },
  markdown: { id: 'markdown', lineComment: '', blockComment: ['<!--', '-->'], blocks: 'indent', topLevelKeywords: [], prose: true },
  plaintext: { id: 'plaintext', lineComment: '', blocks: 'indent', topLevelKeywords: [], prose: true },
  latex: { id: 'latex', lineComment: '%', blocks: 'braces', topLevelKeywords: [], prose: true },
};

const EXTENSIONS: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'typescriptreact',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascriptreact',
  py: 'python', pyi: 'python', go: 'go', rs: 'rust', java: 'java',
  c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', cs: 'csharp',
  rb: 'ruby', sh: 'shellscript', bash: 'shellscript', yml: 'yaml', yaml: 'yaml',
  kt: 'kotlin', kts: 'kotlin', swift: 'swift', scala: 'scala', dart: 'dart', php: 'php', jl: 'julia', lua: 'lua',
  ex: 'elixir', exs: 'elixir', r: 'r', html: 'html', htm: 'html', xml: 'xml', vue: 'vue', svelte: 'svelte',
  md: 'markdown', markdown: 'markdown', txt: 'plaintext', tex: 'latex',
};

/** The language of a file path, by extension (VS Code passes its own languageId instead). */
export function languageIdForPath(filepath: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filepath)?.[1]?.toLowerCase() ?? '';
  return EXTENSIONS[ext] ?? 'plaintext';
}

/** Language facts for an id; unknown languages get C-style defaults. */
export function languageInfo(languageId: string): LanguageInfo {
  return LANGUAGES[languageId] ?? { id: languageId, ...C_STYLE, topLevelKeywords: [] };
}

/** A human name for prompts ("TypeScript", "Python"). */
export function languageName(languageId: string): string {
  const names: Record<string, string> = {
    typescript: 'TypeScript', typescriptreact: 'TypeScript (React)', javascript: 'JavaScript', javascriptreact: 'JavaScript (React)',
    python: 'Python', go: 'Go', rust: 'Rust', java: 'Java', c: 'C', cpp: 'C++', csharp: 'C#', ruby: 'Ruby', shellscript: 'Shell', yaml: 'YAML',
    kotlin: 'Kotlin', swift: 'Swift', scala: 'Scala', dart: 'Dart', php: 'PHP', julia: 'Julia', lua: 'Lua', elixir: 'Elixir', r: 'R',
    html: 'HTML', xml: 'XML', vue: 'Vue', svelte: 'Svelte', markdown: 'Markdown', plaintext: 'plain text', latex: 'LaTeX',
  };
  return names[languageId] ?? languageId;
}
