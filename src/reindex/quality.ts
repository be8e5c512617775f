// A generation's measured search quality, kept next to its manifest as quality.json so the next reindex can
// compare against the live generation without rebuilding its engine.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Paper } from '../catalogue/types.js';
import type { Embedder } from '../embed/types.js';
import { evaluateEngine } from '../eval/evaluate.js';
import { loadLabelledSet, refToId, type LabelledSet } from '../eval/labelled-set.js';
import { catalogueQueries, type PseudoQuery } from '../eval/corpus.js';
import { mean, reciprocalRank } from '../eval/metrics.js';
import type { Translator } from '../search/analyzer.js';
import { openGenerationEngine, type EngineGeneration } from '../index/open-engine.js';
import type { SearchEngine } from '../search/types.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { Logger } from '../log.js';
import { noProgress, type Progress } from '../util/progress.js';

export const QUALITY_FILE = 'quality.json';
export const GATE_METRIC = 'hybrid MRR@10';

export interface QualityRecord {
  metric: string;
  /** null when the labelled set does not apply to this generation's papers (see note). */
  score: number | null;
  note?: string;
  embedder: string;
  papers: number;
  evaluatedAt: string;
  /** The cross-language expansion the engine used: the dictionary (glossary + CC-CEDICT, as served) or the glossary
   *  alone. Records written before this field existed were measured with the glossary alone. */
  expansion?: Expansion;
  /** The generation's answers to the pseudo-queries it was gated on, for the next run's gate. */
  searches?: RecordedSearches;
}

export type Expansion = 'dictionary' | 'glossary';

export interface MeasureOptions {
  logger: Logger;
  progress?: Progress;
  set?: LabelledSet;
  /** The project dictionary, as the service uses it (openDictionary); without it, the glossary alone. */
  dictionary?: Translator;
  /** Engines already opened for generations (with this embedder), so one run loads each lexical index once. */
  engines?: WeakMap<EngineGeneration, Promise<SearchEngine>>;
}

/** The engine the service would open for a generation, opened once per `opts.engines`. */
function engineFor(gen: EngineGeneration, embedder: Embedder, opts: MeasureOptions): Promise<SearchEngine> {
  const cached = opts.engines?.get(gen);
  if (cached) return cached;
  const opened = openGenerationEngine(gen, embedder, { logger: opts.logger, ...(opts.dictionary ? { dictionary: opts.dictionary } : {}) });
  opts.engines?.set(gen, opened);
  return opened;
}

/**
 * Evaluates a generation (its papers, index and persisted lexical index, with the embedder that built it) on the
 * labelled query set, through the same engine the service opens (openGenerationEngine).
 */
export async function measureQuality(gen: EngineGeneration, embedder: Embedder, opts: MeasureOptions): Promise<QualityRecord> {
  const set = opts.set ?? loadLabelledSet();
  const base = {
    metric: GATE_METRIC,
    embedder: embedder.info.id,
    papers: gen.papers.length,
    evaluatedAt: new Date().toISOString(),
    expansion: (opts.dictionary ? 'dictionary' : 'glossary') as Expansion,
  };
  const missing = missingRefs(set, gen.papers);
  if (missing.length) {
    // Scoring a corpus that lacks labelled papers would measure the corpus, not the search: say so instead.
    return { ...base, score: null, note: `labelled set does not apply: ${missing.length} labelled paper(s) are not in this generation, e.g. ${missing[0]}` };
  }
  return { ...base, score: await hybridMrr(gen, embedder, set, opts) };
}

/**
 * Mean reciprocal rank over the labelled queries in hybrid mode (junk flagging and related-paper clusters do not
 * feed the gate). Evaluated in chunks only to show progress: MRR is a mean, so chunk means weighted by size add up.
 */
