// Confidence calibration on the labelled set. For every labelled query the hybrid ranking's top 10 papers give
// (cosine, lexical coverage) pairs, split into relevant and not; junk queries (no relevant paper) give pairs
// that should all fall below the cut-off. A grid search picks the cut-offs that flag the most junk queries as
// all-weak while keeping at least `keep` of the relevant hits confident; ties go to fewer non-relevant hits kept.
import { createEngineContext, type EngineContext, type SearchEngineOptions } from '../search/engine.js';
import { rankQuery } from '../search/retrieve.js';
import { isConfident, type ConfidenceThresholds, type CutOffs } from '../search/confidence.js';
import { relatedCandidates } from '../search/related.js';
import type { Candidate } from '../search/candidate.js';
import { loadLabelledSet, refToId, type LabelledSet } from './labelled-set.js';

export interface Evidence {
  semantic: number;
  lexical: number;
}

export interface Calibration {
  thresholds: CutOffs;
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

/** A candidate's confidence evidence: its best-view cosine and its lexical coverage (-1 / 0 when it has none). */
const ev = (c: Pick<Candidate, 'cosine' | 'lexical'>): Evidence => ({ semantic: c.cosine ?? -1, lexical: c.lexical?.coverage ?? 0 });

async function collect(ctx: EngineContext, set: LabelledSet): Promise<Samples> {
  const top = async (q: string) => (await rankQuery(ctx, q, 'hybrid', undefined, 30)).candidates.slice(0, 10);
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

function measure(s: Samples, t: CutOffs): Calibration {
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

/** Grid search over both cut-offs: keep >= `keep` of the relevant hits, then flag most junk, then keep least non-relevant. */
function search(samples: Samples, keep: number): Calibration {
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

/** Related-paper samples: for each cluster member, its related top 10 split into other members and non-members. */
function collectRelated(ctx: EngineContext, set: LabelledSet): Samples {
  const s: Samples = { relevant: [], nonRelevant: [], labelledQueries: [], junkQueries: [] };
  for (const c of set.clusters) {
    const members = new Set(c.papers.map((r) => refToId(r, `cluster ${c.name}`)));
    for (const m of members) {
      const hits = relatedCandidates(ctx, [ctx.lookup.byId.get(m)!], 30).candidates.slice(0, 10);
      s.labelledQueries.push(hits.map(ev));
      for (const h of hits) (members.has(h.paperId) ? s.relevant : s.nonRelevant).push(ev(h));
    }
  }
  return s;
}

export async function calibrate(
  opts: SearchEngineOptions,
  o: { set?: LabelledSet; keep?: number; keepRelated?: number } = {},
): Promise<{ queries: Calibration; related: Calibration }> {
  const set = o.set ?? loadLabelledSet();
  const ctx = createEngineContext(opts); // builds the lexical index unless opts has one: once for both sample sets
  return {
    queries: search(await collect(ctx, set), o.keep ?? 0.95),
    related: search(collectRelated(ctx, set), o.keepRelated ?? 0.9),
  };
}

/** Also reports the thresholds in use, for comparison. */
export function formatCalibration(c: { queries: Calibration; related: Calibration }, current: ConfidenceThresholds): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const line = (name: string, k: Calibration, now: CutOffs) => [
    `${name}: semantic cosine >= ${k.thresholds.semantic.toFixed(2)} or lexical coverage >= ${k.thresholds.lexical.toFixed(2)} (in use: ${now.semantic.toFixed(2)} / ${now.lexical.toFixed(2)})`,
    `  relevant top-10 hits kept: ${pct(k.relevantKept)}; non-relevant kept: ${pct(k.nonRelevantKept)}`,
  ];
  return [
    ...line('queries', c.queries, current),
    `  junk queries flagged all-weak: ${c.queries.junkFlagged}/${c.queries.junkQueries}; labelled queries flagged all-weak: ${c.queries.labelledFlagged}`,
    ...line('related (clusters)', c.related, current.related),
  ].join('\n');
}
