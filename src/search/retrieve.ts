// One query through the channels: dense + lexical candidates, fusion, confidence flags, the no-padding rule.
import type { Paper } from '../catalogue/types.js';
import { analyzeQuery } from './analyzer.js';
import type { Candidate } from './candidate.js';
import { isConfident } from './confidence.js';
import { bestViewCosine, denseSearch } from './dense.js';
import type { EngineContext, Phase } from './engine.js';
import { rankByScore, scoreFusion } from './fusion.js';
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

/** Each channel contributes at least this many candidates to fusion, so deep pages still fuse both channels. */
const MIN_DEPTH = 30;

export interface Ranked {
  candidates: Candidate[]; // fused order, every candidate flagged
  terms: string[]; // the query's lexical terms (for highlighting)
}

/**
 * Ranks papers for a text query in a mode; nothing is dropped here. `semanticWeight` is the caller's explicit
 * hybrid weight; undefined means the engine's (its `semanticWeight` option, else DEFAULT_SEMANTIC_WEIGHT).
 */
export async function rankQuery(
  ctx: EngineContext,
  q: string,
  mode: SearchMode,
  semanticWeight: number | undefined,
  depth: number,
  filter?: (paperId: string) => boolean,
): Promise<Ranked> {
  const w = semanticWeight ?? ctx.semanticWeight;
  const useSemantic = mode === 'semantic' || (mode === 'hybrid' && w > 0);
  const useLexical = mode === 'lexical' || (mode === 'hybrid' && w < 1);
  const clock = phaseClock(ctx);
  const query = analyzeQuery(q, ctx.translator, ctx.lexical.has);
  const lexical = useLexical ? ctx.lexical.search(query, { limit: depth, filter }) : [];
  clock('bm25');
  const vector = useSemantic ? await ctx.embedder.embedQuery(q) : undefined;
  clock('embed');
  const dense = vector ? denseSearch(ctx.index, vector, depth, filter) : [];
  clock('hnsw');

  const byId = new Map<string, Candidate>();
  const get = (paperId: string) => byId.get(paperId) ?? byId.set(paperId, { paperId, score: 0, lowConfidence: true }).get(paperId)!;
  dense.forEach((h, i) => Object.assign(get(h.paperId), { semantic: { ...h, rank: i + 1 }, cosine: h.score }));
  lexical.forEach((h, i) => (get(h.paperId).lexical = { rank: i + 1, score: h.score, coverage: h.coverage, matchedTerms: h.matchedTerms }));

  let order: string[];
  if (mode === 'hybrid') {
    // every candidate needs a cosine to be fused: papers only the lexical channel found get theirs here
    if (vector) for (const c of byId.values()) c.cosine ??= bestViewCosine(ctx.index, [vector], c.paperId);
    const cands = [...byId.values()].map((c) => ({ id: c.paperId, lexical: c.lexical?.score, cosine: c.cosine }));
    const floor = dense[dense.length - 1]?.score ?? 0;
    const fused = scoreFusion(cands, w, floor);
    for (const [id, s] of fused) get(id).score = s;
    order = rankByScore(fused);
  } else {
    const list = mode === 'semantic' ? dense : lexical;
    list.forEach((h) => (get(h.paperId).score = h.score));
    order = list.map((h) => h.paperId);
  }
  const candidates = order.map((id) => byId.get(id)!);
  for (const c of candidates) {
    const lexical = mode !== 'semantic' ? (c.lexical?.coverage ?? 0) : undefined;
    c.lowConfidence = !isConfident({ ...(mode !== 'lexical' ? { semantic: c.cosine } : {}), lexical }, ctx.thresholds);
  }
  clock('fusion');
  return { candidates, terms: query.terms.map((t) => t.term) };
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
  allWeak: boolean;
}

/**
 * A search: an id query puts its paper first (followed by its related papers); otherwise the fused ranking keeps
 * the confident candidates and the weak ones scoring near them (no padding with junk) unless none is confident,
 * then the weak ones come back flagged.
 */
export async function retrieve(ctx: EngineContext, r: ValidSearch, filter?: (paperId: string) => boolean): Promise<Retrieved> {
  const depth = Math.max(MIN_DEPTH, 2 * (r.offset + r.limit));
  const id = ctx.lookup.resolveRef(r.q);
  if (id && (!filter || filter(id.paper.id))) return idResult(ctx, id.paper, id.matched, depth, filter);
  const ranked = await rankQuery(ctx, r.q, r.mode, r.semanticWeight, depth, filter);
  const best = ranked.candidates.find((c) => !c.lowConfidence);
  if (best) {
    // a weak hit scoring close to the best confident one, or a channel's top guess, is as likely an answer: keep it
    // (flagged), drop the tail
    const floor = best.score * KEEP_WEAK_SHARE;
    const kept = (c: Candidate) => !c.lowConfidence || c.score >= floor || Math.min(c.semantic?.rank ?? Infinity, c.lexical?.rank ?? Infinity) <= KEEP_CHANNEL_TOP;
    return { ...ranked, candidates: ranked.candidates.filter(kept), allWeak: false };
  }
  return { ...ranked, allWeak: ranked.candidates.length > 0 };
}

function idResult(ctx: EngineContext, paper: Paper, matched: string, depth: number, filter?: (paperId: string) => boolean): Retrieved {
  const related = relatedCandidates(ctx, [paper], depth, filter);
  const first: Candidate = { paperId: paper.id, score: (related.candidates[0]?.score ?? 0) + 1, lowConfidence: false, idMatch: matched };
  return { candidates: [first, ...related.candidates], terms: [], allWeak: false };
}
