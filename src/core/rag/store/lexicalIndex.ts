/**
 * BM25 lexical index over chunks (text, symbol and path fields, BM25+ as MiniSearch scored it),
 * stored as segments in a folder: a checkpoint writes only what changed since the last one (a new
 * segment and a small file manifest), segments of similar size are merged (so their number stays
 * logarithmic) and half-dead ones compacted. Loading reads the binary segments as they are.
 * Crash safety: segment files are written before the manifest that names them, each by rename;
 * a manifest always points at complete segments, files it does not name are deleted on load.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Chunk, LexicalMatch } from '../types';
import { writeFileAtomic } from './atomicFile';
import { analyze, type Analyzer } from './textAnalysis';
import { FIELDS, MemorySegment, SealedSegment, encodeSegment, type DocRecord, type SegmentView } from './lexicalSegment';

export { tokenizeCode } from './textAnalysis';

const FORMAT = 3;
const MANIFEST = 'manifest.json';
/** The memory segment is sealed (compacted to typed arrays) at this many chunks. */
const SEAL_DOCS = 2048;
const FIELD_BOOST = [1, 3, 2];
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };

/** What the index knows about one file: its content hash and stat, and its chunk ids. */
export interface LexicalFileEntry {
  hash: string;
  mtimeMs: number;
  size: number;
  ids: string[];
  /** Why the file has no chunks on purpose (generated, binary, …): unchanged files stay skipped without a read. */
  skipped?: string;
}

/** A chunk's location as stored in the index (the text is read from the file when needed). */
export type ChunkRef = Omit<Chunk, 'text'>;

interface Seg {
  view: SegmentView;
  /** File name once written; undefined while only in memory. */
  file?: string;
  live: Uint8Array;
  liveCount: number;
  /** First global doc number (for the score accumulator). */
  base: number;
}

interface FileState {
  hash: string;
  mtimeMs: number;
  size: number;
  skipped?: string;
  seg?: Seg;
  docs: number[];
}

interface StoredManifest {
  format: number;
  segments: string[];
  /** path → [hash, mtimeMs, size, segment index or -1, skipped reason] */
  files: Record<string, [string, number, number, number, string?]>;
}

/** A BM25 index of chunk texts, symbols and paths; keeps chunk ids per path for purges. */
export class LexicalIndex {
  private segs: Seg[] = [];
  private mem: Seg = LexicalIndex.memSeg();
  private readonly byPath = new Map<string, FileState>();
  private readonly byId = new Map<string, DocRecord>();
  private readonly lenSums = [0, 0, 0];
  private liveDocs = 0;
  private dirty = false;
  private scores = new Float64Array(0);
  private matched = new Uint16Array(0);
  /** Per document, the last query term that counted it (so a term matching several fields counts once). */
  private stamps = new Uint32Array(0);
  private stamp = 0;

  /** `analyzer`: how text becomes terms (the default is the only one to use outside evaluations). */
  constructor(private readonly analyzer: Analyzer = analyze) {}

  private static memSeg(): Seg {
    return { view: new MemorySegment(), live: new Uint8Array(SEAL_DOCS), liveCount: 0, base: 0 };
  }

