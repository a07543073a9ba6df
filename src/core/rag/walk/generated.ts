/**
 * Recognises generated files by their shape (minified bundles, data or WASM in a string, lock-like
 * dumps): very long lines, or a file that is mostly one line. They rank high on rare words and
 * are never what a question about the code means. `linguist-generated` is handled by the walker.
 */

/** A line this long is not written by hand. */
const GENERATED_MAX_LINE = 4000;
/** Average characters per line above which a file is "mostly one line" (from 4 KB up). */
const GENERATED_AVG_LINE = 300;

/** 'generated' when the bytes look generated, else undefined. One pass, no copies. */
export function generatedReason(buf: Uint8Array): 'generated' | undefined {
  let longest = 0;
  let lines = 1;
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 10) continue;
    if (i - start > longest) longest = i - start;
    start = i + 1;
    lines++;
  }
  if (buf.length - start > longest) longest = buf.length - start;
  if (longest > GENERATED_MAX_LINE) return 'generated';
  if (buf.length >= 4096 && buf.length / lines > GENERATED_AVG_LINE) return 'generated';
  return undefined;
}
