// Confidence calibration on the labelled set. For every labelled query the hybrid ranking's top 10 papers give
// (cosine, lexical coverage) pairs, split into relevant and not; junk queries (no relevant paper) give pairs
// that should all fall below the cut-off. A grid search picks the cut-offs that flag the most junk queries as
// all-weak while keeping at least `keep` of the relevant hits confident; ties go to fewer non-relevant hits kept.
import { createEngineContext, type SearchEngineOptions } from '../search/engine.js';
import { rankQuery } from '../search/retrieve.js';
import { isConfident, type ConfidenceThresholds } from '../search/confidence.js';
import { loadLabelledSet, refToId, type LabelledSet } from './labelled-set.js';

export interface Evidence {
  semantic: number;
  lexical: number;
}

export interface Calibration {
  thresholds: ConfidenceThresholds;
  relevantKept: number; // share of relevant top-10 hits confident
  junkFlagged: number; // junk queries whose whole top 10 is weak
  junkQueries: number;
  labelledFlagged: number; // labelled queries whose whole top 10 is weak (should be ~0)
  nonRelevantKept: number; // share of non-relevant top-10 hits of labelled queries kept confident
}

interface Samples {
  relevant: Evidence[];
  nonRelevant: Evidence[];
  labelledQueries: Evidence[][];
  junkQueries: Evidence[][];
}

async function collect(opts: SearchEngineOptions, set: LabelledSet): Promise<Samples> {
  const ctx = createEngineContext(opts);
  const top = async (q: string) => (await rankQuery(ctx, q, 'hybrid', 0.5, 30)).candidates.slice(0, 10);
  const ev = (c: { cosine?: number; lexical?: { coverage: number } }): Evidence => ({ semantic: c.cosine ?? -1, lexical: c.lexical?.coverage ?? 0 });
  const s: Samples = { relevant: [], nonRelevant: [], labelledQueries: [], junkQueries: [] };
  for (const q of set.queries) {
    const relevant = new Set(q.relevant.map((r) => refToId(r, `query ${q.id}`)));
    const hits = await top(q.q);
    s.labelledQueries.push(hits.map(ev));
    for (const h of hits) (relevant.has(h.paperId) ? s.relevant : s.nonRelevant).push(ev(h));
  }
  for (const j of set.junk) s.junkQueries.push((await top(j.q)).map(ev));
  return s;
}

function measure(s: Samples, t: ConfidenceThresholds): Calibration {
  const ok = (e: Evidence) => isConfident(e, t);
  const share = (xs: Evidence[]) => (xs.length ? xs.filter(ok).length / xs.length : 0);
  return {
    thresholds: t,
    relevantKept: share(s.relevant),
    nonRelevantKept: share(s.nonRelevant),
    junkFlagged: s.junkQueries.filter((q) => !q.some(ok)).length,
    junkQueries: s.junkQueries.length,
    labelledFlagged: s.labelledQueries.filter((q) => !q.some(ok)).length,
  };
}

export async function calibrate(opts: SearchEngineOptions, o: { set?: LabelledSet; keep?: number } = {}): Promise<Calibration> {
  const samples = await collect(opts, o.set ?? loadLabelledSet());
  const keep = o.keep ?? 0.95;
  let best: Calibration | undefined;
  for (let si = 0; si <= 100; si++) {
    for (let li = 1; li <= 20; li++) {
      const m = measure(samples, { semantic: si / 100, lexical: li / 20 });
      if (m.relevantKept < keep) continue;
      if (!best || m.junkFlagged > best.junkFlagged || (m.junkFlagged === best.junkFlagged && m.nonRelevantKept < best.nonRelevantKept - 1e-12)) best = m;
    }
  }
  if (!best) throw new Error(`calibration: no cut-offs keep ${keep} of the relevant hits`);
  return best;
}

/** Also reports how the thresholds in use perform on the same samples, for comparison. */
export function formatCalibration(c: Calibration, current: ConfidenceThresholds): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `calibrated cut-offs: semantic cosine >= ${c.thresholds.semantic.toFixed(2)} or lexical coverage >= ${c.thresholds.lexical.toFixed(2)}`,
    `  relevant top-10 hits kept: ${pct(c.relevantKept)}; non-relevant kept: ${pct(c.nonRelevantKept)}`,
    `  junk queries flagged all-weak: ${c.junkFlagged}/${c.junkQueries}; labelled queries flagged all-weak: ${c.labelledFlagged}`,
    `in use (src/search/confidence.ts): semantic >= ${current.semantic.toFixed(2)}, lexical >= ${current.lexical.toFixed(2)}`,
  ].join('\n');
}
