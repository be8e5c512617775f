// Maximal marginal relevance: picks results one at a time, trading relevance against similarity to what is
// already picked, so a recommendation list is not five near-copies of the same paper.
import { cosine } from './dense.js';

export interface MmrCandidate {
  id: string;
  relevance: number; // any scale; normalised to [0, 1] internally
  vector?: Float32Array; // unit length; candidates without one are treated as dissimilar to everything
}

/**
 * Returns up to `k` ids. diversity 0 = pure relevance order; 1 = relevance and novelty weigh the same (lambda 0.5).
 * Going further (novelty only) would pick the papers least like the seeds, which is no longer a recommendation.
 */
export function mmrSelect(candidates: readonly MmrCandidate[], k: number, diversity: number): string[] {
  const lambda = 1 - Math.min(1, Math.max(0, diversity)) / 2;
  const max = Math.max(...candidates.map((c) => c.relevance), Number.MIN_VALUE);
  const min = Math.min(...candidates.map((c) => c.relevance), 0);
  const rel = (c: MmrCandidate) => (max === min ? 1 : (c.relevance - min) / (max - min));
  // Sorted by relevance so that ties go to the more relevant candidate.
  const pool = [...candidates].sort((a, b) => b.relevance - a.relevance);
  // each candidate's highest similarity to anything picked so far, updated with the newest pick only:
  // O(k * pool) cosines instead of O(k^2 * pool) (limit 100 over a 300-paper pool took seconds)
  const redundancy = new Float64Array(pool.length);
  const taken = new Uint8Array(pool.length);
  const picked: string[] = [];
  while (picked.length < k && picked.length < pool.length) {
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      if (taken[i]) continue;
      const score = lambda * rel(pool[i]!) - (1 - lambda) * redundancy[i]!;
      if (score > bestScore + 1e-12) {
        bestScore = score;
        best = i;
      }
    }
    taken[best] = 1;
    const chosen = pool[best]!;
    picked.push(chosen.id);
    if (!chosen.vector) continue;
    for (let i = 0; i < pool.length; i++) {
      const v = pool[i]!.vector;
      if (!taken[i] && v) redundancy[i] = Math.max(redundancy[i]!, cosine(v, chosen.vector));
    }
  }
  return picked;
}