  get size(): number {
    return this.liveDocs;
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  file(p: string): LexicalFileEntry | undefined {
    const f = this.byPath.get(p);
    if (!f) return undefined;
    const ids = f.seg ? f.docs.map((d) => f.seg!.view.docs[d].id) : [];
    return { hash: f.hash, mtimeMs: f.mtimeMs, size: f.size, ids, ...(f.skipped ? { skipped: f.skipped } : {}) };
  }

  /** Size and mtime recorded for a file (cheap: no id list). */
  stat(p: string): { size: number; mtimeMs: number } | undefined {
    return this.byPath.get(p);
  }

  /** Replaces every chunk of a file (no chunks and a reason: the file is skipped on purpose). */
  replace(p: string, file: { hash: string; mtimeMs: number; size: number; skipped?: string }, chunks: Chunk[]): void {
    this.remove([p]);
    const mem = this.mem.view as MemorySegment;
    const docs: number[] = [];
    for (const c of chunks) {
      const doc: DocRecord = { id: c.id, path: c.path, symbol: c.symbol, startLine: c.startLine, endLine: c.endLine, language: c.language, lens: [0, 0, 0] };
      const fields = [this.analyzer(c.text), this.analyzer(c.symbol), this.analyzer(c.path)];
      doc.lens = [fields[0].length, fields[1].length, fields[2].length];
      const local = mem.add(doc, fields);
      if (local >= this.mem.live.length) {
        const grown = new Uint8Array(this.mem.live.length * 2);
        grown.set(this.mem.live);
        this.mem.live = grown;
      }
      this.mem.live[local] = 1;
      this.mem.liveCount++;
      this.track(doc, +1);
      docs.push(local);
    }
    this.byPath.set(p, { hash: file.hash, mtimeMs: file.mtimeMs, size: file.size, skipped: file.skipped, seg: docs.length ? this.mem : undefined, docs });
    this.dirty = true;
    if (mem.docs.length >= SEAL_DOCS) this.seal();
  }

  /** Records a new size/mtime for an unchanged file (content hash equal). */
  replaceStat(p: string, size: number, mtimeMs: number): void {
    const e = this.byPath.get(p);
    if (e) {
      e.size = size;
      e.mtimeMs = mtimeMs;
      this.dirty = true;
    }
  }

  remove(paths: string[]): void {
    for (const p of paths) {
      const entry = this.byPath.get(p);
      if (!entry) continue;
      if (entry.seg) {
        for (const d of entry.docs) {
          if (!entry.seg.live[d]) continue;
          entry.seg.live[d] = 0;
          entry.seg.liveCount--;
          this.track(entry.seg.view.docs[d], -1);
        }
      }
      this.byPath.delete(p);
      this.dirty = true;
    }
  }

  private track(doc: DocRecord, sign: 1 | -1): void {
    for (let f = 0; f < FIELDS; f++) this.lenSums[f] += sign * doc.lens[f];
    this.liveDocs += sign;
    if (sign > 0) this.byId.set(doc.id, doc);
    else this.byId.delete(doc.id);
  }

  /** The stored location of a chunk, or undefined when the id is unknown. */
  ref(id: string): ChunkRef | undefined {
    const d = this.byId.get(id);
    if (!d) return undefined;
    return { id, path: d.path, symbol: d.symbol, startLine: d.startLine, endLine: d.endLine, language: d.language };
  }

  /**
   * BM25+ per field, boosted (symbol 3, path 2), summed over the query's terms (OR) and multiplied
   * by the number of distinct query terms a chunk matched; the top k kept with a bounded heap.
   */
  query(text: string, k: number): LexicalMatch[] {
    const weights = new Map<string, number>();
    for (const t of this.analyzer(text)) weights.set(t, (weights.get(t) ?? 0) + 1);
    if (weights.size === 0 || this.liveDocs === 0 || k <= 0) return [];
    const all = this.allSegs();
    let total = 0;
    for (const s of all) {
      s.base = total;
      total += s.view.docs.length;
    }
    if (this.scores.length < total) {
      this.scores = new Float64Array(Math.ceil(total * 1.5));
      this.matched = new Uint16Array(Math.ceil(total * 1.5));
      this.stamps = new Uint32Array(Math.ceil(total * 1.5));
    }
    const { scores, matched, stamps } = this;
    const touched: number[] = [];
    const n = this.liveDocs;
    for (const [term, weight] of weights) {
      const stamp = ++this.stamp;
      for (let f = 0; f < FIELDS; f++) {
        const key = f + term;
        const lists = all.map((s) => s.view.postings(key));
        let df = 0;
        all.forEach((s, i) => {
          const p = lists[i];
          if (p) for (let j = 0; j < p.length; j += 2) df += s.live[p[j]];
        });
        if (df === 0) continue;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        const avg = this.lenSums[f] / n || 1;
        const boost = weight * FIELD_BOOST[f];
        all.forEach((s, i) => {
          const p = lists[i];
          if (!p) return;
          const docs = s.view.docs;
          for (let j = 0; j < p.length; j += 2) {
            const local = p[j];
            if (!s.live[local]) continue;
            const tf = p[j + 1];
            const len = docs[local].lens[f];
            const g = s.base + local;
            if (scores[g] === 0) touched.push(g);
            scores[g] += boost * idf * (BM25.d + (tf * (BM25.k + 1)) / (tf + BM25.k * (1 - BM25.b + (BM25.b * len) / avg)));
            if (stamps[g] !== stamp) {
              stamps[g] = stamp;
              matched[g]++;
            }
          }
        });
      }
    }
    const top = topK(touched, (g) => scores[g] * matched[g], k);
    const out = top.map(({ item: g, score }) => ({ id: this.docAt(all, g).id, score }));
    for (const g of touched) {
      scores[g] = 0;
      matched[g] = 0;
    }
    return out;
  }

  private docAt(all: Seg[], g: number): DocRecord {
    let lo = 0;
    let hi = all.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (all[mid].base <= g) lo = mid;
      else hi = mid - 1;
    }
    return all[lo].view.docs[g - all[lo].base];
  }

