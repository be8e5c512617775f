// A generation's measured search quality, kept next to its manifest as quality.json so the next reindex can
// compare against the live generation without rebuilding its engine.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paper } from '../catalogue/types.js';
import type { Embedder } from '../embed/types.js';
import { evaluateEngine } from '../eval/evaluate.js';
import { loadLabelledSet, refToId, type LabelledSet } from '../eval/labelled-set.js';
import type { Translator } from '../search/analyzer.js';
import { openGenerationEngine, type EngineGeneration } from '../search/open.js';
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
    const engine = await openGenerationEngine(gen, embedder, { logger: opts.logger, ...(opts.dictionary ? { dictionary: opts.dictionary } : {}) });
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
