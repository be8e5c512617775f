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

/** The semantic channel's share of hybrid fusion when the caller gives no `semanticWeight`. */
export const DEFAULT_SEMANTIC_WEIGHT = 0.5;

/**
 * What is left of a channel's weight when it has no confident hit for the query and the other channel has one.
 * RRF with k = 60 is flat (rank 1 earns 1/61, rank 4 still 1/64), so with equal weights a channel that only
 * guesses moves the order as much as one that found the answer: a pasted title is BM25's clear first while the
 * embedding ranks a loosely related paper first at a cosine below its cut-off, and the guess came out on top.
 * Each channel's evidence is judged by its own calibrated cut-off (confidence.ts). The weak channel is halved,
 * not dropped: it is sometimes right (a description whose words BM25 matches only loosely), so it still counts.
 */
export const WEAK_CHANNEL_WEIGHT = 0.5;

/**
 * Default hybrid weights for one query, from whether each channel's best hit passes its own cut-off: equal when
 * both or neither do, the non-confident channel scaled by WEAK_CHANNEL_WEIGHT when only one does.
 */
export function hybridWeights(confident: { semantic: boolean; lexical: boolean }): { semantic: number; lexical: number } {
  const semantic = DEFAULT_SEMANTIC_WEIGHT;
  const lexical = 1 - DEFAULT_SEMANTIC_WEIGHT;
  if (confident.semantic === confident.lexical) return { semantic, lexical };
  return confident.semantic ? { semantic, lexical: lexical * WEAK_CHANNEL_WEIGHT } : { semantic: semantic * WEAK_CHANNEL_WEIGHT, lexical };
}

/** Ids sorted by fused score, ties broken by id so results are deterministic. */
export function rankByScore(scores: ReadonlyMap<string, number>): string[] {
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id]) => id);
}
