// Builds the next index generation from the catalogue. Incremental by default: start from the current
// generation when the same embedder built it, embed only views whose text changed (and only texts the
// embedding cache has never seen; papers that are the current generation's own objects are not even compared),
// upsert/remove them, compact when deleted entries pile up, learn the generation's Chinese-English bridge from the
// catalogue's bilingual papers, bring the generation's lexical (BM25) index up to date the same way (only papers
// whose text changed are re-tokenised, unless the bridge changed), then write a new generation and (by default)
// switch CURRENT to it. The current generation is never modified.
import type { Catalogue } from '../catalogue/types.js';
import { dataPaths, type Config } from '../config.js';
import { EmbeddingCache, textHash } from '../embed/cache.js';
import { embedViews, viewKey } from '../embed/pipeline.js';
import type { Embedder, View } from '../embed/types.js';
import { paperViews, VIEWS_VERSION } from '../embed/views.js';
import { silentLogger, type Logger } from '../log.js';
import { noProgress, type Progress } from '../util/progress.js';
import { EmbedderMismatchError, IndexFileError } from './errors.js';
import { openGenerationStore, type GenerationStore, type LoadedGeneration, type WrittenGeneration } from './generations.js';
import { HnswIndex } from './hnsw.js';
import { checkEmbedder } from './manifest.js';
import type { Paper } from '../catalogue/types.js';
import { buildLexicalIndexAsync, lexicalAnalyzerId, serializeLexicalIndex, updateLexicalIndex, type LexicalIndex } from '../search/lexical.js';
import { persistedLexicalIndex } from './open-engine.js';
import { chooseBridge } from './bridge.js';
import { chooseCalibration } from './calibration.js';
import type { Bridge } from '../lang/bridge.js';
import { calibrateGeneration, MIN_CALIBRATION_PAPERS } from '../search/calibration.js';
import { openDictionary, type Dictionary } from '../lang/dictionary.js';

/** Compact when more than this share of the graph is deleted entries. */
export const DEFAULT_COMPACT_THRESHOLD = 0.2;

export interface BuildOptions {
  config: Config;
  catalogue: Catalogue;
  embedder: Embedder;
  /** Ignore the current generation and index every view from scratch (vectors still come from the cache). */
  full?: boolean;
  progress?: Progress;
  logger?: Logger;
  /** Make the new generation live (default true). */
  switchTo?: boolean;
  compactThreshold?: number;
  batchSize?: number;
  concurrency?: number;
  /**
   * The current generation, when the caller has just loaded and verified it (the nightly reindex does): its papers,
   * manifest and lexical file are used as they are instead of being read and checksummed a second time. Its HNSW
   * index is loaded afresh from its directory, because a build changes the index it starts from and the caller's
   * copy must stay as it was (the reindex gate measures it).
   */
  current?: LoadedGeneration;
  /** A copy of `current`'s HNSW index (copyOfIndex) the caller started reading early; without it the build reads one. */
  currentIndex?: Promise<HnswIndex>;
  /** The project dictionary, when the caller has opened it already (the reindex gate searches with it too). */
  dictionary?: Dictionary;
}

export interface BuildResult {
  generation: string;
  previous?: string; // the generation this build started from (incremental) or replaced
  switched: boolean;
  full: boolean;
  fullReason?: string; // why a full build happened: requested, no index yet, embedder changed, previous unreadable
  papers: number;
  views: number;
  embedded: number; // distinct texts the model embedded
  reused: number; // changed views whose vector came from the cache
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  compacted: boolean;
  vectors: number; // live entries in the new generation
  deleted: number; // deleted entries still in its graph
  pruned: string[];
  lexical: LexicalBuildStats;
  /** The bridge the generation is indexed with: refitted by this build or kept, fitted from `pairs` bilingual papers, `drift` changed since (src/index/bridge.ts). */
  bridge: { id: string; refit: boolean; pairs: number; drift: number };
  /** Whether this build fitted the confidence cut-offs and fusion weight or kept the previous generation's, `drift` papers changed since (src/index/calibration.ts). */
  calibration: { refit: boolean; drift: number };
  ms: { load: number; embed: number; index: number; compact: number; bridge: number; lexical: number; calibrate: number; write: number; total: number };
}

/** How the lexical index was made: updated from the previous generation's, or built from every paper (and why). */
export interface LexicalBuildStats {
  full: boolean;
  fullReason?: string;
  added: number;
  updated: number;
  removed: number;
}

export async function buildIndex(opts: BuildOptions): Promise<BuildResult> {
  return (await buildGeneration(opts)).result;
}

