/** Reciprocal rank fusion of the lexical and vector rankings, keeping each retriever's rank and score. */

export interface RankedId {
  id: string;
  score: number;
}

export interface FusedId {
  id: string;
  score: number;
  lexicalRank?: number;
  lexicalScore?: number;
  vectorRank?: number;
  vectorScore?: number;
}

/** RRF (Cormack et al. 2009): score = Σ 1/(k + rank). k = 60 is the paper's constant. */
export function reciprocalRankFusion(lexical: RankedId[], vector: RankedId[], k = 60): FusedId[] {
  const fused = new Map<string, FusedId>();
  const get = (id: string) => {
    let f = fused.get(id);
    if (!f) fused.set(id, (f = { id, score: 0 }));
    return f;
  };
  lexical.forEach((r, i) => {
    const f = get(r.id);
    f.lexicalRank = i + 1;
    f.lexicalScore = r.score;
    f.score += 1 / (k + i + 1);
  });
  vector.forEach((r, i) => {
    const f = get(r.id);
    f.vectorRank = i + 1;
    f.vectorScore = r.score;
    f.score += 1 / (k + i + 1);
  });
  // Ties (same fused score) go to the better best-rank, then to the id for a stable order.
  return [...fused.values()].sort(
    (a, b) =>
      b.score - a.score ||
      Math.min(a.lexicalRank ?? Infinity, a.vectorRank ?? Infinity) - Math.min(b.lexicalRank ?? Infinity, b.vectorRank ?? Infinity) ||
      (a.id < b.id ? -1 : 1),
  );
}
