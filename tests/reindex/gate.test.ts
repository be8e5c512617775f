import { describe, it, expect } from 'vitest';
import { decideGate } from '../../src/reindex/gate.js';
import type { QualityRecord } from '../../src/reindex/quality.js';

const q = (score: number | null, note?: string): QualityRecord => ({
  metric: 'hybrid MRR@10',
  score,
  ...(note ? { note } : {}),
  embedder: 'static:x',
  papers: 51,
  evaluatedAt: '2026-01-01T00:00:00Z',
});
const policy = { maxDrop: 0.05, force: false };

describe('the quality gate', () => {
  it('passes a drop up to max-drop and records both scores', () => {
    const g = decideGate(q(0.8), q(0.76), policy);
    expect(g).toMatchObject({ passed: true, baseline: 0.8, candidate: 0.76, maxDrop: 0.05 });
    expect(g.drop).toBeCloseTo(0.04, 10);
  });

  it('passes an improvement', () => {
    expect(decideGate(q(0.6), q(0.9), policy)).toMatchObject({ passed: true });
  });

  it('refuses a drop larger than max-drop, saying by how much', () => {
    const g = decideGate(q(0.8), q(0.7), policy);
    expect(g.passed).toBe(false);
    expect(g.note).toBe('drop 0.100 exceeds 0.05');
  });

  it('lets --force switch anyway and says so', () => {
    const g = decideGate(q(0.8), q(0.7), { maxDrop: 0.05, force: true });
    expect(g).toMatchObject({ passed: true, forced: true });
    expect(g.note).toBe('drop 0.100 exceeds 0.05; switched anyway (--force)');
  });

  it('passes when nothing is live yet', () => {
    expect(decideGate(undefined, q(0.5), policy)).toMatchObject({ passed: true, candidate: 0.5, note: 'no live generation to compare with' });
  });

  it('passes when the live generation could not be measured either', () => {
    const g = decideGate(q(null, 'labelled set does not apply'), q(null, 'labelled set does not apply'), policy);
    expect(g.passed).toBe(true);
    expect(g.note).toContain('not comparable');
  });

  it('refuses when the live generation was measurable but the new one is not (labelled papers vanished)', () => {
    const g = decideGate(q(0.8), q(null, 'labelled set does not apply: 3 labelled paper(s) are not in this generation'), policy);
    expect(g.passed).toBe(false);
    expect(g.note).toContain('new generation cannot be measured: labelled set does not apply');
    expect(decideGate(q(0.8), q(null, 'x'), { maxDrop: 0.05, force: true }).passed).toBe(true);
  });

  describe('with pseudo-queries from the papers both generations hold', () => {
    const pseudo = (baseline: number, candidate: number, shared = 45, livePapers = 51, candidatePapers = 50) => ({ baseline, candidate, queries: 120, shared, livePapers, candidatePapers });

    it('switches when sources were edited and the labelled set no longer applies, if the shared papers are found as well as before', () => {
      const g = decideGate(q(0.8), q(null, 'labelled set does not apply: 3 labelled paper(s) are not in this generation'), policy, pseudo(0.9, 0.89));
      expect(g.passed).toBe(true);
      expect(g.note).toBe('labelled set no longer applies (labelled set does not apply: 3 labelled paper(s) are not in this generation); hybrid MRR@10 on pseudo-queries 0.900 -> 0.890 on 120 queries');
      expect(g.pseudo).toEqual(pseudo(0.9, 0.89));
    });

    it('refuses a pseudo-query drop larger than max-drop even when the labelled set holds', () => {
      const g = decideGate(q(0.8), q(0.8), policy, pseudo(0.9, 0.7));
      expect(g.passed).toBe(false);
      expect(g.note).toBe('hybrid MRR@10 on pseudo-queries dropped 0.200 (0.900 -> 0.700 on 120 queries), more than 0.05');
    });

    it('reports replaced sources as such and switches: too little in common to call it a regression', () => {
      const g = decideGate(q(0.8), q(null, 'labelled set does not apply'), policy, pseudo(0.9, 0.2, 9, 51, 60));
      expect(g.passed).toBe(true);
      expect(g.note).toBe('sources replaced: 9 of 51 live papers remain, 60 papers now; too little in common to compare');
    });

    it('refuses a catalogue that lost most of its papers and gained none: sources went missing, not replaced', () => {
      const g = decideGate(q(0.8), q(null, 'labelled set does not apply'), policy, pseudo(0.9, 0.9, 9, 51, 9));
      expect(g.passed).toBe(false);
      expect(g.note).toBe('catalogue shrank from 51 to 9 papers (9 of 51 live papers remain): sources missing?');
      expect(decideGate(q(0.8), q(null, 'x'), { maxDrop: 0.05, force: true }, pseudo(0.9, 0.9, 9, 51, 9)).passed).toBe(true);
    });

    it('records the pseudo-query scores next to a passing labelled-set comparison', () => {
      const g = decideGate(q(0.8), q(0.79), policy, pseudo(0.9, 0.91));
      expect(g).toMatchObject({ passed: true, baseline: 0.8, candidate: 0.79, note: 'hybrid MRR@10 on pseudo-queries 0.900 -> 0.910 on 120 queries' });
    });
  });
});