/** buildIndex, and what the build wrote into the new generation and still holds (the reindex gate measures it). */
export async function buildGeneration(opts: BuildOptions): Promise<{ result: BuildResult; written: WrittenGeneration }> {
  const { config, catalogue, embedder } = opts;
  const logger = opts.logger ?? silentLogger;
  const progress = opts.progress ?? noProgress;
  const threshold = opts.compactThreshold ?? DEFAULT_COMPACT_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`buildIndex: compactThreshold must be in (0, 1], got ${threshold}`);
  const clock = phaseClock();

  const store = openGenerationStore(config.dataDir);
  const papers = catalogue.papers();
  const base = await startingPoint(store, opts, logger);
  const same = unchangedPapers(base);
  const fresh = papers.filter((p) => !same.has(p));
  const views = fresh.flatMap(paperViews);
  const index = base.index ?? HnswIndex.create({ dimensions: embedder.info.dimensions, ...config.hnsw, capacity: views.length });
  const load = clock.lap();

  const { changed, stale } = diffViews(index, papers, fresh, views);
  const cache = await EmbeddingCache.open(dataPaths(config.dataDir).cache, embedder.info, { logger });
  let embedded;
  try {
    embedded = await embedViews(embedder, changed, cache, { progress, logger, batchSize: opts.batchSize, concurrency: opts.concurrency });
  } finally {
    await cache.close();
  }
  const embed = clock.lap();

  for (const key of stale) index.remove(key);
  const counts = applyChanges(index, changed, embedded.vectors, progress);
  const indexMs = clock.lap();

  const compacted = index.deletedRatio > threshold;
  if (compacted) logger.info({ deleted: index.deletedCount, live: index.size }, 'compacting index');
  if (compacted) index.compact(progress);
  const compact = clock.lap();

  const chosen = await chooseBridge(papers, base.gen);
  const { bridge } = chosen;
  const bridgeMs = clock.lap();

  const lexical = await lexicalFor(base, papers, bridge, opts, logger);
  const lexicalMs = clock.lap();

  // the confidence cut-offs and fusion weight this generation is served with, fitted on its own papers (small
  // catalogues keep the priors), or kept from the generation an incremental build started from
  const { stats: ls } = lexical;
  const kept = base.fullReason === undefined && !ls.full ? base.gen : undefined;
  const { calibration, refit: recalibrated } = await chooseCalibration(kept, ls.added + ls.updated + ls.removed, async () => {
    if (papers.length < MIN_CALIBRATION_PAPERS) return undefined;
    const dictionary = opts.dictionary ?? (await openDictionary({ modelsDir: dataPaths(config.dataDir).models, logger }));
    return calibrateGeneration({ papers, index, embedder, lexical: lexical.index, dictionary });
  });
  const calibrate = clock.lap();

  const stats = {
    full: base.fullReason !== undefined,
    ...(base.fullReason ? { fullReason: base.fullReason } : {}),
    papers: papers.length,
    // the index now holds one entry per view of the catalogue: the views derived above and the unchanged papers' own
    views: index.size,
    embedded: embedded.embedded,
    reused: embedded.reused,
    ...counts,
    unchanged: index.size - changed.length,
    removed: stale.length,
    compacted,
    lexical: lexical.stats,
    bridge: { id: bridge.id, refit: chosen.refit, pairs: chosen.pairs, drift: chosen.drift },
    calibration: { refit: recalibrated, drift: calibration?.drift ?? 0 },
  };
  const stored = { analyzer: lexicalAnalyzerId(bridge), data: serializeLexicalIndex(lexical.index) };
  const generation = await store.write({
    index,
    papers,
    embedder: embedder.info,
    build: { ms: Math.round(clock.total()), ...stats },
    bridge: { id: bridge.id, data: bridge.serialize(), pairs: chosen.pairs, drift: chosen.drift },
    lexical: stored,
    ...(calibration ? { calibration } : {}),
    ...(base.gen ? { verified: base.gen.verified, paperFiles: base.gen.paperFiles } : {}),
  });
  const switched = opts.switchTo !== false;
  if (switched) await store.switchTo(generation);
  const pruned = switched ? await store.prune(config.keepGenerations) : [];
  const write = clock.lap();

  const result: BuildResult = {
    generation,
    ...(base.previous ? { previous: base.previous } : {}),
    switched,
    ...stats,
    vectors: index.size,
    deleted: index.deletedCount,
    pruned,
    ms: { load, embed, index: indexMs, compact, bridge: bridgeMs, lexical: lexicalMs, calibrate, write, total: Math.round(clock.total()) },
  };
  logger.info(result, 'index generation built');
  return { result, written: { papers, index, lexical: lexical.index } };
}

/**
 * The starting generation's own paper objects, which the catalogue hands back for papers that did not change (the
 * reindex's catalogue keeps them): their views are what the index holds, so they are neither derived nor hashed.
 * Only when the generation's views were made by today's rules (VIEWS_VERSION); otherwise every paper is compared.
 */
function unchangedPapers(base: Pick<StartingPoint, 'index' | 'gen'>): ReadonlySet<Paper> {
  return new Set(base.index && base.gen?.manifest.views === VIEWS_VERSION ? base.gen.papers : undefined);
}

interface StartingPoint {
  /** The HNSW index to update (absent: a full build). */
  index?: HnswIndex;
  /** The loaded previous generation, even when its vectors cannot be reused (its lexical index still can). */
  gen?: LoadedGeneration;
  previous?: string;
  fullReason?: string;
}

