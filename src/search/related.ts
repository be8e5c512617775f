// More-like-this and recommendations. A seed paper retrieves neighbours through both channels: its own view
// vectors in HNSW, and its most distinctive terms (tf-idf) as a BM25 query; the two lists are fused with RRF.
import type { Paper } from '../catalogue/types.js';
import { documentTerms, type AnalyzedQuery } from './analyzer.js';
import type { Candidate } from './candidate.js';
import { isConfident } from './confidence.js';
import { bestViewCosine, denseSearch, paperVector, requestViews, type DenseHit, type ViewsOf } from './dense.js';
import type { DistinctiveTerm, EngineContext } from './context.js';
import type { LexicalHit } from './lexical.js';
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
const term = (t: { term: string }) => t.term;

function termQuery(terms: readonly DistinctiveTerm[]): AnalyzedQuery {
  return { concepts: terms.map(term), terms: terms.map((t, i) => ({ term: t.term, weight: t.weight, concept: i, expanded: false })), names: [] };
}

/** Distinctive terms in one lexical query for several seeds: those the seeds share first (weights summed). */
const JOINT_TERMS = 2 * MLT_TERMS;

function jointTerms(ctx: EngineContext, seeds: readonly Paper[]): readonly DistinctiveTerm[] {
  if (seeds.length === 1) return ctx.distinctiveTerms.get(seeds[0]!);
  const summed = new Map<string, number>();
  for (const s of seeds) for (const t of ctx.distinctiveTerms.get(s)) summed.set(t.term, (summed.get(t.term) ?? 0) + t.weight);
  const top = [...summed].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, JOINT_TERMS);
  const max = top[0]?.[1] ?? 1;
  return top.map(([t, w]) => ({ term: t, weight: w / max }));
}

/**
 * What seed papers retrieve: each seed's nearest papers through its own view vectors (HNSW), and one BM25 query
 * made of the seeds' distinctive terms together. One lexical query for all seeds, not one per seed: at 20k papers
 * the per-seed queries were most of a 10-seed recommendation's time.
 */
interface Neighbours {
  /** Per seed: its views' HNSW hits merged (best cosine per paper), best first, at most `depth`. */
  dense: DenseHit[][];
  lexical: LexicalHit[];
  terms: string[];
  seedVectors: Float32Array[];
}

function neighbours(ctx: EngineContext, seeds: readonly Paper[], depth: number, lexicalDepth: number, allowed: (id: string) => boolean, viewsOf: ViewsOf): Neighbours {
  const perSeed = seeds.map((s) => viewsOf(s.id));
  const dense = perSeed.map((vectors) => bestPerPaper(vectors.flatMap((v) => denseSearch(ctx.index, v, depth, allowed))).slice(0, depth));
  const terms = jointTerms(ctx, seeds);
  const lexical = ctx.lexical.search(termQuery(terms), { limit: lexicalDepth, filter: allowed });
  return { dense, lexical, terms: terms.map(term), seedVectors: perSeed.flat() };
}

/** Hits merged to one per paper (its best score), best first. */
function bestPerPaper(hits: DenseHit[]): DenseHit[] {
  const best = new Map<string, DenseHit>();
  for (const h of hits) if ((best.get(h.paperId)?.score ?? -Infinity) < h.score) best.set(h.paperId, h);
  return [...best.values()].sort((a, b) => b.score - a.score);
}

/**
 * The seeds' neighbours as ranked lists: each seed's dense list at half of `weight`, and the shared lexical list at
 * half of `weight` once (as much as one seed's own lexical list). Weighting it per seed instead let its top hits
 * outrank papers near several seeds: on the corpus (200 random same-category seed sets) results in the seeds'
 * category fell from 0.396 to 0.382; at half weight once they stay level (0.395).
 */
function seedLists(n: Neighbours, weight: number): RankedList[] {
  return [
    ...n.dense.map((hits) => ({ ids: hits.map((h) => h.paperId), weight: weight / 2 })),
    { ids: n.lexical.map((h) => h.paperId), weight: weight / 2 },
  ];
}

/**
 * A candidate with the evidence both channels gave (flagged low-confidence, not dropped), worked out per paper asked
 * for: a recommendation shows at most its limit of the hundreds of papers its seeds retrieve, and the cosine of a
 * paper the dense channel did not rank costs vector reads.
 */
