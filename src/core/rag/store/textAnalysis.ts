/**
 * How text becomes index terms, identically for chunks and queries: identifiers split the way
 * people search for them, English stop words dropped, and a real stemmer (Porter2 / Snowball
 * English) so parse/parsed/parses/parsing and cookie/cookies meet on one term.
 */
import stem from 'wink-porter2-stemmer';

const SIMPLE = /^[a-z0-9]+$/;

/** Splits identifiers the way people search for them: `buildURL` → build, url, buildurl; `max_redirects` → max, redirects, max_redirects. */
export function tokenizeCode(text: string): string[] {
  const out: string[] = [];
  for (const word of text.match(/[A-Za-z0-9_$]+/g) ?? []) {
    if (word.length > 64) continue;
    if (SIMPLE.test(word)) {
      out.push(word);
      continue;
    }
    const lower = word.toLowerCase();
    const parts = word
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(/[\s_$]+/)
      .filter(Boolean)
      .map((p) => p.toLowerCase());
    if (parts.length !== 1 || parts[0] !== lower) out.push(lower);
    out.push(...parts);
  }
  return out;
}

/**
 * English function words and question wording ("how do I", "where is", "can you") that carry no
 * meaning for code search. Programming keywords that are also English (if, for, new, return, this)
 * are left to BM25's idf: they are common in code, so they weigh little anyway.
 */
const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few from further had has have having he her here hers herself him himself his ' +
    'how i into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over ' +
    'own same she should so some such than that the their theirs them themselves then there these they those through too under until ' +
    'up very was we were what when where which while who whom why will with would you your yours yourself yourselves ' +
    'also anything code codebase does doesn dont did didn happen happens implement implemented implementation goes ' +
    'is isn let lets like may might must need needs one ones please project repo repository something ' +
    'tell thing things use used uses using want wants way ways work works'
  ).split(/\s+/),
);

const memo = new Map<string, string>();

/** Stems a lower-case token (cached: code reuses a small vocabulary). */
function stemOf(term: string): string {
  let s = memo.get(term);
  if (s === undefined) {
    // Porter2 keeps a final "e" in some forms only (queue → queue, queued → queu): drop it always.
    s = /^[a-z]+$/.test(term) && term.length > 3 ? stem(term).replace(/(.{3,})e$/, '$1') : term;
    if (memo.size > 50_000) memo.clear();
    memo.set(term, s);
  }
  return s;
}

/** One token → its index term, or null when it is too short or a stop word. */
function processTerm(term: string): string | null {
  if (term.length < 2 || STOP_WORDS.has(term)) return null;
  return stemOf(term);
}

/** Text → index terms (tokenize, drop stop words, stem). */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenizeCode(text)) {
    const p = processTerm(t);
    if (p) out.push(p);
  }
  return out;
}

const LEGACY_STOP = new Set(['the', 'a', 'an', 'of', 'to', 'in', 'is', 'it', 'and', 'or', 'for', 'on', 'be', 'this', 'that', 'with', 'how', 'does', 'do', 'what', 'where', 'which', 'when', 'are', 'i', 'by', 'as', 'from', 'if']);

/**
 * The analysis used before the Porter2 stemmer (suffix stripping: parsing → pars, cookies → cooky),
 * kept only so the evaluation can report before/after figures on the same index code.
 */
export function legacyAnalyze(text: string): string[] {
  const out: string[] = [];
  for (const term of tokenizeCode(text)) {
    if (term.length < 2 || LEGACY_STOP.has(term)) continue;
    out.push(
      term
        .replace(/ies$/, 'y')
        .replace(/(ing|ed|es|s)$/, (m, _g, off: number) => (off >= 3 ? '' : m))
        .replace(/([b-df-hj-np-tv-z])\1$/, '$1'),
    );
  }
  return out;
}

export type Analyzer = (text: string) => string[];