async function hybridMrr(gen: EngineGeneration, embedder: Embedder, set: LabelledSet, opts: MeasureOptions): Promise<number> {
  const progress = opts.progress ?? noProgress;
  const chunk = 10;
  progress.start(set.queries.length + chunk, 'evaluating');
  try {
    const engine = await engineFor(gen, embedder, opts);
    progress.tick(chunk); // opening the engine (loading its lexical index) costs about as much as a chunk of queries
    let sum = 0;
    for (let i = 0; i < set.queries.length; i += chunk) {
      const queries = set.queries.slice(i, i + chunk);
      const report = await evaluateEngine(engine, { set: { queries, junk: [], clusters: [] }, modes: ['hybrid'] });
      sum += report.hybridMrr * queries.length;
      progress.tick(queries.length);
    }
    return sum / set.queries.length;
  } finally {
    progress.stop();
  }
}

function missingRefs(set: LabelledSet, papers: Paper[]): string[] {
  const ids = new Set(papers.map((p) => p.id));
  const refs = new Set(set.queries.flatMap((q) => q.relevant));
  return [...refs].filter((ref) => !ids.has(refToId(ref, 'labelled set')));
}

export async function writeQuality(generationDir: string, record: QualityRecord): Promise<void> {
  await writeFileAtomic(join(generationDir, QUALITY_FILE), JSON.stringify(record, null, 2) + '\n');
}

/** The recorded quality, or undefined when there is none or it is unreadable (the caller re-measures). */
export async function readQuality(generationDir: string, logger: Logger): Promise<QualityRecord | undefined> {
  const path = join(generationDir, QUALITY_FILE);
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(raw) as Partial<QualityRecord>;
    if (r.metric === GATE_METRIC && (typeof r.score === 'number' || r.score === null)) {
      // recorded answers in another shape are only an optimisation lost: the score still stands
      if (r.searches !== undefined && !wellFormed(r.searches)) delete r.searches;
      return r as QualityRecord;
    }
  } catch {
    // fall through
  }
  logger.warn({ file: path }, `ignoring unreadable ${path}; the live generation will be re-evaluated`);
  return undefined;
}

function wellFormed(s: RecordedSearches): boolean {
  const top = (s as Partial<RecordedSearches> | null)?.top;
  return typeof top === 'object' && top !== null && Object.values(top).every((ids) => Array.isArray(ids) && ids.every((id) => typeof id === 'string'));
}

// ---- pseudo-queries: a gate for any catalogue ----

export const PSEUDO_METRIC = 'hybrid MRR@10 on pseudo-queries';
/** Pseudo-queries per set (title fragments and summary sentences in each language): up to 4 x this many. */
const PSEUDO_PER_SET = 40;
const K = 10;
/** Recorded answers re-asked of the live engine before the rest are trusted (see RecordedSearches). */
export const SPOT_CHECKS = 8;

/** Both generations on the same pseudo-queries, made from papers both hold (see src/eval/corpus.ts). */
export interface PseudoComparison {
  baseline: number;
  candidate: number;
  queries: number;
  /** Live papers the new generation still holds, how many were live, and how many the new generation has. */
  shared: number;
  livePapers: number;
  candidatePapers: number;
  /** Queries whose live answer came from the live generation's record (RecordedSearches) instead of a search. */
  reused?: number;
}

/**
 * A generation's own hybrid answers (top-10 paper ids, by query text) to the pseudo-queries it was gated on, kept in
 * its quality.json. A generation never changes, so when it is live the next run's gate takes these as its answers
 * instead of searching it again: only queries from papers whose text changed since are searched. They are trusted
 * only for the same embedder, expansion and search-time ef, and only when the live engine still gives the same
 * answers to a few of them (SPOT_CHECKS): a changed search code or dictionary shows up there and the live generation
 * is searched in full, as without a record.
 */
export interface RecordedSearches {
  embedder: string;
  expansion: Expansion;
  ef: number;
  top: Record<string, string[]>;
}

export interface PseudoOptions extends MeasureOptions {
  /** The live generation's recorded answers (its quality.json), if any. */
  recorded?: RecordedSearches;
}

