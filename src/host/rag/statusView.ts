/** What the index's status bar item shows for an index state (pure: no vscode import, unit-tested). */
import type { IndexState } from '../../core/rag/types';

export interface RagStatusView {
  text: string;
  tooltip: string;
  error: boolean;
}

export function ragStatusView(state: IndexState, chroma?: string): RagStatusView {
  switch (state.kind) {
    case 'idle':
      return { text: '$(database) Index workspace', tooltip: 'Switchyard: the workspace is not indexed yet, so @workspace questions in chat find nothing. Click to index it (Switchyard: Index Workspace).', error: false };
    case 'indexing':
      return { text: `$(sync~spin) Indexing workspace ${state.done}/${state.total}`, tooltip: `Switchyard is indexing the workspace: ${state.done} of ${state.total} files.`, error: false };
    case 'ready': {
      const lexical = state.mode === 'lexical-only';
      const lines = [`Switchyard's workspace index (used by @workspace in chat): ${state.files} files, ${state.chunks} chunks, ${lexical ? 'keyword search only (BM25)' : 'keywords + meaning (BM25 + vectors)'}.`];
      if (lexical && state.reason) lines.push(`Lexical-only because ${state.reason}.`);
      if (chroma) lines.push(`Chroma: ${chroma}`);
      lines.push('Click to refresh the index.');
      return { text: lexical ? '$(database) Workspace indexed (keywords only)' : '$(database) Workspace indexed', tooltip: lines.join('\n'), error: false };
    }
    case 'error':
      return { text: '$(error) Workspace index failed', tooltip: `Switchyard could not index the workspace: ${state.message}\nClick to retry.`, error: true };
  }
}

/** Workspace-relative POSIX path of a file inside `root`, or undefined when it is outside. */
export function relativeInside(root: string, file: string): string | undefined {
  const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
  const f = file.replace(/\\/g, '/');
  if (!f.startsWith(r + '/')) return undefined;
  return f.slice(r.length + 1);
}
