// Reciprocal rank fusion: a rank-based combination that needs no score normalisation across channels whose
// scores live on different scales (cosine vs BM25). Weights let a caller lean on one channel per query.

/** The usual RRF constant: damps the difference between rank 1 and rank 2 so one channel cannot dominate. */
export const RRF_K = 60;

export interface RankedList {
  ids: readonly string[]; // best first, each id once
  weight: number;
}

/** Fused score per id: sum over lists of weight / (k + rank). Ids missing from a list get nothing from it. */
export function reciprocalRankFusion(lists: readonly RankedList[], k = RRF_K): Map<string, number> {
  const fused = new Map<string, number>();
  for (const { ids, weight } of lists) {
    if (weight <= 0) continue;
    ids.forEach((id, i) => fused.set(id, (fused.get(id) ?? 0) + weight / (k + i + 1)));
  }
  return fused;
}

/** Ids sorted by fused score, ties broken by id so results are deterministic. */
export function rankByScore(scores: ReadonlyMap<string, number>): string[] {
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id]) => id);
}
