// A complete engine over the seed newsletters, built the way the product builds one (A's ingest into a lowdb
// catalogue, C's language views, a real HNSW index, the given embedder). Used by `npm run eval`, the search
// tests and the benchmark. Runs in seconds with the static embedder.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Paper } from '../catalogue/types.js';
import { openCatalogue } from '../catalogue/lowdb.js';
import { ingestPaths } from '../ingest/into-catalogue.js';
import { paperViews } from '../embed/views.js';
import type { Embedder } from '../embed/types.js';
import { HnswIndex } from '../index/hnsw.js';
import { loadConfig } from '../config.js';
import { noProgress, type Progress } from '../util/progress.js';
import { createSearchEngine, type SearchEngineOptions } from '../search/engine.js';
import { buildLexicalIndex, type LexicalIndex } from '../search/lexical.js';
import { catalogueBridge } from '../search/catalogue-bridge.js';
import { calibrateGeneration, type Calibration } from '../search/calibration.js';
import type { Dictionary } from '../lang/dictionary.js';
import type { SearchEngine } from '../search/types.js';

export const SEEDS_DIR = fileURLToPath(new URL('../../seeds/', import.meta.url));
/** Where tests, eval and bench keep built models (the static embedder, the dictionary) between runs. */
export const MODELS_CACHE = fileURLToPath(new URL('../../node_modules/.cache/papersift/models/', import.meta.url));

/** Ingests newsletter files or directories into a fresh catalogue under `dataDir` and returns its papers. */
export async function ingestSeeds(dataDir: string, paths: string[] = [SEEDS_DIR]): Promise<Paper[]> {
  const catalogue = await openCatalogue(join(dataDir, 'catalogue.json'));
  const report = await ingestPaths(catalogue, paths);
  const failed = report.documents.filter((d) => d.status === 'failed');
  if (failed.length) throw new Error(`seed ingest failed: ${failed.map((d) => `${d.name}: ${d.error}`).join('; ')}`);
  return catalogue.papers();
}

/** Embeds every paper's language views and adds them to a new HNSW index (default parameters from config). */
export async function indexPapers(papers: readonly Paper[], embedder: Embedder, progress: Progress = noProgress, batch = 256): Promise<HnswIndex> {
  const { hnsw } = loadConfig({}, {});
  const views = papers.flatMap(paperViews);
  const index = HnswIndex.create({ ...hnsw, dimensions: embedder.info.dimensions, capacity: views.length });
  progress.start(views.length, 'indexing views');
  for (let i = 0; i < views.length; i += batch) {
    const part = views.slice(i, i + batch);
    const vectors = await embedder.embedDocuments(part.map((v) => v.text));
    part.forEach((v, j) => index.upsert({ paperId: v.paperId, view: v.view }, vectors[j]!));
    progress.tick(part.length);
  }
  progress.stop();
  return index;
}

export interface SeedEngine {
  engine: SearchEngine;
  papers: Paper[];
  index: HnswIndex;
  lexical: LexicalIndex;
  /** The cut-offs fitted on the papers (catalogues of 200+ papers with a dictionary given), as index builds fit them. */
  calibration?: Calibration;
}

/** An engine over the seeds (or over other newsletter `paths`, e.g. a rendered corpus), built in `dataDir`. */
export async function buildSeedEngine(
  opts: { dataDir: string; embedder: Embedder; paths?: string[]; progress?: Progress } & Partial<Pick<SearchEngineOptions, 'dictionary' | 'confidence' | 'logger'>>,
): Promise<SeedEngine> {
  const papers = await ingestSeeds(opts.dataDir, opts.paths);
  const index = await indexPapers(papers, opts.embedder, opts.progress);
  // the bridge refitted from the catalogue's own bilingual papers, as index builds refit it
  const lexical = buildLexicalIndex(papers, catalogueBridge(papers));
  // large catalogues are served with cut-offs and a fusion weight fitted on themselves (as index builds do); the
  // seeds keep the priors
  const fitted = !opts.confidence && opts.dictionary && 'chineseWords' in opts.dictionary ? await calibrateGeneration({ papers, index, lexical, embedder: opts.embedder, dictionary: opts.dictionary as Dictionary }) : undefined;
  const served = fitted ? { confidence: fitted.confidence, ...(fitted.fusion ? { semanticWeight: fitted.fusion.semanticWeight } : {}) } : {};
  const engine = createSearchEngine({ papers, index, lexical, embedder: opts.embedder, ...pick(opts), ...served });
  return { engine, papers, index, lexical, ...(fitted ? { calibration: fitted } : {}) };
}

function pick(o: Partial<Pick<SearchEngineOptions, 'dictionary' | 'confidence' | 'logger'>>) {
  return {
    ...(o.dictionary ? { dictionary: o.dictionary } : {}),
    ...(o.confidence ? { confidence: o.confidence } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  };
}
