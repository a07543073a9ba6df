/**
 * Makes invisible and direction-changing characters visible as ⟨U+202E⟩ escapes. Model answers,
 * tool output, file, tool, server and model names are attacker-controlled: a bidi override turns
 * `invoice‮gnp.ts` into what reads as "invoicest.png", zero-width and tag characters hide text.
 * Every text the panel shows goes through this one function (dom.ts `h`, the markdown renderer,
 * chart labels, toasts).
 */

/**
 * C0/C1 controls (not tab, newline, carriage return), soft hyphen, combining grapheme joiner,
 * Arabic letter mark, Hangul fillers, Khmer invisible vowels, Mongolian vowel separator,
 * zero-width space/joiners, LRM/RLM, line/paragraph separators, bidi embeddings/overrides/isolates,
 * word joiner and invisible operators, variation selectors, BOM, interlinear annotation, tag characters
 * and the variation-selector supplement.
 */
const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;
const HAS_INVISIBLE = new RegExp(INVISIBLE.source, 'u');
/** Neighbours between which a zero-width (non-)joiner is part of the writing: emoji sequences, non-Latin scripts. */
const JOINABLE = /^(?:[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]|(?![\p{Script=Latin}\p{ASCII}])[\p{L}\p{M}])$/u;
const VARIATION_SELECTOR = /^[\uFE00-\uFE0F]$/;
/** Longer runs are summarised, so a megabyte of tag characters does not become ten megabytes of escapes. */
const MAX_RUN = 8;

function codePointBefore(text: string, offset: number): string | undefined {
  if (offset <= 0) return undefined;
  const low = text.charCodeAt(offset - 1);
  if (low >= 0xdc00 && low <= 0xdfff && offset >= 2) {
    const high = text.charCodeAt(offset - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(offset - 2, offset);
  }
  return text[offset - 1];
}

function codePointAt(text: string, offset: number): string | undefined {
  const cp = text.codePointAt(offset);
  return cp === undefined ? undefined : String.fromCodePoint(cp);
}

/** Joiners inside emoji or non-Latin words and a single variation selector after a visible character are writing, not hiding. */
function isPartOfWriting(ch: string, text: string, offset: number): boolean {
  const prev = codePointBefore(text, offset);
  if (ch === '\u200C' || ch === '\u200D') {
    const next = codePointAt(text, offset + ch.length);
    return prev !== undefined && next !== undefined && JOINABLE.test(prev) && JOINABLE.test(next);
  }
  if (VARIATION_SELECTOR.test(ch)) return prev !== undefined && !HAS_INVISIBLE.test(prev) && !/\s/.test(prev);
  return false;
}

export function escapeCodePoint(ch: string): string {
  return `⟨U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** `text` with every hidden or direction-changing character shown as an escape. */
export function revealInvisibles(text: string): string {
  if (!HAS_INVISIBLE.test(text)) return text;
  let out = '';
  let last = 0;
  let runEnd = -1;
  let run = 0;
  let hidden = 0;
  const flush = () => {
    if (hidden) out += `⟨${hidden} more invisible⟩`;
    hidden = 0;
  };
  for (const m of text.matchAll(INVISIBLE)) {
    const ch = m[0];
    const at = m.index;
    if (isPartOfWriting(ch, text, at)) continue;
    if (at !== runEnd) {
      flush();
      run = 0;
    }
    out += text.slice(last, at);
    run++;
    if (run <= MAX_RUN) out += escapeCodePoint(ch);
    else hidden++;
    last = runEnd = at + ch.length;
  }
  flush();
  return out + text.slice(last);
}
