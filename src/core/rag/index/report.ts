/** What a run reports: its summary (counts by outcome and skip reason) and its progress. */
import { emptyWalkReport } from '../walk/walker';
import type { IndexProgress, IndexState, IndexSummary } from '../types';

/** A summary with nothing counted yet. */
export function emptySummary(mode: IndexSummary['mode'], reason: string | undefined, filesSeen = 0): IndexSummary {
  return {
    mode, reason, filesSeen, filesIndexed: 0, filesUnchanged: 0, filesDeleted: 0,
    chunksIndexed: 0, chunksEmbedded: 0, totalChunks: 0, cancelled: false, durationMs: 0,
    skipped: { ...emptyWalkReport(), vanished: 0 },
  };
}

/** Counts a file left out for `reason` (reasons the summary does not list are not counted). */
export function countSkip(summary: IndexSummary, reason: string): void {
  const key = reason as keyof IndexSummary['skipped'];
  if (key in summary.skipped) summary.skipped[key]++;
}

/** Reports the files of a run as they are done: every file to `onProgress`, every 25th to the index state. */
export class RunProgress {
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly setState: (s: IndexState) => void,
    private readonly onProgress?: (p: IndexProgress) => void,
  ) {
    setState({ kind: 'indexing', done: 0, total });
  }

  /** A file that was looked at but not indexed (left out, gone): counted, not reported. */
  passed(): void {
    this.done++;
  }

  /** A file examined (indexed or found unchanged). */
  finished(path: string): void {
    this.done++;
    this.onProgress?.({ phase: 'index', done: this.done, total: this.total, path });
    if (this.done % 25 === 0 || this.done === this.total) this.setState({ kind: 'indexing', done: this.done, total: this.total });
  }
}
