// More-like-this and recommendations. A seed paper retrieves neighbours through both channels: its own view
// vectors in HNSW, and its most distinctive terms (tf-idf) as a BM25 query; the two lists are fused with RRF.
import type { Paper } from '../catalogue/types.js';
import { documentTerms, type AnalyzedQuery } from './analyzer.js';
import type { Candidate } from './candidate.js';
import { isConfident } from './confidence.js';
import { bestViewCosine, denseSearch, paperVector, viewVectors, type DenseHit } from './dense.js';
import type { EngineContext } from './engine.js';
import { rankByScore, reciprocalRankFusion, type RankedList } from './fusion.js';
import { mmrSelect } from './mmr.js';
import { rankQuery } from './retrieve.js';
import type { ValidRecommend } from './validate.js';

/** Distinctive terms per seed paper used as its lexical query. */
const MLT_TERMS = 20;
/**
 * How much a negative example's neighbours lose, relative to what the positives give. Below 1 so a paper close to
 * both a positive and a negative seed (MAE liked, BEiT disliked: both masked image modelling) sinks but is not wiped out.
 */
const NEGATIVE_WEIGHT = 0.5;
/** Hits retrieved per seed, shared by all of a request's seeds (each gets at least MIN_SEED_DEPTH). */
const SEED_DEPTH_BUDGET = 300;
const MIN_SEED_DEPTH = 20;

/**
 * A paper's most distinctive terms that other papers share (tf-idf; a term only this paper has finds nothing).
 * Tokenising the paper (jieba + stemming) is most of the cost of a related query, and the answer depends only on
 * the paper and this engine's index, so the engine memoises it per paper (EngineContext.distinctiveTerms).
 */
export function distinctiveTerms(ctx: Pick<EngineContext, 'lexical'>, paper: Paper): DistinctiveTerm[] {
  const text = [paper.title.en, paper.title.zh, paper.summary.en, paper.summary.zh].filter(Boolean).join('\n');
  const tf = new Map<string, number>();
  for (const t of documentTerms(text)) tf.set(t, (tf.get(t) ?? 0) + 1);
  const scored = [...tf]
    .filter(([t]) => ctx.lexical.df(t) >= 2)
    .map(([t, n]) => ({ term: t, weight: Math.sqrt(n) * ctx.lexical.idf(t) }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1))
    .slice(0, MLT_TERMS);
  const max = scored[0]?.weight ?? 1;
  return scored.map((t) => ({ term: t.term, weight: t.weight / max }));
}
export interface DistinctiveTerm {
  readonly term: string;
  readonly weight: number;
}
const term = (t: { term: string }) => t.term;

function termQuery(terms: readonly DistinctiveTerm[]): AnalyzedQuery {
  return { concepts: terms.map(term), terms: terms.map((t, i) => ({ term: t.term, weight: t.weight, concept: i, expanded: false })), names: [] };
}

export interface RelatedFound {
  candidates: Candidate[];
  terms: string[];
}

/** Papers like the seeds (seeds themselves and `exclude` never returned), fused over both channels, flagged not dropped. */
export function relatedCandidates(
  ctx: EngineContext,
  seeds: readonly Paper[],
  depth: number,
  filter?: (paperId: string) => boolean,
  exclude: ReadonlySet<string> = new Set(),
): RelatedFound {
  const skip = new Set([...exclude, ...seeds.map((s) => s.id)]);
  const allowed = (id: string) => !skip.has(id) && (!filter || filter(id));
  const seedVectors = seeds.flatMap((s) => viewVectors(ctx.index, s.id));

  const dense = new Map<string, DenseHit>();
  for (const v of seedVectors) {
    for (const h of denseSearch(ctx.index, v, depth, allowed)) {
      const prev = dense.get(h.paperId);
      if (!prev || prev.score < h.score) dense.set(h.paperId, h);
    }
  }
  const denseOrder = [...dense.values()].sort((a, b) => b.score - a.score).slice(0, depth);
  const terms = seeds.flatMap((s) => ctx.distinctiveTerms.get(s));
  const lexical = ctx.lexical.search(termQuery(terms), { limit: depth, filter: allowed });

  const fused = reciprocalRankFusion([
    { ids: denseOrder.map((h) => h.paperId), weight: 0.5 },
    { ids: lexical.map((h) => h.paperId), weight: 0.5 },
  ]);
  const lexById = new Map(lexical.map((h, i) => [h.paperId, { rank: i + 1, score: h.score, coverage: h.coverage, matchedTerms: h.matchedTerms }]));
  const denseRank = new Map(denseOrder.map((h, i) => [h.paperId, i + 1]));
  const candidates = rankByScore(fused).map((id): Candidate => {
    const d = dense.get(id);
    const cos = d?.score ?? bestViewCosine(ctx.index, seedVectors, id) ?? -1;
    const lex = lexById.get(id);
    return {
      paperId: id,
      score: fused.get(id)!,
      ...(d && denseRank.has(id) ? { semantic: { ...d, rank: denseRank.get(id)! } } : {}),
      ...(lex ? { lexical: lex } : {}),
      cosine: cos,
      lowConfidence: !isConfident({ semantic: cos, lexical: lex?.coverage ?? 0 }, ctx.thresholds.related),
    };
  });
  return { candidates, terms: [...new Set(terms.map(term))] };
}