/** The generation to update, or why this is a full build. Only a mismatched or damaged index forces one. */
async function startingPoint(store: GenerationStore, opts: BuildOptions, logger: Logger): Promise<StartingPoint> {
  const previous = store.current();
  if (!previous) return { fullReason: 'no index yet' };
  if (opts.full) return { previous, fullReason: 'requested (--full)' };
  let gen: LoadedGeneration;
  try {
    gen = opts.current?.name === previous ? { ...opts.current, index: await (opts.currentIndex ?? copyOfIndex(opts.current, opts.config.hnsw.ef)) } : await store.load(previous, { ef: opts.config.hnsw.ef });
  } catch (err) {
    if (err instanceof IndexFileError) {
      logger.warn({ generation: previous, err: err.message }, 'current index generation is unreadable; rebuilding in full');
      return { previous, fullReason: `current generation ${previous} unreadable: ${err.message}` };
    }
    throw err;
  }
  try {
    checkEmbedder(gen.manifest, opts.embedder.info, gen.dir);
  } catch (err) {
    if (err instanceof EmbedderMismatchError) return { gen, previous, fullReason: `embedder changed from ${err.built.id} to ${err.requested.id}` };
    throw err;
  }
  return { index: gen.index, gen, previous };
}

/**
 * A second copy of a loaded generation's HNSW index, its graph read from its (already verified) file, for a build to
 * change. hnswlib reads the graph on a libuv thread, so a caller may start this early and do other work meanwhile.
 */
export function copyOfIndex(gen: LoadedGeneration, ef: number): Promise<HnswIndex> {
  const { M, efConstruction } = gen.manifest.index;
  return gen.index.copyFrom(gen.dir, { M, efConstruction, ef });
}

/**
 * The new generation's lexical index: the previous generation's, updated for the papers whose indexed text
 * changed, when it has one written by this lexical analyzer with this bridge (an embedder change does not matter
 * here); otherwise built from every paper. A damaged lexical file was already refused by the checksum check (full build).
 */
async function lexicalFor(base: StartingPoint, papers: Paper[], bridge: Bridge, opts: BuildOptions, logger: Logger): Promise<{ index: LexicalIndex; stats: LexicalBuildStats }> {
  const progress = opts.progress ?? noProgress;
  let fullReason = base.fullReason ?? 'no previous generation';
  if (base.gen) {
    let found: Awaited<ReturnType<typeof persistedLexicalIndex>>;
    try {
      // a generation written before each carried its bridge: the analyzer id check below tells
      const before = base.gen.manifest.bridge?.id;
      found = before && before !== bridge.id ? { reason: `the bridge was refitted (${before} -> ${bridge.id})` } : await persistedLexicalIndex(base.gen, bridge);
    } catch (err) {
      if (!(err instanceof IndexFileError)) throw err;
      logger.warn({ generation: base.gen.name, err: err.message }, 'previous lexical index is unusable; building it from every paper');
      found = { reason: err.message };
    }
    if ('index' in found) {
      const u = await updateLexicalIndex(found.index, base.gen.papers, papers, { progress });
      return { index: u.index, stats: { full: false, added: u.added, updated: u.updated, removed: u.removed } };
    }
    fullReason = found.reason;
  }
  const index = await buildLexicalIndexAsync(papers, bridge, { progress });
  return { index, stats: { full: true, fullReason, added: papers.length, updated: 0, removed: 0 } };
}

/**
 * Of `views` (those of the `fresh` papers, which may have changed), the ones whose text differs from what the index
 * holds (or that it lacks); and the index's entries no paper has any more: of papers gone from the catalogue, or views
 * a fresh paper no longer has. Entries of the other papers stay as they are.
 */
function diffViews(index: HnswIndex, papers: readonly Paper[], fresh: readonly Paper[], views: View[]) {
  const ids = new Set(papers.map((p) => p.id));
  const derived = new Set(fresh.map((p) => p.id));
  const wanted = new Set(views.map((v) => viewKey(v.paperId, v.view)));
  const changed = views.filter((v) => index.textHash(v) !== textHash(v.text));
  const stale = index.keys().filter((k) => !ids.has(k.paperId) || (derived.has(k.paperId) && !wanted.has(viewKey(k.paperId, k.view))));
  return { changed, stale };
}

function applyChanges(index: HnswIndex, changed: View[], vectors: Map<string, Float32Array>, progress: Progress) {
  let added = 0;
  let updated = 0;
  if (changed.length) progress.start(changed.length, 'indexing');
  try {
    for (const v of changed) {
      if (index.has(v)) updated++;
      else added++;
      index.upsert(v, vectors.get(viewKey(v.paperId, v.view))!, textHash(v.text));
      progress.tick();
    }
  } finally {
    progress.stop();
  }
  return { added, updated };
}

function phaseClock() {
  const start = performance.now();
  let last = start;
  return {
    lap(): number {
      const now = performance.now();
      const ms = Math.round(now - last);
      last = now;
      return ms;
    },
    total: () => performance.now() - start,
  };
}
