// Catalogue changes are staged with the index generation they belong to, so the live catalogue and the live index
// always agree. A writer (an upload, the nightly reindex) reads `catalogue.json` but writes its changes to
// `catalogue.staged.json`; once its generation is written, `catalogue.staged.for` names it; once CURRENT names it too, the copy replaces
// `catalogue.json`. A change whose generation never goes live (refused by the quality gate, failed, killed) is
// dropped with its copy: it cannot leak into the next write. Every writer settles what a killed writer left before
// staging its own change: a copy whose generation went live is installed (the kill came after the switch), any
// other copy is dropped. All of this happens under the data lock. Both files are small indexes naming segments in
// `catalogue-segments/` (src/catalogue/store.ts): the staged copy shares every segment its change left alone with the
// live one, and segments neither names any more are pruned once nothing is staged.
import { readFile, rename, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { dataPaths, type Config } from '../config.js';
import { openCatalogue } from '../catalogue/lowdb.js';
import { pruneCatalogueSegments, type ParsedSegments } from '../catalogue/store.js';
import type { Catalogue } from '../catalogue/types.js';
import type { GenerationStore } from '../index/generations.js';
import type { Logger } from '../log.js';
import { fsyncDir, writeFileAtomic } from '../util/atomic.js';

export interface StagedCatalogue {
  /** The staged copy: ingest into this, build the generation from it. */
  readonly catalogue: Catalogue;
  /** Records that `generation` (written, not yet live) was built from the staged copy. Call before switching to it. */
  bindTo(generation: string): Promise<void>;
  /** Installs the copy when its generation is live, drops it otherwise; safe to call more than once. */
  settle(): Promise<SettleOutcome>;
  /** Installs the copy now: only when the live generation already serves exactly its papers (nothing to build). */
  install(): Promise<void>;
}

export type SettleOutcome = 'nothing staged' | 'installed' | 'dropped';

function stagingPaths(config: Config) {
  const catalogue = dataPaths(config.dataDir).catalogue;
  return { catalogue, staged: catalogue.replace(/\.json$/, '') + '.staged.json', boundTo: catalogue.replace(/\.json$/, '') + '.staged.for' };
}

/** Settles anything a previous writer left, then opens the live catalogue with its writes going to the staged file. */
export async function stageCatalogue(config: Config, store: GenerationStore, logger: Logger, opts: { parsed?: ParsedSegments } = {}): Promise<StagedCatalogue> {
  await settleStagedCatalogue(config, store, logger);
  const p = stagingPaths(config);
  const catalogue = await openCatalogue(p.catalogue, { writeFile: (_live, data) => writeFileAtomic(p.staged, data), ...opts });
  return {
    catalogue,
    bindTo: (generation) => writeFileAtomic(p.boundTo, `${generation}\n`),
    settle: () => settleStagedCatalogue(config, store, logger),
    install: () => installStaged(p),
  };
}

/**
 * Installs a staged catalogue whose generation is live, drops any other staged state. Run by every writer before
 * it stages (so a killed writer's half-done change never leaks) and by the service at startup.
 */
export async function settleStagedCatalogue(config: Config, store: GenerationStore, logger: Logger): Promise<SettleOutcome> {
  const p = stagingPaths(config);
  const outcome = await settle(p, store, logger);
  // with nothing staged, the live catalogue alone names the segments worth keeping (catalogue/store.ts)
  const pruned = await pruneCatalogueSegments(p.catalogue);
  if (pruned.length) logger.debug({ segments: pruned.length }, 'removed catalogue segments no catalogue names any more');
  return outcome;
}

async function settle(p: ReturnType<typeof stagingPaths>, store: GenerationStore, logger: Logger): Promise<SettleOutcome> {
  const bound = existsSync(p.boundTo) ? (await readFile(p.boundTo, 'utf8')).trim() : undefined;
  if (bound === undefined && !existsSync(p.staged)) return 'nothing staged';
  if (bound !== undefined && bound === store.current()) {
    await installStaged(p);
    logger.info({ generation: bound }, `installed the catalogue staged with generation ${bound}, which is live`);
    return 'installed';
  }
  await unlink(p.staged).catch(ignoreMissing);
  await unlink(p.boundTo).catch(ignoreMissing);
  logger.info({ boundTo: bound }, `dropped staged catalogue changes whose generation ${bound ?? '(none written)'} never went live`);
  return 'dropped';
}

async function installStaged(p: ReturnType<typeof stagingPaths>): Promise<void> {
  if (existsSync(p.staged)) await rename(p.staged, p.catalogue);
  await fsyncDir(dirname(p.catalogue));
  await unlink(p.boundTo).catch(ignoreMissing);
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
