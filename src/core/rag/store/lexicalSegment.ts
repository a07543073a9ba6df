/**
 * Segments of the lexical index. A segment is a set of chunk records plus, for each posting key
 * (field digit + term), the (doc, term frequency) pairs of its documents. New chunks go into a
 * growable MemorySegment; sealed segments are one compact binary buffer (typed-array postings,
 * no object per posting), which is also their on-disk form — loading is one read, no JSON of the
 * postings, and memory per chunk stays small.
 *
 * Binary layout: "SYL1" | u32 header length | header JSON ({ docs, keys }) | pad to 4 |
 * u32 key count | u32 offsets[count + 1] (in pairs) | u32 postings[2 × pairs].
 */

/** Field numbers: a posting key is the field digit followed by the term. */
export const FIELDS = 3; // 0 text, 1 symbol, 2 path

export interface DocRecord {
  id: string;
  path: string;
  symbol: string;
  startLine: number;
  endLine: number;
  language: string;
  /** Term counts per field (for BM25 length normalisation). */
  lens: [number, number, number];
}

type EncodedDoc = [string, string, string, number, number, string, number, number, number];

const MAGIC = 0x314c5953; // "SYL1" little-endian

export interface SegmentView {
  readonly docs: DocRecord[];
  /** Postings for a key as [doc, tf, doc, tf, …] with segment-local doc numbers, ascending. */
  postings(key: string): ArrayLike<number> | undefined;
  keys(): Iterable<string>;
}

/** The segment that receives new chunks. */
export class MemorySegment implements SegmentView {
  readonly docs: DocRecord[] = [];
  private readonly lists = new Map<string, number[]>();
  pairs = 0;

  add(doc: DocRecord, fieldTerms: string[][]): number {
    const local = this.docs.length;
    this.docs.push(doc);
    for (let f = 0; f < FIELDS; f++) {
      const counts = new Map<string, number>();
      for (const t of fieldTerms[f]) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, tf] of counts) {
        const key = f + t;
        let list = this.lists.get(key);
        if (!list) this.lists.set(key, (list = []));
        list.push(local, tf);
        this.pairs++;
      }
    }
    return local;
  }

  postings(key: string): number[] | undefined {
    return this.lists.get(key);
  }

  keys(): Iterable<string> {
    return this.lists.keys();
  }
}

/** An immutable segment backed by one buffer (its file content). */
export class SealedSegment implements SegmentView {
  private constructor(
    readonly docs: DocRecord[],
    private readonly keyList: string[],
    private readonly offsets: Uint32Array,
    private readonly data: Uint32Array,
    /** Size of the encoded form in bytes. */
    readonly bytes: number,
    readonly buffer: Buffer,
  ) {}

  private index: Map<string, number> | undefined;

  postings(key: string): Uint32Array | undefined {
    this.index ??= new Map(this.keyList.map((k, i) => [k, i]));
    const i = this.index.get(key);
    if (i === undefined) return undefined;
    return this.data.subarray(this.offsets[i] * 2, this.offsets[i + 1] * 2);
  }

  keys(): Iterable<string> {
    return this.keyList;
  }

  /** Decodes a buffer written by `encodeSegment`; throws on anything malformed. */
  static decode(buf: Buffer): SealedSegment {
    if (buf.length < 12 || buf.readUInt32LE(0) !== MAGIC) throw new Error('not a lexical segment');
    const headerLen = buf.readUInt32LE(4);
    const header = JSON.parse(buf.toString('utf8', 8, 8 + headerLen)) as { docs: EncodedDoc[]; keys: string };
    let pos = 8 + headerLen;
    pos += (4 - (pos % 4)) % 4;
    // Typed arrays need 4-byte alignment in memory; pooled or sliced buffers may not have it.
    const aligned = (buf.byteOffset + pos) % 4 === 0 ? buf : Buffer.from(buf);
    const count = aligned.readUInt32LE(pos);
    const offsets = new Uint32Array(aligned.buffer, aligned.byteOffset + pos + 4, count + 1);
    const pairs = offsets[count];
    const dataStart = aligned.byteOffset + pos + 4 + (count + 1) * 4;
    if (dataStart + pairs * 8 > aligned.byteOffset + aligned.length) throw new Error('truncated lexical segment');
    const data = new Uint32Array(aligned.buffer, dataStart, pairs * 2);
    const keyList = header.keys === '' ? [] : header.keys.split('\n');
    if (keyList.length !== count) throw new Error('lexical segment key count mismatch');
    const docs = header.docs.map(([id, path, symbol, startLine, endLine, language, l0, l1, l2]) => ({ id, path, symbol, startLine, endLine, language, lens: [l0, l1, l2] as [number, number, number] }));
    return new SealedSegment(docs, keyList, offsets, data, aligned.length, aligned);
  }
}

/**
 * Writes the live documents of `sources` (in order) as one segment. Two passes over the postings
 * (count, then fill one typed array) so merging never materialises a JS array per posting.
 */
export function encodeSegment(sources: { view: SegmentView; live: (local: number) => boolean }[]): Buffer {
  const docs: EncodedDoc[] = [];
  const remaps: Int32Array[] = [];
  for (const { view, live } of sources) {
    const remap = new Int32Array(view.docs.length).fill(-1);
    view.docs.forEach((d, i) => {
      if (!live(i)) return;
      remap[i] = docs.length;
      docs.push([d.id, d.path, d.symbol, d.startLine, d.endLine, d.language, d.lens[0], d.lens[1], d.lens[2]]);
    });
    remaps.push(remap);
  }
  const allKeys = new Set<string>();
  for (const { view } of sources) for (const k of view.keys()) allKeys.add(k);
  const keys: string[] = [];
  const counts: number[] = [];
  for (const key of allKeys) {
    let n = 0;
    sources.forEach(({ view }, s) => {
      const p = view.postings(key);
      if (p) for (let i = 0; i < p.length; i += 2) if (remaps[s][p[i]] >= 0) n++;
    });
    if (n > 0) {
      keys.push(key);
      counts.push(n);
    }
  }
  const header = Buffer.from(JSON.stringify({ docs, keys: keys.join('\n') }), 'utf8');
  let pos = 8 + header.length;
  pos += (4 - (pos % 4)) % 4;
  const pairs = counts.reduce((a, b) => a + b, 0);
  const out = Buffer.alloc(pos + 4 + (keys.length + 1) * 4 + pairs * 8);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(header.length, 4);
  header.copy(out, 8);
  out.writeUInt32LE(keys.length, pos);
  const offsets = new Uint32Array(keys.length + 1);
  for (let i = 0; i < keys.length; i++) offsets[i + 1] = offsets[i] + counts[i];
  Buffer.from(offsets.buffer).copy(out, pos + 4);
  const data = new Uint32Array(pairs * 2);
  let w = 0;
  for (const key of keys) {
    sources.forEach(({ view }, s) => {
      const p = view.postings(key);
      if (!p) return;
      const remap = remaps[s];
      for (let i = 0; i < p.length; i += 2) {
        const d = remap[p[i]];
        if (d < 0) continue;
        data[w++] = d;
        data[w++] = p[i + 1];
      }
    });
  }
  Buffer.from(data.buffer).copy(out, pos + 4 + (keys.length + 1) * 4);
  return out;
}
