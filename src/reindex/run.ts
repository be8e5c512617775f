// The nightly reindex, start to finish, under the data lock:
//   verify the live generation -> ingest the sources into the catalogue -> (nothing changed? stop) ->
//   build a new generation (incremental, cache-backed; C's buildIndex) -> quality gate -> switch CURRENT -> prune.
// The live generation is never modified except for its quality.json side file; a new generation only becomes
// live by the atomic CURRENT switch, so a crash or kill at any point leaves the previous one served.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { dataPaths, type Config } from '../config.js';
import { ingestPaths } from '../ingest/into-catalogue.js';
import { diffPapers } from '../catalogue/report.js';
import { segmentFile } from '../catalogue/store.js';
import type { Catalogue, IngestReport, Paper } from '../catalogue/types.js';
import { openEmbedder } from '../embed/select.js';
import type { Embedder, EmbedderInfo } from '../embed/types.js';
import { buildGeneration, copyOfIndex, type BuildResult } from '../index/build.js';
import { openGenerationStore, type GenerationStore, type LoadedGeneration, type WrittenGeneration } from '../index/generations.js';
import { embedderDifference } from '../index/manifest.js';
import { openDictionary, type Dictionary } from '../lang/dictionary.js';
import { silentLogger, type Logger } from '../log.js';
import { noProgress, type Progress } from '../util/progress.js';
import { ExitCode } from './exit-codes.js';
import { decideGate } from './gate.js';
import { acquireLock, LockHeldError, type Lock } from './lock.js';
import { gatePseudo, measureQuality, readQuality, writeQuality, type MeasureOptions, type QualityRecord } from './quality.js';
import { writeReport, type GateResult, type ReindexOutcome, type ReindexResult } from './report.js';
import { installWritePause, pauseIfRequested, pausingEmbedder } from './test-hooks.js';
import { settleStagedCatalogue, stageCatalogue, type StagedCatalogue } from './staging.js';

export const DEFAULT_MAX_DROP = 0.05;

export interface ReindexOptions {
  /** Build a fresh graph from every view instead of updating the live generation (vectors still come from the cache). */
  full?: boolean;
  /** Switch even when the quality gate refuses. */
  force?: boolean;
  /** Largest accepted drop of hybrid MRR@10 versus the live generation (default 0.05). */
  maxDrop?: number;
  /** Remove papers whose only source file disappeared (default true). */
  removeMissing?: boolean;
  lockMaxAgeMs?: number;
  progress?: Progress;
  logger?: Logger;
}

interface Ctx {
  config: Config;
  opts: ReindexOptions;
  logger: Logger;
  progress: Progress;
  store: GenerationStore;
  result: ReindexResult;
  /** Set when CURRENT's generation is damaged and an intact older one stands in as the baseline: this run repairs it. */
  repairing?: string;
  /** The catalogue this run ingests into: installed only with the generation built from it (staging.ts). */
  staged?: StagedCatalogue;
  /** The project dictionary, opened once per run for the build's calibration and the quality gate (the service searches with it too). */
  dictionary?: Promise<Dictionary>;
}

function dictionaryOf(ctx: Ctx): Promise<Dictionary> {
  ctx.dictionary ??= openDictionary({ modelsDir: dataPaths(ctx.config.dataDir).models, logger: ctx.logger });
  return ctx.dictionary;
}

/**
 * Runs one reindex. Never throws for expected outcomes: the result's outcome/exitCode say what happened.
 * The JSON report is written to dataPaths(dataDir).report by every run that got the lock.
 */
export async function runReindex(config: Config, opts: ReindexOptions = {}): Promise<ReindexResult> {
  const logger = opts.logger ?? silentLogger;
  const result = emptyResult(config, opts);
  let lock: Lock;
  try {
    lock = await acquireLock(dataPaths(config.dataDir).lock, { owner: 'reindex', logger, ...(opts.lockMaxAgeMs ? { maxAgeMs: opts.lockMaxAgeMs } : {}) });
  } catch (err) {
    // Another run holds the lock and owns the report file: leave it alone.
    return conclude(result, err instanceof LockHeldError ? 'lock-held' : 'error', errorMessage(err));
  }
  installWritePause();
  const ctx: Ctx = { config, opts, logger, progress: opts.progress ?? noProgress, store: openGenerationStore(config.dataDir), result };
  try {
    await reindexLocked(ctx, lock);
    await ctx.staged?.settle(); // installs the staged catalogue if its generation went live, else drops it
  } catch (err) {
    await settleStagedCatalogue(config, ctx.store, logger).catch((e: unknown) => logger.error({ err: e }, 'could not settle the staged catalogue; the next writer will'));
    // The message reaches the operator in the summary; the stack is for debugging, not for every cron mail.
    logger.error({ error: errorMessage(err) }, 'reindex failed');
    logger.debug({ err }, 'reindex failure details');
    conclude(result, 'error', errorMessage(err));
  } finally {
    await writeReport(dataPaths(config.dataDir).report, result).catch((err: unknown) => logger.error({ err }, 'could not write the reindex report'));
    await lock.release();
  }
  return result;
}

