// The hybrid fusion weight fitted on the catalogue itself when a generation is built. How much the dense channel
// should count depends on the embedder (the offline gloss vectors barely find an English description of a Chinese
// paper; multilingual-e5 does) and on the catalogue, so a weight chosen on one dev set is only a prior.
// The fit asks held-out questions (held-out.ts): for a deterministic sample of papers, a part of the paper (a
// sentence of its English abstract, a sentence of its Chinese summary, its Chinese title) is the query and is
// removed from the paper in both channels, so the query describes the paper without copying what is indexed.
// Each query is ranked once; its candidates, which carry both channels' evidence, are re-fused at every weight of a
// grid and cut by the no-padding rule as a search would, and the weight with the best MRR@10 (averaged over the
// kinds of question, so a catalogue with few Chinese titles does not let them decide) wins. A weight whose MRR is
// within the noise of the best (one standard error of the paired difference) is as good: the one closest to the
// prior is kept, so the served weight moves off the prior only when the catalogue's own queries say so.
import { createHash } from 'node:crypto';
import type { Paper } from '../catalogue/types.js';
import { middleSentence } from '../lang/sentences.js';
import type { EngineContext } from './context.js';
import { heldOutContext } from './held-out.js';
import { fuseCandidates, keepAnswers, rankQuery, SEARCH_FUSION } from './retrieve.js';

/** Semantic weights tried; hybrid always fuses both channels (a user who wants one channel picks its mode). */
export const WEIGHT_GRID: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** Questions per kind at most: a few hundred embeddings in all, affordable for a transformers.js model too. */
const QUERIES_PER_KIND = 150;
/** Fewer questions than this (a catalogue with little text to hold out) say too little: the prior stays. */
export const MIN_FIT_QUERIES = 60;
const K = 10;
/**
 * How deep each channel ranks a question. A search ranks 1,000 deep for its later pages; a paper past the lexical
 * 100th with no dense hit scores below 100 others at any weight, so it reaches the top 10 only if the no-padding
 * rule drops nearly all of them, and re-fusing 100-odd candidates per weight instead of 1,000 is what keeps the fit
 * cheap.
 */
const RANK_DEPTH = 100;

/** The kinds of held-out question: what the query is, and what the paper loses so the query does not copy it. */
const KINDS = {
  'en-abstract': {
    query: (p: Paper) => middleSentence(p.summary.en, 40),
    holdOut: (p: Paper): Paper => ({ ...p, summary: { ...p.summary, en: undefined } }),
  },
  'zh-summary': {
    query: (p: Paper) => middleSentence(p.summary.zh, 12),
    holdOut: (p: Paper): Paper => ({ ...p, summary: { ...p.summary, zh: undefined } }),
  },
  'zh-title': {
    query: (p: Paper) => p.title.zh,
    holdOut: (p: Paper): Paper => ({ ...p, title: { ...p.title, zh: undefined } }),
  },
} as const;
type Kind = keyof typeof KINDS;

export interface FusionFit {
  /** The semantic share of hybrid fusion this generation is served with. */
  semanticWeight: number;
  /** MRR@10 of the held-out questions (mean over kinds) at each weight tried, keyed by the weight. */
  mrr: Record<string, number>;
  /** Per kind of question: how many were asked, their MRR@10 at each weight. */
  kinds: Partial<Record<Kind, { queries: number; mrr: Record<string, number> }>>;
}

interface Question {
  kind: Kind;
  q: string;
  paper: Paper; // the paper as held out (the answer)
}

