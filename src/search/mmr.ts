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
  const picked: MmrCandidate[] = [];
  while (picked.length < k && pool.length > 0) {
    let best = 0;
    let bestScore = -Infinity;
    pool.forEach((c, i) => {
      const redundancy = picked.reduce((m, p) => (c.vector && p.vector ? Math.max(m, cosine(c.vector, p.vector)) : m), 0);
      const score = lambda * rel(c) - (1 - lambda) * redundancy;
      if (score > bestScore + 1e-12) {
        bestScore = score;
        best = i;
      }
    });
    picked.push(pool.splice(best, 1)[0]!);
  }
  return picked.map((c) => c.id);
}
