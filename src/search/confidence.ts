// When is a hit an answer rather than the least-bad paper? A hit is confident when either channel's own
// evidence passes a cut-off calibrated on the labelled set (scripts/eval.ts --calibrate; see README "Search"):
// the semantic cosine of its best view, or the lexical coverage (IDF-weighted share of the query's words it
// matched). Rank-based fused scores cannot say this: RRF gives the best junk the same score as the best answer.

export interface ConfidenceThresholds {
  semantic: number; // cosine; depends on the embedder
  lexical: number; // coverage 0..1; embedder-independent
}

/**
 * Calibrated cut-offs per embedder family (matched by id prefix, first match wins). Chosen so that at most ~5% of the
 * labelled relevant top-10 hits fall below both cut-offs while as many junk-query hits as possible do.
 */
export const CALIBRATED: readonly { embedderPrefix: string; thresholds: ConfidenceThresholds }[] = [
  { embedderPrefix: 'static:', thresholds: { semantic: 0.48, lexical: 0.4 } },
];

/** For embedders never calibrated: rely on the lexical evidence, and only very close vectors. */
export const FALLBACK: ConfidenceThresholds = { semantic: 0.8, lexical: 0.4 };

export function thresholdsFor(embedderId: string): ConfidenceThresholds {
  return CALIBRATED.find((c) => embedderId.startsWith(c.embedderPrefix))?.thresholds ?? FALLBACK;
}

export function isConfident(evidence: { semantic?: number; lexical?: number; idMatch?: boolean }, t: ConfidenceThresholds): boolean {
  if (evidence.idMatch) return true;
  return (evidence.semantic ?? -Infinity) >= t.semantic || (evidence.lexical ?? -Infinity) >= t.lexical;
}
