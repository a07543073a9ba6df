/** Builds the completion context for one request: windows, snippets, multiline decision. */
import type { CompletionRequest } from '../types';
import { languageInfo, type LanguageInfo } from './languages';
import { decideMultiline } from './multiline';
import { gatherSnippets, type Snippet, type WindowIndex } from './snippets';
import { windowAround } from './window';

export interface CompletionContext {
  filepath: string;
  languageId: string;
  lang: LanguageInfo;
  /** The prefix window (text before the cursor, possibly cut at a line boundary). */
  prefix: string;
  /** The suffix window (text after the cursor). */
  suffix: string;
  multiline: boolean;
  /** Most lines a completion may have. */
  maxLines: number;
  snippets: Snippet[];
  /** Workspace-relative-looking name for prompts. */
  displayPath: string;
}

export interface AssembleOptions {
  contextTokens: number;
  maxLines: number;
  /** Share of the budget snippets may take, 0..1. */
  snippetShare?: number;
  workspaceRoot?: string;
  indexSnippets?: Snippet[];
  windowIndex?: WindowIndex;
}

function displayPath(filepath: string, workspaceRoot?: string): string {
  const normalized = filepath.replace(/\\/g, '/');
  if (workspaceRoot) {
    const root = workspaceRoot.replace(/\\/g, '/').replace(/\/$/, '') + '/';
    if (normalized.startsWith(root)) return normalized.slice(root.length);
  }
  return normalized;
}

export function assembleContext(request: CompletionRequest, options: AssembleOptions): CompletionContext {
  const { document } = request;
  const lang = languageInfo(document.languageId);
  const hasOthers = (request.openFiles?.length ?? 0) > 0 || (request.recentEdits?.length ?? 0) > 0 || (options.indexSnippets?.length ?? 0) > 0;
  const snippetBudget = hasOthers ? Math.floor(options.contextTokens * (options.snippetShare ?? 0.25)) : 0;
  const windows = windowAround(document.text, document.offset, options.contextTokens - snippetBudget);
  const snippets = snippetBudget > 0
    ? gatherSnippets({
        document,
        prefix: windows.prefix,
        openFiles: request.openFiles ?? [],
        recentEdits: request.recentEdits ?? [],
        indexSnippets: options.indexSnippets,
        windowIndex: options.windowIndex,
        budgetTokens: snippetBudget,
      })
    : [];
  return {
    filepath: document.filepath,
    languageId: document.languageId,
    lang,
    prefix: windows.prefix,
    suffix: windows.suffix,
    multiline: decideMultiline(windows.prefix, windows.suffix, lang),
    maxLines: options.maxLines,
    snippets,
    displayPath: displayPath(document.filepath, options.workspaceRoot),
  };
}

/** A context from bare prefix and suffix (golden cases, the CLI, tests). */
export function contextFromParts(parts: { prefix: string; suffix: string; languageId: string; filepath?: string; maxLines?: number; multiline?: boolean }): CompletionContext {
  const lang = languageInfo(parts.languageId);
  const filepath = parts.filepath ?? `file.${parts.languageId}`;
  return {
    filepath,
    languageId: parts.languageId,
    lang,
    prefix: parts.prefix,
    suffix: parts.suffix,
    multiline: parts.multiline ?? decideMultiline(parts.prefix, parts.suffix, lang),
    maxLines: parts.maxLines ?? 16,
    snippets: [],
    displayPath: filepath,
  };
}
