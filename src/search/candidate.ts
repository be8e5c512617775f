import type { DenseHit } from './dense.js';
import type { LexicalHit } from './lexical.js';

/** One paper on its way to becoming a Hit: its fused score and each channel's evidence. */
export interface Candidate {
  paperId: string;
  score: number;
  lowConfidence: boolean;
  semantic?: DenseHit & { rank: number };
  lexical?: { rank: number; score: number; coverage: number; matchedTerms: string[] };
  /** Best-view cosine to the query, also for papers the dense channel did not rank (confidence evidence). */
  cosine?: number;
  idMatch?: string;
}

/** A lexical hit as a candidate's evidence at `rank`; its matched terms stay lazy (only a page's hits read them). */
export function lexicalEvidence(h: LexicalHit, rank: number): NonNullable<Candidate['lexical']> {
  return {
    rank,
    score: h.score,
    coverage: h.coverage,
    get matchedTerms() {
      return h.matchedTerms;
    },
  };
}
