/** The completion engine's vocabulary: what a front door asks for and what it gets back. */

/** The document being edited, as plain text with a cursor offset (UTF-16 code units, like VS Code). */
export interface CompletionDocument {
  filepath: string;
  languageId: string;
  text: string;
  offset: number;
}

/** Another file the user has open or edited recently, offered as prompt context. */
export interface ContextFile {
  filepath: string;
  text: string;
}

/** A range of text the user edited recently (most recent first), with a few lines around it. */
export interface RecentEdit {
  filepath: string;
  text: string;
}

export interface CompletionRequest {
  document: CompletionDocument;
  /** 'manual' (the user invoked it) skips the debounce. */
  trigger: 'automatic' | 'manual';
  /** Other open files, most recently used first. */
  openFiles?: ContextFile[];
  recentEdits?: RecentEdit[];
  /** Cancels the request: VS Code's CancellationToken, bridged. */
  signal?: AbortSignal;
}

/** How a completion was obtained. */
export type CompletionSource = 'model' | 'cache' | 'inflight';

export type CompletionStatus =
  /** A completion to show. */
  | 'ok'
  /** The model answered but nothing useful was left after postprocessing. */
  | 'empty'
  /** The caller cancelled (typed on, moved the cursor) before a completion was ready. */
  | 'cancelled'
  /** Completions are off (globally, for the language, or snoozed). */
  | 'disabled'
  /** Every candidate failed; `error` says why. */
  | 'error';

export interface CompletionResult {
  status: CompletionStatus;
  /** Unique per shown suggestion; pass it to `accepted()` / `rejected()`. */
  id: string;
  /** The text to put at the cursor, replacing the next `replaceLength` characters of its line. */
  text: string;
  /**
   * Characters after the cursor, on its line, that `text` replaces: closers the completion
   * rewrites (`foo(│)` + `bar);` replaces the `)`). 0 for a pure insertion.
   */
  replaceLength: number;
  multiline: boolean;
  source: CompletionSource;
  /** True when no model call was made for this request (cache or in-flight reuse). */
  cacheHit: boolean;
  /** Config name of the model that wrote it. */
  model?: string;
  modelId?: string;
  traceId?: string;
  /** Wall time of `complete()`, debounce included. */
  latencyMs: number;
  /** Time the engine itself spent (context, prompt, postprocess, cache): latencyMs minus modelMs. */
  engineMs: number;
  /** Time spent waiting: debounce, index lookup and the model call (zero for cache hits). */
  modelMs: number;
  error?: { kind: string; message: string; fix?: string };
}

/** What happened to a completion, as counted per model and written to the ledger. */
export type CompletionOutcome = 'shown' | 'accepted' | 'rejected' | 'cancelled' | 'cache_hit';