async function reindexLocked(ctx: Ctx, lock: Lock): Promise<void> {
  const { config, opts, result: r } = ctx;
  const live = await timed(r, 'verify', () => loadLive(ctx));
  // the build changes a copy of the live HNSW index (the gate measures the live one as it is): hnswlib reads it on
  // another thread while this one ingests. Unused when nothing changed or the build is a full one.
  const liveIndex = live && !opts.full && !ctx.repairing ? copyOfIndex(live, config.hnsw.ef) : undefined;
  liveIndex?.catch(() => undefined); // a failure surfaces where the build awaits it, or not at all if unused
  // with PAPERSIFT_EMBEDDER=auto the live index keeps its embedder; only an explicit choice switches (a full rebuild),
  // also when --full skips a damaged live generation
  const recorded = live?.manifest.embedder ?? (await ctx.store.recordedEmbedder());
  const built = recorded ? { built: recorded } : {};
  // opened while the run ingests (reading its files is I/O, and the static embedder checks them on a worker thread)
  const opening = openEmbedder(config, { logger: ctx.logger, progress: ctx.progress, ...built });
  opening.catch(() => undefined); // awaited below once the ingest is recorded, so a failed open's summary says what was ingested
  let catalogue: Catalogue;
  try {
    catalogue = await timed(r, 'ingest', () => ingest(ctx, live));
  } catch (err) {
    await opening.then(({ embedder }) => embedder.close()).catch(() => undefined);
    throw err;
  }
  const papers = catalogue.papers();
  recordPaperChanges(r, live, papers);
  const { embedder, reason } = await timed(r, 'embedder', () => opening);
  try {
    recordEmbedder(r, live, embedder.info, reason);
    if (live && !opts.full && !ctx.repairing && upToDate(live, papers, embedder.info)) {
      r.views = { total: live.index.size, embedded: 0, fromCache: 0, unchanged: live.index.size };
      await ctx.staged!.install(); // same papers as the live generation: only document records (hashes, paths) changed
      conclude(r, 'nothing-to-do', `nothing to do: generation ${live.name} already serves the catalogue with ${embedder.info.id}`);
      return;
    }
    const full = (opts.full ?? false) || ctx.repairing !== undefined;
    const dictionary = await timed(r, 'dictionary', () => dictionaryOf(ctx)); // once, for the build's calibration and the gate
    const { result: build, written } = await buildGeneration({ config, catalogue, embedder: pausingEmbedder(embedder), full, progress: ctx.progress, logger: ctx.logger, switchTo: false, dictionary, ...(live ? { current: live } : {}), ...(liveIndex ? { currentIndex: liveIndex } : {}) });
    recordBuild(r, build);
    await gateAndSwitch(ctx, lock, build.generation, written, live, embedder);
  } finally {
    await embedder.close();
  }
}

/**
 * The live generation, loaded and checksum-verified. A damaged one is replaced: the newest older generation that
 * verifies becomes the baseline and the run rebuilds in full (the service serves that older one meanwhile). With no
 * intact generation the run stops (IndexFileError names the file) before anything is written; with --full the live
 * one is only needed for comparison, so damage is logged and skipped.
 */
async function loadLive(ctx: Ctx): Promise<LoadedGeneration | undefined> {
  const name = ctx.store.current();
  ctx.result.generation.previous = name;
  ctx.result.generation.live = name;
  if (!name) return undefined;
  try {
    return await ctx.store.load(name, { ef: ctx.config.hnsw.ef });
  } catch (err) {
    if (ctx.opts.full) {
      ctx.logger.warn({ err, generation: name }, 'live generation is unreadable; --full rebuilds without it');
      return undefined;
    }
    const stand = await intactFallback(ctx, name, errorMessage(err));
    if (stand) return stand;
    throw new Error(`${errorMessage(err)} (or run the reindex with --full to rebuild from the catalogue)`, { cause: err });
  }
}

async function intactFallback(ctx: Ctx, damaged: string, reason: string): Promise<LoadedGeneration | undefined> {
  for (const name of ctx.store.fallbacks(damaged)) {
    try {
      const gen = await ctx.store.load(name, { ef: ctx.config.hnsw.ef });
      ctx.repairing = damaged;
      ctx.logger.error({ damaged, baseline: name, reason }, `live generation ${damaged} is damaged (${reason}); rebuilding in full against generation ${name}`);
      return gen;
    } catch (err) {
      ctx.logger.warn({ generation: name, err: errorMessage(err) }, `older generation ${name} is damaged too`);
    }
  }
  return undefined;
}

