// One query through the channels: dense + lexical candidates, fusion, confidence flags, the no-padding rule.
import type { Paper } from '../catalogue/types.js';
import { analyzeQuery } from './analyzer.js';
import type { Candidate } from './candidate.js';
import { isConfident, type CutOffs } from './confidence.js';
import { bestViewCosine, denseSearch, type DenseHit } from './dense.js';
import type { EngineContext, Phase } from './context.js';
import { fusedScore } from './fusion.js';
import type { LexicalHit } from './lexical.js';
import { relatedCandidates } from './related.js';
import type { SearchMode } from './types.js';
import type { ValidSearch } from './validate.js';

/**
 * The no-padding rule keeps a low-confidence hit that scores at least this share of the best confident hit: the
 * cut-offs judge evidence, not rank, and dropped the right paper for 4-5% of real description queries (corpus dev
 * set, hybrid: en-desc 4.3% -> 1.3%, zh-desc 5.1% -> 0.9%; MRR@10 0.785 -> 0.801 and 0.193 -> 0.209).
 */
const KEEP_WEAK_SHARE = 0.5;
/**
 * ...and a weak hit either channel ranks this high, however the fusion scored it: a channel's own top few are its
 * best guesses, not padding (corpus dev set, hybrid right paper dropped: en-desc 0.3% -> 0%, zh-desc 3.7% -> 2.3%,
 * MRR@10 0.828 -> 0.830 and 0.203 -> 0.206; seed labelled set Recall@10 0.963 -> 0.988, MRR@10 0.947 -> 0.953).
 */
const KEEP_CHANNEL_TOP = 3;
/** Lexical coverage at which a hit matched every concept of the query (coverage is a float share). */
const FULL_COVERAGE = 0.999;

/**
 * A search ranks once, this deep in each channel, whatever page is asked for: pages are slices of one ordering
 * and `total` does not move with the offset. Deeper pages than this are not served (the response says
 * `totalCapped`); filters on categories, sources and dates apply to these candidates (see engine.ts).
 */
export const MAX_DEPTH = 1000;

/**
 * A search's hybrid fusion scales cosines from the dense channel's cosine at this rank (see scoreFusion): the depth
 * the fusion weight was tuned at, so ranking deeper does not change what a cosine counts.
 */
const FUSION_DEPTH = 30;
/**
 * How deep a hybrid search looks in the dense channel: past FUSION_DEPTH its candidates add nothing to the fused
 * score, but they stay candidates (with their cosine for confidence), so a category, source or date filter, which
 * applies to the ranking, still finds semantic neighbours of that kind. ~3 ms of HNSW at 7k papers.
 */
const HYBRID_DENSE_DEPTH = 100;
/** The fusion depths a search ranks hybrid queries with (rankQuery's `fusion`). */
export const SEARCH_FUSION = { depth: FUSION_DEPTH, denseDepth: HYBRID_DENSE_DEPTH } as const;

export interface Ranked {
  candidates: Candidate[]; // fused order, every candidate flagged
  terms: string[]; // the query's lexical terms (for highlighting)
  /** Hybrid mode: the cosine fusion scaled from (re-fusing the candidates with another weight needs it). */
  fusionFloor?: number;
}

/**
 * Ranks papers for a text query in a mode; nothing is dropped here. `semanticWeight` is the caller's explicit
 * hybrid weight; undefined means the engine's (its `semanticWeight` option, else DEFAULT_SEMANTIC_WEIGHT).
 * `depth` is how deep each channel ranks. In hybrid mode `fusion.depth` (default `depth`) is the dense rank whose
 * cosine fusion scales from and how many top lexical candidates get a cosine, and the dense channel ranks
 * `fusion.denseDepth` (default `depth`) deep.
 */
export async function rankQuery(
  ctx: EngineContext,
  q: string,
  mode: SearchMode,
  semanticWeight: number | undefined,
  depth: number,
  filter?: (paperId: string) => boolean,
  fusion: { depth?: number; denseDepth?: number } = {},
): Promise<Ranked> {
  const fusionDepth = fusion.depth ?? depth;
  const w = semanticWeight ?? ctx.semanticWeight;
  const useSemantic = mode === 'semantic' || (mode === 'hybrid' && w > 0);
  const useLexical = mode === 'lexical' || (mode === 'hybrid' && w < 1);
  const clock = phaseClock(ctx);
  const query = analyzeQuery(q, ctx.translator, ctx.lexical.has, ctx.lexical.bridge);
  const lexical = useLexical ? ctx.lexical.search(query, { limit: depth, filter }) : [];
  clock('bm25');
  const vector = useSemantic ? await ctx.embedder.embedQuery(q) : undefined;
  clock('embed');
  const denseDepth = mode === 'hybrid' ? Math.min(depth, fusion.denseDepth ?? depth) : depth;
  const dense = vector ? denseSearch(ctx.index, vector, denseDepth, filter) : [];
  clock('hnsw');

  const fused = mode === 'hybrid' ? fuseChannels(ctx, dense, lexical, vector, w, fusionDepth, denseDepth) : undefined;
  const fusionFloor = fused?.floor;
  const candidates = fused?.candidates ?? channelCandidates(mode === 'semantic' ? dense : lexical, mode === 'semantic');
  for (const c of candidates) c.lowConfidence = !confident(c, mode, ctx.thresholds);
  clock('fusion');
  return { candidates, terms: query.terms.map((t) => t.term), ...(fusionFloor !== undefined ? { fusionFloor } : {}) };
}

