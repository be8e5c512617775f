// When is a hit an answer rather than the least-bad paper? A hit is confident when either channel's own
// evidence passes a cut-off calibrated on the labelled set (`npm run eval -- --calibrate`; see docs/search.md):
// the semantic cosine of its best view, or the lexical coverage (IDF-weighted share of the query's words it
// matched). Rank-based fused scores cannot say this: RRF gives the best junk the same score as the best answer.
// Paper-to-paper similarity (related, recommend) has its own scale, so it has its own pair of cut-offs.

export interface CutOffs {
  semantic: number; // cosine; depends on the embedder
  lexical: number; // coverage 0..1
}

export interface ConfidenceThresholds extends CutOffs {
  /** For related/recommend: cosine between paper views, coverage of the seed paper's distinctive terms. */
  related: CutOffs;
}

/**
 * Calibrated cut-offs per embedder family (matched by id prefix, first match wins).
 * Queries: at least 95% of the labelled relevant top-10 hits stay confident while as many junk queries as possible
 * come back all-weak. Related: at least 90% of related-cluster members in a member's top 10 stay confident while
 * as few non-members as possible do.
 */
export const CALIBRATED: readonly { embedderPrefix: string; thresholds: ConfidenceThresholds }[] = [
  { embedderPrefix: 'static:', thresholds: { semantic: 0.48, lexical: 0.35, related: { semantic: 0.28, lexical: 0.1 } } },
];

/** For embedders never calibrated: rely on the lexical evidence, and only very close vectors. */
export const FALLBACK: ConfidenceThresholds = { semantic: 0.8, lexical: 0.4, related: { semantic: 0.9, lexical: 0.2 } };

export function thresholdsFor(embedderId: string): ConfidenceThresholds {
  return CALIBRATED.find((c) => embedderId.startsWith(c.embedderPrefix))?.thresholds ?? FALLBACK;
}

export function isConfident(evidence: { semantic?: number; lexical?: number; idMatch?: boolean }, t: CutOffs): boolean {
  if (evidence.idMatch) return true;
  return (evidence.semantic ?? -Infinity) >= t.semantic || (evidence.lexical ?? -Infinity) >= t.lexical;
}
