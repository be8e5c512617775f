// A generation's measured search quality, kept next to its manifest as quality.json so the next reindex can
// compare against the live generation without rebuilding its engine.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paper } from '../catalogue/types.js';
import type { Embedder } from '../embed/types.js';
import { evaluateEngine } from '../eval/evaluate.js';
import { loadLabelledSet, refToId, type LabelledSet } from '../eval/labelled-set.js';
import { catalogueQueries, evaluateQueries, type PseudoQuery } from '../eval/corpus.js';
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
    if (r.metric === GATE_METRIC && (typeof r.score === 'number' || r.score === null)) return r as QualityRecord;
  } catch {
    // fall through
  }
  logger.warn({ file: path }, `ignoring unreadable ${path}; the live generation will be re-evaluated`);
  return undefined;
}

// ---- pseudo-queries: a gate for any catalogue ----

export const PSEUDO_METRIC = 'hybrid MRR@10 on pseudo-queries';
/** Pseudo-queries per set (title fragments and summary sentences in each language): up to 4 x this many. */
const PSEUDO_PER_SET = 40;

/** Both generations on the same pseudo-queries, made from papers both hold (see src/eval/corpus.ts). */
export interface PseudoComparison {
  baseline: number;
  candidate: number;
  queries: number;
  /** Live papers the new generation still holds, how many were live, and how many the new generation has. */
  shared: number;
  livePapers: number;
  candidatePapers: number;
}

/** Known-item queries from the papers both generations hold (the new generation's text of them). */
export function sharedPseudoQueries(live: readonly Paper[], candidate: readonly Paper[]): { queries: PseudoQuery[]; shared: number } {
  const liveIds = new Set(live.map((p) => p.id));
  const both = candidate.filter((p) => liveIds.has(p.id));
  return { queries: catalogueQueries(both, { perSet: PSEUDO_PER_SET }), shared: both.length };
}

/** Hybrid MRR@10 of a generation's engine (as the service opens it) on the given pseudo-queries. */
export async function pseudoMrr(gen: EngineGeneration, embedder: Embedder, queries: readonly PseudoQuery[], opts: MeasureOptions): Promise<number> {
  if (queries.length === 0) return 0;
  const report = await evaluateQueries(await engineFor(gen, embedder, opts), queries, ['hybrid'], gen.papers.length);
  return report.rows.reduce((s, r) => s + r.mrr * r.queries, 0) / queries.length;
}

/** Compares the live and the new generation on pseudo-queries from the papers both hold (same embedder). */
export async function comparePseudo(live: EngineGeneration, candidate: EngineGeneration, embedder: Embedder, opts: MeasureOptions): Promise<PseudoComparison> {
  const { queries, shared } = sharedPseudoQueries(live.papers, candidate.papers);
  return {
    baseline: await pseudoMrr(live, embedder, queries, opts),
    candidate: await pseudoMrr(candidate, embedder, queries, opts),
    queries: queries.length,
    shared,
    livePapers: live.papers.length,
    candidatePapers: candidate.papers.length,
  };
}