/**
 * Hybrid fusion of candidates that carry both channels' evidence: sets each one's score (scoreFusion) and returns
 * them best first. Candidates below the floor with no lexical match all score 0: the closer cosine first among them,
 * then by id.
 */
export function fuseCandidates<C extends Candidate>(candidates: readonly C[], semanticWeight: number, cosineFloor: number): C[] {
  let best = 0;
  for (const c of candidates) best = Math.max(best, c.lexical?.score ?? 0);
  for (const c of candidates) c.score = fusedScore(c.lexical?.score, c.cosine, best, semanticWeight, cosineFloor);
  const cosine = (c: Candidate) => c.cosine ?? -Infinity;
  return [...candidates].sort((a, b) => b.score - a.score || cosine(b) - cosine(a) || (a.paperId < b.paperId ? -1 : a.paperId > b.paperId ? 1 : 0));
}

/** A candidate in the shape every candidate has (one hidden class for the deep ranking's ~1,000 of them). */
function candidate(paperId: string): Candidate {
  return { paperId, score: 0, lowConfidence: true, semantic: undefined, lexical: undefined, cosine: undefined };
}

/** One channel's list as candidates, in its order, scored by it. */
function channelCandidates(hits: readonly (DenseHit | LexicalHit)[], semantic: boolean): Candidate[] {
  return hits.map((h, i) => {
    const c = candidate(h.paperId);
    c.score = h.score;
    if (semantic) setSemantic(c, h as DenseHit, i + 1);
    else c.lexical = h as LexicalHit; // its matched terms stay lazy: only a page's hits read them
    return c;
  });
}

function setSemantic(c: Candidate, h: DenseHit, rank: number): void {
  c.semantic = { paperId: h.paperId, score: h.score, view: h.view, views: h.views, rank };
  c.cosine = h.score;
}

/** Both channels' candidates merged, fused and sorted (fuseCandidates), and the cosine floor fusion scaled from. */
function fuseChannels(
  ctx: EngineContext,
  dense: readonly DenseHit[],
  lexical: readonly LexicalHit[],
  vector: Float32Array | undefined,
  w: number,
  fusionDepth: number,
  denseDepth: number,
): { candidates: Candidate[]; floor: number } {
  const byId = new Map<string, Candidate>();
  dense.forEach((h, i) => {
    const c = candidate(h.paperId);
    setSemantic(c, h, i + 1);
    byId.set(h.paperId, c);
  });
  lexical.forEach((h) => {
    let c = byId.get(h.paperId);
    if (!c) byId.set(h.paperId, (c = candidate(h.paperId)));
    c.lexical = h;
  });
  // the lexical channel's top candidates need a cosine too (for fusion and confidence), as deep as the dense channel
  // looked; deeper ones lie below its floor. Reading vectors out of hnswlib is slow (~0.1 ms a view), so not all,
  // and none when the dense channel filled its depth and its last hit (at or below the floor, the list being
  // sorted) is below the confidence cut-off: a paper it did not reach has a lower cosine, which counts 0 in fusion
  // and cannot make the paper confident.
  const floor = dense[Math.min(dense.length, fusionDepth) - 1]?.score ?? 0;
  const reachedBelow = dense.length > 0 && dense.length >= denseDepth && dense[dense.length - 1]!.score < ctx.thresholds.semantic;
  if (vector && !reachedBelow) for (const h of lexical.slice(0, fusionDepth)) byId.get(h.paperId)!.cosine ??= bestViewCosine(ctx.index, [vector], h.paperId);
  return { candidates: fuseCandidates([...byId.values()], w, floor), floor };
}

/** The confidence flag: a mode's evidence is the channels it ranked with. */
function confident(c: Candidate, mode: SearchMode, t: CutOffs): boolean {
  return isConfident({ semantic: mode !== 'lexical' ? c.cosine : undefined, lexical: mode !== 'semantic' ? (c.lexical?.coverage ?? 0) : undefined }, t);
}

