// Maximal marginal relevance: picks results one at a time, trading relevance against similarity to what is
// already picked, so a recommendation list is not five near-copies of the same paper.
import { cosine } from './dense.js';

export interface MmrCandidate {
  id: string;
  relevance: number; // any scale; normalised to [0, 1] internally
  /** Unit length; read only for the candidates MMR has to compare, at most once each. None = dissimilar to everything. */
  vector: () => Float32Array | undefined;
}

/**
 * Returns up to `k` ids. diversity 0 = pure relevance order; 1 = relevance and novelty weigh the same (lambda 0.5).
 * Going further (novelty only) would pick the papers least like the seeds, which is no longer a recommendation.
 */
export function mmrSelect(candidates: readonly MmrCandidate[], k: number, diversity: number): string[] {
  const lambda = 1 - Math.min(1, Math.max(0, diversity)) / 2;
  const max = Math.max(...candidates.map((c) => c.relevance), Number.MIN_VALUE);
  const min = Math.min(...candidates.map((c) => c.relevance), 0);
  // Sorted by relevance so that ties go to the more relevant candidate.
  const pool = [...candidates].sort((a, b) => b.relevance - a.relevance);
  const rel = pool.map((c) => (max === min ? 1 : (c.relevance - min) / (max - min)));
  const vectors: (Float32Array | undefined)[] = [];
  const vectorOf = (i: number) => (i in vectors ? vectors[i] : (vectors[i] = pool[i]!.vector()));
  // each candidate's highest similarity to the picks it has been compared with (the first compared[i] of pickedVectors)
  const redundancy = new Float64Array(pool.length);
  const compared = new Uint32Array(pool.length);
  const pickedVectors: Float32Array[] = [];
  const taken = new Uint8Array(pool.length);
  const picked: string[] = [];
  while (picked.length < k && picked.length < pool.length) {
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      if (taken[i]) continue;
      // redundancy is never negative, so no candidate from here on (less relevant) can beat the best: stop. Only
      // the candidates that could win are compared with the picks, and only their vectors read (a limit-100
      // recommendation otherwise read and compared its whole 300-paper pool for every pick)
      if (lambda * rel[i]! <= bestScore + 1e-12) break;
      const v = vectorOf(i);
      if (v) for (let j = compared[i]!; j < pickedVectors.length; j++) redundancy[i] = Math.max(redundancy[i]!, cosine(v, pickedVectors[j]!));
      compared[i] = pickedVectors.length;
      const score = lambda * rel[i]! - (1 - lambda) * redundancy[i]!;
      if (score > bestScore + 1e-12) {
        bestScore = score;
        best = i;
      }
    }
    taken[best] = 1;
    picked.push(pool[best]!.id);
    const chosen = vectorOf(best);
    if (chosen) pickedVectors.push(chosen);
  }
  return picked;
}
