// Word weights for sentence averaging (Arora et al. 2017, "SIF"): a / (a + p(w)). Frequent words (the, 的,
// model) count little, rare content words count fully. p(w) comes from data the build owns, never the catalogue.

/** SIF smoothing constant; 1e-4 keeps mid-frequency topic words (rank ~1000) at about half weight. */
export const SIF_A = 1e-4;

export function sifWeight(p: number, a = SIF_A): number {
  return a / (a + p);
}

/**
 * English unigram probability from a frequency rank (0-based) by Zipf's law, p(r) = 1 / ((r + 1) * H_n):
 * wink lists its words by corpus frequency but ships no counts.
 */
export function zipfProbability(rank: number, vocabularySize: number): number {
  const harmonic = Math.log(vocabularySize) + 0.5772156649;
  return 1 / ((rank + 1) * harmonic);
}