/** Reports the time since the previous call to ctx.onPhase (no-op without a listener). */
function phaseClock(ctx: EngineContext): (phase: Phase) => void {
  const listener = ctx.onPhase;
  if (!listener) return () => {};
  let last = performance.now();
  return (phase) => {
    const now = performance.now();
    listener(phase, now - last);
    last = now;
  };
}

export interface Retrieved extends Ranked {
  /** A channel stopped at MAX_DEPTH: more papers may match than were ranked. */
  capped: boolean;
  /** Every candidate is an answer (an id query's related papers, a listing): keepAnswers drops nothing. */
  keepAll?: boolean;
}

/**
 * The ranking of a search, every candidate flagged and none dropped yet (see keepAnswers): an id query puts its
 * paper first, followed by its related papers; a query with no text lists the papers `filter` admits, newest first.
 */
export async function retrieve(ctx: EngineContext, text: string, r: Pick<ValidSearch, 'mode' | 'semanticWeight'>, filter?: (paperId: string) => boolean): Promise<Retrieved> {
  if (text === '') return listByDate(ctx, filter);
  const id = ctx.lookup.resolveRef(text);
  if (id && (!filter || filter(id.paper.id))) return idResult(ctx, id.paper, id.matched, filter);
  const ranked = await rankQuery(ctx, text, r.mode, r.semanticWeight, MAX_DEPTH, filter, SEARCH_FUSION);
  const capped = ranked.candidates.filter((c) => c.lexical).length >= MAX_DEPTH || (r.mode === 'semantic' && ranked.candidates.length >= MAX_DEPTH);
  return { ...ranked, capped };
}

/**
 * The no-padding rule: the confident candidates, and the weak ones (flagged) scoring near the best confident one or
 * ranked in a channel's top few; when none is confident, all of them, flagged (`allWeak`).
 */
export function keepAnswers(candidates: readonly Candidate[], keepAll = false): { candidates: Candidate[]; allWeak: boolean } {
  const best = candidates.find((c) => !c.lowConfidence);
  if (keepAll || !best) return { candidates: [...candidates], allWeak: candidates.length > 0 && !best };
  const kept = isAnswer(best);
  return { candidates: candidates.filter(kept), allWeak: false };
}

/** How many candidates keepAnswers keeps, without building the list (facet counts per value). */
export function answerCount(candidates: readonly Candidate[], keepAll = false): number {
  const best = candidates.find((c) => !c.lowConfidence);
  if (!best || keepAll) return candidates.length;
  const kept = isAnswer(best);
  return candidates.reduce((n, c) => n + (kept(c) ? 1 : 0), 0);
}

/**
 * Under a confident answer, a weak hit scoring close to the best confident one, or a channel's top guess when that
 * answer left part of the query unmatched, is as likely an answer: it is kept (flagged); the tail is dropped.
 */
function isAnswer(best: Candidate): (c: Candidate) => boolean {
  const floor = best.score * KEEP_WEAK_SHARE;
  // a best answer that matched every concept of the query needs no guesses beside it ("L Tunstall": his paper, not
  // the embedding's third pick); the corpus dev set and the seed set score the same either way
  const guesses = (best.lexical?.coverage ?? 0) < FULL_COVERAGE;
  return (c) => !c.lowConfidence || c.score >= floor || (guesses && Math.min(c.semantic?.rank ?? Infinity, c.lexical?.rank ?? Infinity) <= KEEP_CHANNEL_TOP);
}

function listByDate(ctx: EngineContext, filter?: (paperId: string) => boolean): Retrieved {
  const papers = [...ctx.lookup.byId.values()].filter((p) => !filter || filter(p.id));
  const order = sortByDate(papers, (p) => p).slice(0, MAX_DEPTH);
  return { candidates: order.map((p) => ({ paperId: p.id, score: 0, lowConfidence: false })), terms: [], capped: papers.length > MAX_DEPTH, keepAll: true };
}

/** Newest first by paper date (stable: equal dates keep their order), papers with no date last. */
export function sortByDate<T>(items: readonly T[], paperOf: (item: T) => Paper | undefined): T[] {
  const date = (item: T) => paperOf(item)?.date ?? '';
  return [...items].sort((a, b) => (date(a) < date(b) ? 1 : date(a) > date(b) ? -1 : 0));
}

function idResult(ctx: EngineContext, paper: Paper, matched: string, filter?: (paperId: string) => boolean): Retrieved {
  const related = relatedCandidates(ctx, [paper], MAX_DEPTH, filter);
  const first: Candidate = { paperId: paper.id, score: (related.candidates[0]?.score ?? 0) + 1, lowConfidence: false, idMatch: matched };
  return { candidates: [first, ...related.candidates], terms: [], capped: false, keepAll: true };
}