/** Known-item queries from the papers both generations hold (the new generation's text of them). */
export function sharedPseudoQueries(live: readonly Paper[], candidate: readonly Paper[]): { queries: PseudoQuery[]; shared: number } {
  const liveIds = new Set(live.map((p) => p.id));
  const both = candidate.filter((p) => liveIds.has(p.id));
  return { queries: catalogueQueries(both, { perSet: PSEUDO_PER_SET }), shared: both.length };
}

/**
 * The new generation on pseudo-queries, and the live one on the same queries when it is given (same embedder;
 * answers from its record where they apply). Returns the comparison (with a live generation) and the new
 * generation's answers to record with it. Without a live generation the queries come from all its papers.
 */
export async function gatePseudo(live: EngineGeneration | undefined, candidate: EngineGeneration, embedder: Embedder, opts: PseudoOptions): Promise<{ comparison?: PseudoComparison; searches: RecordedSearches }> {
  const { queries, shared } = sharedPseudoQueries(live?.papers ?? candidate.papers, candidate.papers);
  const texts = [...new Set(queries.map((q) => q.q))];
  const mine = await answers(candidate, embedder, texts, opts);
  const searches = { ...conditions(candidate, embedder, opts), top: Object.fromEntries(mine) };
  if (!live) return { searches };
  const theirs = await liveAnswers(live, embedder, texts, opts);
  const comparison = {
    baseline: mrr(queries, theirs.top),
    candidate: mrr(queries, mine),
    queries: queries.length,
    shared,
    livePapers: live.papers.length,
    candidatePapers: candidate.papers.length,
    reused: theirs.reused,
  };
  return { comparison, searches };
}

/** What the answers depend on besides the generation itself (and the code, which the spot check covers). */
function conditions(gen: EngineGeneration, embedder: Embedder, opts: MeasureOptions): Omit<RecordedSearches, 'top'> {
  return { embedder: embedder.info.id, expansion: opts.dictionary ? 'dictionary' : 'glossary', ef: gen.index.hnswParams.ef };
}

/** Hybrid top-10 ids of a generation's engine (as the service opens it) for each query text. */
async function answers(gen: EngineGeneration, embedder: Embedder, texts: readonly string[], opts: MeasureOptions): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (texts.length === 0) return out;
  const engine = await engineFor(gen, embedder, opts);
  for (const q of texts) out.set(q, (await engine.searchIds({ q, mode: 'hybrid', limit: K })).ids);
  return out;
}

/** The live generation's answers: recorded ones where they apply and the spot check confirms them, searched otherwise. */
async function liveAnswers(live: EngineGeneration, embedder: Embedder, texts: string[], opts: PseudoOptions): Promise<{ top: Map<string, string[]>; reused: number }> {
  const r = opts.recorded;
  const want = conditions(live, embedder, opts);
  const applies = r !== undefined && r.embedder === want.embedder && r.expansion === want.expansion && r.ef === want.ef;
  let usable = applies ? texts.filter((q) => Object.hasOwn(r.top, q)) : [];
  const step = Math.max(1, Math.ceil(usable.length / SPOT_CHECKS));
  const checked = await answers(live, embedder, usable.filter((_, i) => i % step === 0), opts);
  if ([...checked].some(([q, ids]) => !isDeepStrictEqual(ids, r!.top[q]))) {
    opts.logger.warn({ generation: live.name }, `generation ${live.name} no longer answers as recorded in its ${QUALITY_FILE} (search code or dictionary changed?); searching it on every pseudo-query`);
    usable = [];
  }
  const reused = new Map(usable.filter((q) => !checked.has(q)).map((q) => [q, r!.top[q]!]));
  const searched = await answers(live, embedder, texts.filter((q) => !checked.has(q) && !reused.has(q)), opts);
  return { top: new Map([...checked, ...searched, ...reused]), reused: reused.size };
}

function mrr(queries: readonly PseudoQuery[], top: Map<string, string[]>): number {
  return mean(queries.map((q) => reciprocalRank(top.get(q.q) ?? [], new Set([q.relevant]), K)));
}
