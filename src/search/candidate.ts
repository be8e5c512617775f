import type { DenseHit } from './dense.js';

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