  private allSegs(): Seg[] {
    return this.mem.view.docs.length ? [...this.segs, this.mem] : this.segs;
  }

  clear(): void {
    this.segs = [];
    this.mem = LexicalIndex.memSeg();
    this.byPath.clear();
    this.byId.clear();
    this.lenSums.fill(0);
    this.liveDocs = 0;
    this.dirty = true;
  }

  /** Moves the memory segment into a sealed (typed-array) one; not yet written. */
  private seal(): void {
    const mem = this.mem;
    if (mem.view.docs.length === 0) return;
    const sealed = this.rewrite([mem]);
    this.mem = LexicalIndex.memSeg();
    if (sealed) this.segs.push(sealed);
  }

  /** One sealed segment holding the live documents of `sources`; file entries are repointed. */
  private rewrite(sources: Seg[]): Seg | undefined {
    const buf = encodeSegment(sources.map((s) => ({ view: s.view, live: (i: number) => s.live[i] === 1 })));
    const view = SealedSegment.decode(buf);
    if (view.docs.length === 0) return undefined;
    const seg: Seg = { view, live: new Uint8Array(view.docs.length).fill(1), liveCount: view.docs.length, base: 0 };
    const byPathDocs = new Map<string, number[]>();
    view.docs.forEach((d, i) => {
      let list = byPathDocs.get(d.path);
      if (!list) byPathDocs.set(d.path, (list = []));
      list.push(i);
      this.byId.set(d.id, d);
    });
    for (const [p, docs] of byPathDocs) {
      const f = this.byPath.get(p);
      if (f) {
        f.seg = seg;
        f.docs = docs;
      }
    }
    return seg;
  }

  /** Merges segments of similar size (sizes stay geometric) and rewrites half-dead ones. */
  private compact(): void {
    this.segs = this.segs.filter((s) => s.liveCount > 0);
    for (;;) {
      const n = this.segs.length;
      if (n < 2) break;
      const [prev, last] = [this.segs[n - 2], this.segs[n - 1]];
      if (last.liveCount * 2 < prev.liveCount && n <= 12) break;
      const merged = this.rewrite([prev, last]);
      this.segs.splice(n - 2, 2, ...(merged ? [merged] : []));
    }
    this.segs = this.segs.map((s) => (s.liveCount * 2 < s.view.docs.length ? this.rewrite([s]) : s)).filter((s): s is Seg => !!s);
  }