async function ingest(ctx: Ctx, live: LoadedGeneration | undefined): Promise<Catalogue> {
  // the live generation holds the catalogue's papers in the same segments, already parsed (and verified)
  const parsed = new Map(live?.paperFiles.map((f) => [segmentFile(f.sha256), f.papers]));
  ctx.staged = await stageCatalogue(ctx.config, ctx.store, ctx.logger, { parsed });
  const catalogue = ctx.staged.catalogue;
  const report = await ingestPaths(catalogue, ctx.config.sources, { removeMissing: ctx.result.removeMissing });
  recordIngest(ctx.result, report);
  for (const w of report.warnings) ctx.logger.info(w, `${w.file}:${w.line}: ${w.message}`);
  // A newsletter that no longer parses keeps its previous state; say so loudly, since the run itself goes on.
  for (const f of ctx.result.documents.failed) ctx.logger.error({ document: f.name }, `document not ingested: ${f.error}`);
  return catalogue;
}

/** Same papers, same embedder: the live generation already is what a rebuild would produce. */
function upToDate(live: LoadedGeneration, papers: Paper[], embedder: EmbedderInfo): boolean {
  return embedderDifference(live.manifest.embedder, embedder) === undefined && isDeepStrictEqual(live.papers, papers);
}

async function gateAndSwitch(ctx: Ctx, lock: Lock, name: string, written: WrittenGeneration, live: LoadedGeneration | undefined, embedder: Embedder): Promise<void> {
  const { store, result: r, config } = ctx;
  const candidateDir = join(store.dir, name);
  try {
    const gate = await timed(r, 'evaluate', () => evaluateGate(ctx, name, written, live, embedder));
    r.gate = gate;
    if (!gate.passed) {
      await rm(candidateDir, { recursive: true, force: true });
      conclude(r, 'gate-refused', `quality gate refused generation ${name} (${gate.note}); ${live?.name ?? 'the previous generation'} stays live and generation ${name} was deleted`);
      return;
    }
    await pauseIfRequested('switching');
    await timed(r, 'switch', async () => {
      // If our lock was judged stale and taken over, another writer may be mid-change: do not switch under it.
      if (!(await lock.isHeld())) throw new Error(`lost the lock ${lock.path} to another process; not switching to generation ${name}`);
      await ctx.staged!.bindTo(name);
      await store.switchTo(name);
      r.generation.live = name;
      r.generation.pruned = await store.prune(config.keepGenerations);
    });
    conclude(r, 'switched', `switched to generation ${name}${live ? ` (was ${live.name})` : ''}`);
  } catch (err) {
    if (store.current() !== name) await rm(candidateDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Measures the new generation as written on disk (what would be served: its files verified, what they hold taken
 * from the build that wrote them rather than read back) and compares with the live one.
 */
async function evaluateGate(ctx: Ctx, name: string, written: WrittenGeneration, live: LoadedGeneration | undefined, embedder: Embedder): Promise<GateResult> {
  // its files are checksummed on a worker thread while it is measured, and must all verify before the verdict
  const { generation: candidateGen, verified } = await ctx.store.openWritten(name, written, { ef: ctx.config.hnsw.ef });
  const dictionary = await dictionaryOf(ctx);
  // each generation's engine (one lexical index load) serves both the labelled set and the pseudo-queries
  const engines: MeasureOptions['engines'] = new WeakMap();
  const candidate = await measureQuality(candidateGen, embedder, { logger: ctx.logger, progress: ctx.progress, dictionary, engines });
  const baseline = live ? await liveQuality(ctx, live, embedder, engines) : undefined;
  // pseudo-queries need both engines with one embedder; across an embedder change the labelled set alone decides
  const comparable = live && embedderDifference(live.manifest.embedder, embedder.info) === undefined ? live : undefined;
  const recorded = baseline?.searches ? { recorded: baseline.searches } : {};
  const pseudo = await gatePseudo(comparable, candidateGen, embedder, { logger: ctx.logger, dictionary, engines, ...recorded });
  await verified;
  // the new generation's answers go with its score, so that the next run's gate need not search it again
  await writeQuality(candidateGen.dir, { ...candidate, searches: pseudo.searches });
  return decideGate(baseline, candidate, { maxDrop: ctx.opts.maxDrop ?? DEFAULT_MAX_DROP, force: ctx.opts.force ?? false }, pseudo.comparison);
}

/**
 * The live generation's recorded score; measured now (with the embedder that built it) when none was recorded, or
 * when it was recorded with another cross-language expansion than the candidate's (compare like with like).
 */
async function liveQuality(ctx: Ctx, live: LoadedGeneration, current: Embedder, engines: MeasureOptions['engines']): Promise<QualityRecord> {
  const recorded = await readQuality(live.dir, ctx.logger);
  if (recorded && (recorded.expansion ?? 'glossary') === 'dictionary') return recorded;
  const same = embedderDifference(live.manifest.embedder, current.info) === undefined;
  let embedder = current;
  try {
    if (!same) embedder = (await openEmbedder(ctx.config, { logger: ctx.logger, require: live.manifest.embedder })).embedder;
  } catch (err) {
    const note = `its embedder cannot be opened to measure it (${errorMessage(err)})`;
    return { metric: 'hybrid MRR@10', score: null, note, embedder: live.manifest.embedder.id, papers: live.papers.length, evaluatedAt: new Date().toISOString() };
  }
  try {
    // with the current embedder, its engine is kept for the pseudo-query comparison
    const record = await measureQuality(live, embedder, { logger: ctx.logger, progress: ctx.progress, dictionary: await dictionaryOf(ctx), ...(same ? { engines } : {}) });
    await writeQuality(live.dir, record); // only a side file: the generation's own files are untouched
    return record;
  } finally {
    if (!same) await embedder.close();
  }
}

function recordIngest(r: ReindexResult, report: IngestReport): void {
  const count = (status: string) => report.documents.filter((d) => (d.status as string) === status).length;
  r.documents = {
    seen: report.documents.filter((d) => (d.status as string) !== 'removed').length,
    new: count('new'),
    changed: count('changed'),
    unchanged: count('unchanged'),
    removed: count('removed'),
    failed: report.documents.filter((d) => d.status === 'failed').map((d) => ({ name: d.name, error: d.error ?? 'unknown error' })),
  };
  r.warnings = report.warnings.length;
}

function recordPaperChanges(r: ReindexResult, live: LoadedGeneration | undefined, papers: Paper[]): void {
  const diff = diffPapers(live?.papers ?? [], papers);
  r.papers = { added: diff.added.length, updated: diff.updated.length, removed: diff.removed.length, total: papers.length };
  r.index.entries = live?.index.size ?? 0;
}

function recordEmbedder(r: ReindexResult, live: LoadedGeneration | undefined, embedder: EmbedderInfo, choice: string): void {
  r.embedder = { id: embedder.id, choice, ...(live ? { previous: live.manifest.embedder.id } : {}), fullRebuild: false };
}

function recordBuild(r: ReindexResult, b: BuildResult): void {
  r.generation.built = b.generation;
  r.views = { total: b.views, embedded: b.embedded, fromCache: b.reused, unchanged: b.unchanged };
  r.embedder.fullRebuild = b.full;
  if (b.fullReason) r.embedder.reason = b.fullReason;
  const { fullReason: reason, ...lexical } = b.lexical;
  r.index = { entries: b.vectors, compacted: b.compacted, lexical: { ...lexical, ...(reason ? { reason } : {}) } };
  const { load, embed, index, compact, bridge, lexical: lexicalMs, calibrate, write } = b.ms;
  Object.assign(r.phasesMs, { load, embed, index, compact, bridge, lexical: lexicalMs, calibrate, write });
}

function emptyResult(config: Config, opts: ReindexOptions): ReindexResult {
  return {
    outcome: 'error',
    exitCode: ExitCode.Error,
    startedAt: new Date().toISOString(),
    finishedAt: '',
    dataDir: config.dataDir,
    sources: config.sources,
    removeMissing: opts.removeMissing ?? true,
    documents: { seen: 0, new: 0, changed: 0, unchanged: 0, removed: 0, failed: [] },
    papers: { added: 0, updated: 0, removed: 0, total: 0 },
    views: { total: 0, embedded: 0, fromCache: 0, unchanged: 0 },
    embedder: { id: config.embedder, fullRebuild: false },
    index: { entries: 0, compacted: false },
    generation: { pruned: [] },
    warnings: 0,
    phasesMs: {},
    totalMs: 0,
    message: '',
  };
}

const EXIT: Record<ReindexOutcome, ReindexResult['exitCode']> = {
  switched: ExitCode.Switched,
  'nothing-to-do': ExitCode.NothingToDo,
  'gate-refused': ExitCode.GateRefused,
  'lock-held': ExitCode.LockHeld,
  error: ExitCode.Error,
};

function conclude(r: ReindexResult, outcome: ReindexOutcome, message: string): ReindexResult {
  r.outcome = outcome;
  r.exitCode = EXIT[outcome];
  r.message = message;
  if (outcome === 'error' || outcome === 'lock-held') r.error = message;
  r.finishedAt = new Date().toISOString();
  r.totalMs = Date.parse(r.finishedAt) - Date.parse(r.startedAt);
  return r;
}

async function timed<T>(r: ReindexResult, phase: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    r.phasesMs[phase] = (r.phasesMs[phase] ?? 0) + Math.round(performance.now() - t0);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