function evidenceOf(ctx: EngineContext, n: Neighbours, viewsOf: ViewsOf): (id: string, score: number) => Candidate {
  const dense = bestPerPaper(n.dense.flat());
  const denseById = new Map(dense.map((h, i) => [h.paperId, { ...h, rank: i + 1 }]));
  const lexById = new Map(n.lexical.map((h) => [h.paperId, h]));
  return (id, score) => {
    const d = denseById.get(id);
    const cos = d?.score ?? bestViewCosine(ctx.index, n.seedVectors, id, viewsOf) ?? -1;
    const lex = lexById.get(id);
    return {
      paperId: id,
      score,
      ...(d ? { semantic: d } : {}),
      ...(lex ? { lexical: lex } : {}),
      cosine: cos,
      lowConfidence: !isConfident({ semantic: cos, lexical: lex?.coverage ?? 0 }, ctx.thresholds.related),
    };
  };
}

export interface RelatedFound {
  candidates: Candidate[];
  terms: string[];
}

/**
 * Papers like the seeds (never the seeds themselves), fused over both channels, flagged not dropped; the best `limit`
 * of them, whose evidence alone is worked out (a related-papers list shows a few of the papers it ranks).
 */
export function relatedCandidates(ctx: EngineContext, seeds: readonly Paper[], depth: number, filter?: (paperId: string) => boolean, limit = Infinity): RelatedFound {
  const skip = new Set(seeds.map((s) => s.id));
  const viewsOf = requestViews(ctx.index);
  const n = neighbours(ctx, seeds, depth, depth, (id) => !skip.has(id) && (!filter || filter(id)), viewsOf);
  const fused = reciprocalRankFusion([
    { ids: bestPerPaper(n.dense.flat()).slice(0, depth).map((h) => h.paperId), weight: 0.5 },
    { ids: n.lexical.map((h) => h.paperId), weight: 0.5 },
  ]);
  const evidence = evidenceOf(ctx, n, viewsOf);
  return { candidates: rankByScore(fused).slice(0, limit).map((id) => evidence(id, fused.get(id)!)), terms: n.terms };
}

export interface RecommendFound extends RelatedFound {
  unknownIds: string[];
}

/**
 * Recommendations: each positive seed's dense neighbours, the seeds' joint lexical query and the text are ranked
 * lists, fused with RRF; the negative seeds' lists are fused the same way and subtracted, so papers like a negative
 * example sink. Then optional MMR diversity.
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

  const viewsOf = requestViews(ctx.index);
  const lists: RankedList[] = [];
  // where a picked paper's evidence comes from: the positive seeds' channels if they found it, else the text's
  const sources: ((id: string) => Candidate | undefined)[] = [];
  const terms: string[] = [];
  if (positive.length) {
    const n = neighbours(ctx, positive, seedDepth, depth, allowed, viewsOf);
    const own = seedLists(n, 1);
    lists.push(...own);
    const found = new Set(own.flatMap((l) => l.ids));
    const evidence = evidenceOf(ctx, n, viewsOf);
    sources.push((id) => (found.has(id) ? evidence(id, 0) : undefined));
    terms.push(...n.terms);
  }
  if (r.text) {
    const found = await rankQuery(ctx, r.text, 'hybrid', undefined, depth, allowed);
    lists.push({ ids: found.candidates.map((c) => c.paperId), weight: 1 });
    const byId = new Map(found.candidates.map((c) => [c.paperId, c]));
    sources.push((id) => byId.get(id));
    terms.push(...found.terms);
  }
  if (lists.length === 0) return { candidates: [], terms: [], unknownIds };

  const pos = reciprocalRankFusion(lists);
  const neg = reciprocalRankFusion(negative.length ? seedLists(neighbours(ctx, negative, seedDepth, depth, allowed, viewsOf), NEGATIVE_WEIGHT) : []);
  const relevance = new Map([...pos].map(([id, s]) => [id, s - (neg.get(id) ?? 0)]));
  const pool = rankByScore(relevance).slice(0, depth);
  const picked = r.diversity > 0
    ? mmrSelect(pool.map((id) => ({ id, relevance: relevance.get(id)!, vector: () => paperVector(ctx.index, id, viewsOf) })), r.limit, r.diversity)
    : pool.slice(0, r.limit);
  const candidates = picked.map((id) => ({ ...firstFound(sources, id), score: relevance.get(id)! }));
  return { candidates, terms: [...new Set(terms)], unknownIds };
}

/** A picked paper's evidence from the first source that found it (every pool paper came from one of them). */
function firstFound(sources: readonly ((id: string) => Candidate | undefined)[], id: string): Candidate {
  for (const source of sources) {
    const found = source(id);
    if (found) return found;
  }
  throw new Error(`recommendation candidate ${id} came from none of its sources`);
}
