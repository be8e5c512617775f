import type { DenseHit } from './dense.js';
import type { LexicalHit } from './lexical.js';

/** One paper on its way to becoming a Hit: its fused score and each channel's evidence. */
export interface Candidate {
  paperId: string;
  score: number;
  lowConfidence: boolean;
  semantic?: DenseHit & { rank: number };
  /** The lexical channel's hit: its rank, BM25 score, coverage and (worked out when read) matched terms. */
  lexical?: LexicalHit;
  /** Best-view cosine to the query, also for papers the dense channel did not rank (confidence evidence). */
  cosine?: number;
  idMatch?: string;
}
