/** The index summary's skipped-file counts in words, for the CLI's stderr and the extension's log. */
import type { IndexSummary } from './types';

const SKIP_WORDS: Record<keyof IndexSummary['skipped'], [string, string]> = {
  symlinks: ['symbolic link (not followed)', 'symbolic links (not followed)'],
  unreadableDirs: ['unreadable directory', 'unreadable directories'],
  nonUtf8Names: ['file whose name is not UTF-8', 'files whose names are not UTF-8'],
  tooLarge: ['file over rag.maxFileBytes', 'files over rag.maxFileBytes'],
  binary: ['binary file', 'binary files'],
  generated: ['generated file (linguist-generated, or very long lines)', 'generated files (linguist-generated, or very long lines)'],
  vanished: ['file deleted during the run', 'files deleted during the run'],
};

/** "2 symbolic links (not followed), 1 unreadable directory", or '' when nothing was skipped. */
export function describeSkipped(skipped: IndexSummary['skipped']): string {
  return (Object.keys(SKIP_WORDS) as (keyof IndexSummary['skipped'])[])
    .filter((k) => skipped[k] > 0)
    .map((k) => `${skipped[k]} ${SKIP_WORDS[k][skipped[k] === 1 ? 0 : 1]}`)
    .join(', ');
}
