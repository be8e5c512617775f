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

/**
 * A lexical hit as a candidate's evidence at `rank`; its matched terms stay lazy (only a page's hits read them). A
 * class, not an object literal with a getter: a deep ranking makes ~1,000 of these per query, and a literal's getter
 * is a new closure each.
 */
class LexicalEvidence {
  readonly score: number;
  readonly coverage: number;
  constructor(
    private readonly hit: LexicalHit,
    readonly rank: number,
  ) {
    this.score = hit.score;
    this.coverage = hit.coverage;
  }
  get matchedTerms(): string[] {
    return this.hit.matchedTerms;
  }
}

export function lexicalEvidence(h: LexicalHit, rank: number): NonNullable<Candidate['lexical']> {
  return new LexicalEvidence(h, rank);
}