/** Fits the weight on `ctx` (an engine context over `papers`); undefined when too few papers can be asked about. */
export async function fitSemanticWeight(ctx: EngineContext, papers: readonly Paper[], prior: number): Promise<FusionFit | undefined> {
  const questions = chooseQuestions(papers);
  if (questions.length < MIN_FIT_QUERIES) return undefined;
  const held = await heldOutContext(ctx, papers, questions.map((x) => x.paper));
  // reciprocal ranks per weight, per kind
  const rr = new Map<number, Map<Kind, number[]>>(WEIGHT_GRID.map((w) => [w, new Map()]));
  for (const x of questions) {
    const ranked = await rankQuery(held, x.q, 'hybrid', prior, RANK_DEPTH, undefined, SEARCH_FUSION);
    for (const w of WEIGHT_GRID) {
      const fused = fuseCandidates(ranked.candidates, w, ranked.fusionFloor ?? 0);
      const top = keepAnswers(fused).candidates.slice(0, K);
      const at = top.findIndex((c) => c.paperId === x.paper.id);
      const byKind = rr.get(w)!;
      (byKind.get(x.kind) ?? byKind.set(x.kind, []).get(x.kind)!).push(at < 0 ? 0 : 1 / (at + 1));
    }
  }
  const byWeight = (f: (w: number) => number) => Object.fromEntries(WEIGHT_GRID.map((w) => [String(w), round(f(w))]));
  const kinds = Object.fromEntries(
    [...rr.get(WEIGHT_GRID[0]!)!].map(([kind, xs]) => [kind, { queries: xs.length, mrr: byWeight((w) => mean(rr.get(w)!.get(kind)!)) }]),
  );
  return { semanticWeight: chooseWeight(rr, prior), mrr: byWeight((w) => macroMean(rr.get(w)!)), kinds };
}

/**
 * Papers in a fixed order (a hash of their id, so a growing catalogue keeps asking about the same papers), each
 * asked one question of the kind with the fewest so far that it can answer while keeping some text.
 */
function chooseQuestions(papers: readonly Paper[]): Question[] {
  const count = new Map<Kind, number>();
  const out: Question[] = [];
  const order = papers.map((p) => ({ p, h: createHash('sha256').update(`fusion-fit:${p.id}`).digest('hex') })).sort((a, b) => (a.h < b.h ? -1 : 1));
  for (const { p } of order) {
    const kinds = (Object.keys(KINDS) as Kind[]).filter((k) => (count.get(k) ?? 0) < QUERIES_PER_KIND);
    if (kinds.length === 0) break;
    const asked = kinds
      .map((kind) => ({ kind, q: KINDS[kind].query(p), paper: KINDS[kind].holdOut(p) }))
      .filter((x): x is Question => x.q !== undefined && hasText(x.paper))
      .sort((a, b) => (count.get(a.kind) ?? 0) - (count.get(b.kind) ?? 0))[0];
    if (!asked) continue;
    out.push(asked);
    count.set(asked.kind, (count.get(asked.kind) ?? 0) + 1);
  }
  return out;
}

const hasText = (p: Paper) => Boolean(p.title.en || p.title.zh || p.summary.en || p.summary.zh);

/**
 * The best weight, or the one closest to the prior among those within one standard error of it; of two as close
 * (one either side of the prior), the better scoring. Distances are compared in thousandths: in floating point
 * 0.6 - 0.4 is less than 0.4 - 0.2, which decided such ties for the higher weight whatever the scores said.
 */
function chooseWeight(rr: ReadonlyMap<number, ReadonlyMap<Kind, number[]>>, prior: number): number {
  const score = (w: number) => macroMean(rr.get(w)!);
  const best = WEIGHT_GRID.reduce((a, b) => (score(b) > score(a) ? b : a));
  const asGood = WEIGHT_GRID.filter((w) => score(best) - score(w) <= pairedStandardError(rr.get(best)!, rr.get(w)!));
  const distance = (w: number) => Math.round(Math.abs(w - prior) * 1000);
  return asGood.reduce((a, b) => (distance(b) < distance(a) || (distance(b) === distance(a) && score(b) > score(a)) ? b : a));
}

/** Mean over kinds of each kind's mean. */
function macroMean(byKind: ReadonlyMap<Kind, readonly number[]>): number {
  const means = [...byKind.values()].map(mean);
  return mean(means);
}

/** Standard error of macroMean(a) - macroMean(b), the same questions answered under two weights. */
function pairedStandardError(a: ReadonlyMap<Kind, readonly number[]>, b: ReadonlyMap<Kind, readonly number[]>): number {
  let variance = 0;
  for (const [kind, xs] of a) {
    const d = xs.map((x, i) => x - b.get(kind)![i]!);
    const m = mean(d);
    variance += d.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, d.length - 1) / d.length;
  }
  return Math.sqrt(variance) / a.size;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
const round = (x: number) => Math.round(x * 1000) / 1000;
