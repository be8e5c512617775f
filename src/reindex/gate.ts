// The quality gate: may the new generation replace the live one?
import type { GateResult } from './report.js';
import { GATE_METRIC, type QualityRecord } from './quality.js';

export interface GatePolicy {
  maxDrop: number; // largest accepted baseline - candidate
  force: boolean; // switch even when refused
}

/**
 * Compares like with like: a measured candidate against a measured baseline. When the labelled set applied to
 * the live generation but not to the candidate (labelled papers disappeared), quality cannot be shown to hold,
 * so that is refused too. With nothing live, or nothing measurable live, there is nothing to protect.
 */
export function decideGate(baseline: QualityRecord | undefined, candidate: QualityRecord, policy: GatePolicy): GateResult {
  const base = { metric: GATE_METRIC, maxDrop: policy.maxDrop, forced: policy.force };
  const scores = {
    ...(baseline?.score != null ? { baseline: baseline.score } : {}),
    ...(candidate.score !== null ? { candidate: candidate.score } : {}),
  };
  if (!baseline) return { ...base, ...scores, passed: true, note: 'no live generation to compare with' };
  if (baseline.score === null) return { ...base, ...scores, passed: true, note: `not comparable: live generation ${baseline.note ?? 'was not measured'}` };
  if (candidate.score === null) {
    return verdict({ ...base, ...scores }, false, policy, `new generation cannot be measured: ${candidate.note ?? 'no score'}`);
  }
  const drop = baseline.score - candidate.score;
  return verdict({ ...base, ...scores, drop }, drop <= policy.maxDrop, policy);
}

function verdict(g: Omit<GateResult, 'passed'>, ok: boolean, policy: GatePolicy, note?: string): GateResult {
  if (ok) return { ...g, passed: true, ...(note ? { note } : {}) };
  const why = note ?? `drop ${(g.drop ?? 0).toFixed(3)} exceeds ${policy.maxDrop}`;
  return { ...g, passed: policy.force, note: policy.force ? `${why}; switched anyway (--force)` : why };
}