  /** Writes what changed since the last save: new segments, then the manifest naming them. */
  async save(dir: string): Promise<void> {
    if (!this.dirty && (await exists(path.join(dir, MANIFEST)))) return;
    this.seal();
    this.compact();
    await fs.mkdir(dir, { recursive: true });
    for (const s of this.segs) {
      if (s.file) continue;
      const name = `seg-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}.bin`;
      const tmp = path.join(dir, `${name}.tmp`);
      await fs.writeFile(tmp, (s.view as SealedSegment).buffer);
      await fs.rename(tmp, path.join(dir, name));
      s.file = name;
    }
    const index = new Map(this.segs.map((s, i) => [s, i]));
    const files: StoredManifest['files'] = {};
    for (const [p, f] of this.byPath) files[p] = [f.hash, f.mtimeMs, f.size, f.seg ? (index.get(f.seg) ?? -1) : -1, ...(f.skipped ? [f.skipped] : [])] as StoredManifest['files'][string];
    const manifest: StoredManifest = { format: FORMAT, segments: this.segs.map((s) => s.file!), files };
    await writeFileAtomic(path.join(dir, MANIFEST), JSON.stringify(manifest));
    this.dirty = false;
    await removeUnlisted(dir, new Set(manifest.segments));
  }

  /** Loads a saved index; returns false (and stays empty) when it is missing or unreadable. */
  async load(dir: string): Promise<boolean> {
    // A concurrent writer may replace a segment between our reads of the manifest and the segment: retry.
    for (let attempt = 0; attempt < 3; attempt++) {
      this.clear();
      let raw: string;
      try {
        raw = await fs.readFile(path.join(dir, MANIFEST), 'utf8');
      } catch {
        return false;
      }
      try {
        const m = JSON.parse(raw) as StoredManifest;
        if (m.format !== FORMAT || !Array.isArray(m.segments) || !m.files || typeof m.files !== 'object') throw new Error('unknown format');
        let missing = false;
        for (const name of m.segments) {
          const buf = await fs.readFile(path.join(dir, name)).catch(() => undefined);
          if (!buf) {
            missing = true;
            break;
          }
          const view = SealedSegment.decode(buf);
          this.segs.push({ view, file: name, live: new Uint8Array(view.docs.length), liveCount: 0, base: 0 });
        }
        if (missing) continue;
        for (const [p, e] of Object.entries(m.files)) {
          if (!Array.isArray(e) || typeof e[0] !== 'string') throw new Error(`bad entry for ${p}`);
          const seg = e[3] >= 0 ? this.segs[e[3]] : undefined;
          if (e[3] >= 0 && !seg) throw new Error(`bad segment for ${p}`);
          this.byPath.set(p, { hash: e[0], mtimeMs: Number(e[1]), size: Number(e[2]), skipped: typeof e[4] === 'string' ? e[4] : undefined, seg, docs: [] });
        }
        // A document is live when its file's entry points at its segment.
        for (const s of this.segs) {
          s.view.docs.forEach((d, i) => {
            const f = this.byPath.get(d.path);
            if (f?.seg !== s) return;
            f.docs.push(i);
            s.live[i] = 1;
            s.liveCount++;
            this.track(d, +1);
          });
        }
        this.dirty = false;
        return true;
      } catch {
        this.clear();
        return false;
      }
    }
    this.clear();
    return false;
  }

  /** Bytes of the sealed segments (for figures). */
  get sealedBytes(): number {
    return this.segs.reduce((n, s) => n + ((s.view as SealedSegment).bytes ?? 0), 0);
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}

/** Deletes segment files the manifest no longer names (merged away, or left by a crash). */
async function removeUnlisted(dir: string, keep: Set<string>): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const n of names) {
    if (!/^seg-.*\.bin(\.tmp)?$/.test(n) || keep.has(n)) continue;
    await fs.rm(path.join(dir, n), { force: true }).catch(() => undefined);
  }
}

/** The k best items by score, best first (a bounded min-heap: no sort of every match). */
export function topK<T>(items: Iterable<T>, scoreOf: (item: T) => number, k: number): { item: T; score: number }[] {
  const heap: { item: T; score: number }[] = [];
  const less = (a: { score: number }, b: { score: number }) => a.score < b.score;
  for (const item of items) {
    const score = scoreOf(item);
    if (heap.length < k) {
      heap.push({ item, score });
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!less(heap[i], heap[parent])) break;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
    } else if (score > heap[0].score) {
      heap[0] = { item, score };
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
  }
  return heap.sort((a, b) => b.score - a.score);
}
