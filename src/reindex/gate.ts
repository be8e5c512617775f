// The quality gate: may the new generation replace the live one?
import type { GateResult } from './report.js';
import { GATE_METRIC, PSEUDO_METRIC, type PseudoComparison, type QualityRecord } from './quality.js';

export interface GatePolicy {
  maxDrop: number; // largest accepted baseline - candidate
  force: boolean; // switch even when refused
}

/**
 * Below this share of the live papers left in the new generation there is too little in common to compare. If the
 * new catalogue is about as large, the sources were replaced: reported as such and switched to. If it shrank below
 * this share too, sources went missing (an unmounted directory, a wrong path): refused, --force switches anyway.
 */
export const REPLACED_SHARE = 0.5;

/**
 * Compares like with like. Two measures, each when it applies to both generations: the labelled set (when its
 * papers are in both) and pseudo-queries made from the papers both generations hold (any catalogue). A drop of
 * more than maxDrop in either refuses the switch. When the labelled set applied to the live generation but no
 * longer does (its papers were removed from the sources), the pseudo-queries decide; without them, quality cannot
 * be shown to hold, so that is refused. With nothing live, nothing measurable live, or sources replaced wholesale,
 * there is nothing to protect.
 */
export function decideGate(baseline: QualityRecord | undefined, candidate: QualityRecord, policy: GatePolicy, pseudo?: PseudoComparison): GateResult {
  const base = { metric: GATE_METRIC, maxDrop: policy.maxDrop, forced: policy.force, ...(pseudo ? { pseudo } : {}) };
  const scores = {
    ...(baseline?.score != null ? { baseline: baseline.score } : {}),
    ...(candidate.score !== null ? { candidate: candidate.score } : {}),
  };
  if (!baseline) return { ...base, ...scores, passed: true, note: 'no live generation to compare with' };
  if (pseudo && pseudo.shared < REPLACED_SHARE * pseudo.livePapers) {
    const remain = `${pseudo.shared} of ${pseudo.livePapers} live papers remain`;
    if (pseudo.candidatePapers < REPLACED_SHARE * pseudo.livePapers) {
      return verdict({ ...base, ...scores }, false, policy, `catalogue shrank from ${pseudo.livePapers} to ${pseudo.candidatePapers} papers (${remain}): sources missing?`);
    }
    return { ...base, ...scores, passed: true, note: `sources replaced: ${remain}, ${pseudo.candidatePapers} papers now; too little in common to compare` };
  }
  const pseudoDrop = pseudo ? pseudo.baseline - pseudo.candidate : undefined;
  if (pseudoDrop !== undefined && pseudoDrop > policy.maxDrop) {
    return verdict({ ...base, ...scores }, false, policy, `${PSEUDO_METRIC} dropped ${pseudoDrop.toFixed(3)} (${pseudo!.baseline.toFixed(3)} -> ${pseudo!.candidate.toFixed(3)} on ${pseudo!.queries} queries), more than ${policy.maxDrop}`);
  }
  const also = pseudo ? `; ${pseudoSummary(pseudo)}` : '';
  if (baseline.score === null) return { ...base, ...scores, passed: true, note: `not comparable: live generation ${baseline.note ?? 'was not measured'}${also}` };
  if (candidate.score === null) {
    if (pseudo) return { ...base, ...scores, passed: true, note: `labelled set no longer applies (${candidate.note ?? 'no score'})${also}` };
    return verdict({ ...base, ...scores }, false, policy, `new generation cannot be measured: ${candidate.note ?? 'no score'}`);
  }
  const drop = baseline.score - candidate.score;
  if (drop > policy.maxDrop) return verdict({ ...base, ...scores, drop }, false, policy);
  return { ...base, ...scores, drop, passed: true, ...(pseudo ? { note: pseudoSummary(pseudo) } : {}) };
}

const pseudoSummary = (p: PseudoComparison) => `${PSEUDO_METRIC} ${p.baseline.toFixed(3)} -> ${p.candidate.toFixed(3)} on ${p.queries} queries`;

function verdict(g: Omit<GateResult, 'passed'>, ok: boolean, policy: GatePolicy, note?: string): GateResult {
  if (ok) return { ...g, passed: true, ...(note ? { note } : {}) };
  const why = note ?? `drop ${(g.drop ?? 0).toFixed(3)} exceeds ${policy.maxDrop}`;
  return { ...g, passed: policy.force, note: policy.force ? `${why}; switched anyway (--force)` : why };
}
