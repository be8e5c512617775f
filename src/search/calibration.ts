// Self-calibration of the semantic confidence cut-offs for one generation: cosines live on a scale that depends
// on the embedder (the static model, multilingual-e5) and on the catalogue, so a cut-off fitted on 51 seed papers
// says little about 20,000 others. The cut-off here comes from the catalogue itself: how close does a query about
// nothing in it get? Null queries are a few everyday words the catalogue never uses (dictionary words with no
// document frequency), in both languages; the semantic cut-off is the cosine that only 1% of them reach with their
// best paper. How many known-item queries (a paper's own title) clear it is recorded: with the offline embedder few
// do (a null query's best of thousands of papers is as close as a title to its own paper), so confidence then rests
// on lexical coverage, which is what the cut-off should say about such an embedder.
// Related papers get the same treatment on paper-to-paper cosines of random pairs. Lexical coverage is a share of
// the query's words, the same scale for every embedder and catalogue, so its cut-offs keep their priors.
import type { Paper } from '../catalogue/types.js';
import { seededUniform } from '../util/random.js';
import { stem } from '../lang/english.js';
import type { Dictionary } from '../lang/dictionary.js';
import type { Translator } from './analyzer.js';
import { thresholdsFor, type ConfidenceThresholds } from './confidence.js';
import { bestViewCosine, cosine, denseSearch, paperVector } from './dense.js';
import { createEngineContext, type EngineContext, type SearchEngineOptions } from './engine.js';
import { DEFAULT_SEMANTIC_WEIGHT } from './fusion.js';
import { fitSemanticWeight, type FusionFit } from './fusion-fit.js';

/** Below this many papers the null distribution is too thin: the priors (confidence.ts) stay. */
export const MIN_CALIBRATION_PAPERS = 200;
const NULL_QUERIES = 200; // per language
const WORDS_PER_NULL_QUERY = 4;
const KNOWN_ITEM_QUERIES = 200;
const RANDOM_PAIRS = 2000;
const NULL_QUANTILE = 0.99;

export interface Calibration {
  confidence: ConfidenceThresholds;
  /** The hybrid fusion weight fitted on held-out questions (fusion-fit.ts); absent when too few could be asked. */
  fusion?: FusionFit;
  /** What the cut-offs were fitted on, and how they do on it. */
  fit: {
    papers: number;
    nullQueries: number;
    nullConfident: number; // share of null queries whose best paper passes the semantic cut-off
    knownItems: number;
    knownKept: number; // share of known-item queries whose paper passes it (by its cosine alone)
    randomPairs: number;
  };
  /** Papers changed since the fit, when incremental builds kept it (src/index/calibration.ts). */
  drift?: number;
}

/** Words for null queries: in a general dictionary, in no paper of the catalogue. */
export interface NullVocabulary {
  english: readonly string[];
  chinese: readonly string[];
}

export async function calibrateConfidence(
  ctx: EngineContext,
  papers: readonly Paper[],
  vocabulary: NullVocabulary,
  prior: ConfidenceThresholds,
  opts: { minPapers?: number } = {},
): Promise<Calibration | undefined> {
  if (papers.length < (opts.minPapers ?? MIN_CALIBRATION_PAPERS)) return undefined;
  const random = seededUniform(papers.length);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  // the index holds English stems: "cooking" is used when any paper says "cook"
  const unused = (words: readonly string[], term: (w: string) => string) => words.filter((w) => !ctx.lexical.has(term(w)));
  const pools = [unused(vocabulary.english, stem), unused(vocabulary.chinese, (w) => w)].filter((p) => p.length >= 50);
  const nullBest: number[] = [];
  for (const pool of pools) {
    for (let i = 0; i < NULL_QUERIES; i++) {
      const words = Array.from({ length: WORDS_PER_NULL_QUERY }, () => pick(pool));
      const q = words.join(/\p{Script=Han}/u.test(words[0]!) ? '' : ' ');
      nullBest.push(denseSearch(ctx.index, await ctx.embedder.embedQuery(q), 1)[0]?.score ?? -1);
    }
  }
  const known: number[] = [];
  for (let i = 0; i < KNOWN_ITEM_QUERIES; i++) {
    const p = pick(papers);
    const title = i % 2 ? (p.title.zh ?? p.title.en) : (p.title.en ?? p.title.zh);
    if (!title) continue;
    const c = bestViewCosine(ctx.index, [await ctx.embedder.embedQuery(title)], p.id);
    if (c !== undefined) known.push(c);
  }
  if (nullBest.length === 0 || known.length === 0) return undefined;
  const semantic = quantile(nullBest, NULL_QUANTILE);
  const related = relatedCutOff(ctx, papers, random);
  const share = (xs: number[], t: number) => xs.filter((x) => x >= t).length / xs.length;
  return {
    confidence: { ...prior, semantic: round(semantic), related: { ...prior.related, ...(related !== undefined ? { semantic: round(related) } : {}) } },
    fit: {
      papers: papers.length,
      nullQueries: nullBest.length,
      nullConfident: round(share(nullBest, semantic)),
      knownItems: known.length,
      knownKept: round(share(known, semantic)),
      randomPairs: related === undefined ? 0 : RANDOM_PAIRS,
    },
  };
}

/** The paper-to-paper cosine that only 1% of random pairs reach: "related" must mean more than two ML papers. */
function relatedCutOff(ctx: EngineContext, papers: readonly Paper[], random: () => number): number | undefined {
  const sims: number[] = [];
  for (let i = 0; i < RANDOM_PAIRS; i++) {
    const a = papers[Math.floor(random() * papers.length)]!;
    const b = papers[Math.floor(random() * papers.length)]!;
    if (a.id === b.id) continue;
    const va = paperVector(ctx.index, a.id);
    const vb = paperVector(ctx.index, b.id);
    if (va && vb) sims.push(cosine(va, vb));
  }
  return sims.length ? quantile(sims, NULL_QUANTILE) : undefined;
}

function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Null-query words from a general dictionary: 2-3 character Chinese headwords and their one-word English glosses. */
export function nullVocabulary(dictionary: Pick<Dictionary, 'chineseWords' | 'english'>): NullVocabulary {
  const words = dictionary.chineseWords().filter((w) => /^\p{Script=Han}{2,3}$/u.test(w));
  const step = Math.max(1, Math.floor(words.length / 5000)); // a fixed spread over the dictionary, not its first page
  const chinese = words.filter((_, i) => i % step === 0);
  const english = [...new Set(chinese.flatMap((w) => dictionary.english(w).filter((g) => /^[a-z]{4,}$/.test(g))))];
  return { english, chinese };
}

/**
 * Fits a generation's cut-offs, then its hybrid fusion weight under them (undefined for catalogues too small to fit
 * on: the priors apply).
 */
export async function calibrateGeneration(opts: SearchEngineOptions & { dictionary: Translator & Pick<Dictionary, 'chineseWords'> }): Promise<Calibration | undefined> {
  if (opts.papers.length < MIN_CALIBRATION_PAPERS) return undefined; // before building an engine context for nothing
  const ctx = createEngineContext(opts);
  const calibration = await calibrateConfidence(ctx, opts.papers, nullVocabulary(opts.dictionary), thresholdsFor(opts.embedder.info.id));
  if (!calibration) return undefined;
  const fusion = await fitSemanticWeight({ ...ctx, thresholds: calibration.confidence }, opts.papers, DEFAULT_SEMANTIC_WEIGHT);
  return fusion ? { ...calibration, fusion } : calibration;
}