export interface RecommendFound extends RelatedFound {
  unknownIds: string[];
}

/**
 * Recommendations: each positive seed (and the text) is a ranked list, fused with RRF; each negative seed's list
 * is fused the same way and subtracted, so papers like a negative example sink. Then optional MMR diversity.
 */
export async function recommendCandidates(ctx: EngineContext, r: ValidRecommend, filter?: (paperId: string) => boolean): Promise<RecommendFound> {
  const unknownIds: string[] = [];
  const resolve = (ids: string[]) =>
    ids.flatMap((id) => {
      const p = ctx.lookup.resolve(id);
      if (!p) unknownIds.push(id);
      return p ? [p] : [];
    });
  const positive = resolve(r.positive);
  const negative = resolve(r.negative);
  const exclude = new Set([...resolve(r.exclude), ...positive, ...negative].map((p) => p.id));
  const allowed = (id: string) => !exclude.has(id) && (!filter || filter(id));
  // the candidate pool MMR and the cut choose from, and how deep each seed's own list goes: together bounded, so a
  // request's work stays flat as seeds are added (the API caps seeds, MAX_RECOMMEND_SEEDS, for the same reason)
  const depth = Math.max(30, 3 * r.limit);
  const seedDepth = Math.min(depth, Math.max(MIN_SEED_DEPTH, Math.ceil(SEED_DEPTH_BUDGET / (positive.length + negative.length))));

  const lists: RankedList[] = [];
  const evidence = new Map<string, Candidate>();
  const terms: string[] = [];
  const collect = (found: RelatedFound) => {
    lists.push({ ids: found.candidates.map((c) => c.paperId), weight: 1 });
    for (const c of found.candidates) if (!evidence.has(c.paperId)) evidence.set(c.paperId, c);
    terms.push(...found.terms);
  };
  for (const p of positive) collect(relatedCandidates(ctx, [p], seedDepth, allowed));
  if (r.text) collect(await rankQuery(ctx, r.text, 'hybrid', undefined, depth, allowed));
  if (lists.length === 0) return { candidates: [], terms: [], unknownIds };

  const pos = reciprocalRankFusion(lists);
  const neg = reciprocalRankFusion(
    negative.map((n) => ({ ids: relatedCandidates(ctx, [n], seedDepth, allowed).candidates.map((c) => c.paperId), weight: NEGATIVE_WEIGHT })),
  );
  const relevance = new Map([...pos].map(([id, s]) => [id, s - (neg.get(id) ?? 0)]));
  const pool = rankByScore(relevance).slice(0, depth);
  const picked = r.diversity > 0
    ? mmrSelect(pool.map((id) => ({ id, relevance: relevance.get(id)!, vector: paperVector(ctx.index, id) })), r.limit, r.diversity)
    : pool.slice(0, r.limit);
  const candidates = picked.map((id) => ({ ...evidence.get(id)!, score: relevance.get(id)! }));
  return { candidates, terms: [...new Set(terms)], unknownIds };
}

