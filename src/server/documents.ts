// POST /api/documents behind the route: ingest one document into a staged copy of the catalogue, build the index
// incrementally in the builder process (off the event loop), switch to the new generation and serve it before
// answering, so the caller can search the new papers at once; the staged catalogue goes live with that generation
// (reindex/staging.ts), so a failed or killed upload changes nothing and its retry is built again.
// The data-directory lock keeps this and a cron reindex from writing at the same time.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Catalogue } from '../catalogue/types.js';
import { ingestText } from '../catalogue/ingest.js';
import { IngestError } from '../ingest/errors.js';
import { LockHeldError, withDataLock } from '../reindex/lock.js';
import { stageCatalogue, type StagedCatalogue } from '../reindex/staging.js';
import { pauseIfRequested } from '../reindex/test-hooks.js';
import { createBuilder } from '../reindex/build-process.js';
import { ApiError, badRequest } from './errors.js';
import type { DataDirSource } from './generation-source.js';
import type { ServiceState } from './state.js';

export interface DocumentResult {
  document: { name: string; status: 'new' | 'changed' | 'unchanged' | 'failed' | 'removed'; papers: number };
  added: string[];
  updated: string[];
  merged: string[];
  removed: string[];
  unchanged: number;
  warnings: { file: string; line: number; message: string }[];
  generation: string;
  tookMs: number;
}

export interface DocumentWriter {
  write(name: string, text: string): Promise<DocumentResult>;
  /** Starts the builder process ahead of the first upload (once a generation is served). */
  warmUp(): void;
  /** Stops the builder process (shutdown). */
  close(): void;
}

export interface DocumentWriterOptions {
  config: Config;
  state: ServiceState;
  source: DataDirSource;
  logger: Logger;
  /** How long to wait for another writer (a running reindex) before answering 409. Default 15 s. */
  lockWaitMs?: number;
}

export function createDocumentWriter(opts: DocumentWriterOptions): DocumentWriter {
  const { config, state, source, logger } = opts;
  let queue: Promise<unknown> = Promise.resolve();
  const builder = createBuilder();

  async function writeLocked(name: string, text: string): Promise<DocumentResult> {
    const started = performance.now();
    // staged: the catalogue changes only together with the generation built from it (a failure or a kill drops both)
    const staged = await stageCatalogue(config, source.store, logger);
    try {
      const report = await ingestText(staged.catalogue, name, text).catch((err: unknown) => {
        if (err instanceof IngestError) throw badRequest(`invalid body: ${err.message}`, { document: err.document, ...(err.line ? { line: err.line } : {}) });
        throw err;
      });
      const doc = report.documents[0] ?? { name, status: 'unchanged' as const, papers: 0 };
      if (doc.status === 'failed') throw badRequest(`invalid body: ${doc.error ?? 'the document could not be ingested'}`, { document: doc.name });
      const ingested = performance.now();
      const generation = doc.status === 'unchanged' && liveServes(staged.catalogue) ? source.store.current()! : await buildAndSwitch(staged);
      const built = performance.now();
      await serveNow(generation);
      const ms = { ingest: Math.round(ingested - started), build: Math.round(built - ingested), serve: Math.round(performance.now() - built) };
      const result: DocumentResult = {
        document: { name: doc.name, status: doc.status, papers: doc.papers },
        added: report.added,
        updated: report.updated,
        merged: report.merged,
        removed: report.removed,
        unchanged: report.unchanged.length,
        warnings: report.warnings,
        generation,
        tookMs: Math.round(performance.now() - started),
      };
      logger.info({ document: name, status: doc.status, added: report.added.length, generation, ms }, 'document ingested');
      return result;
    } finally {
      await staged.settle();
    }
  }

  /**
   * Builds a generation from the staged catalogue in a child process (off the event loop that answers searches) and
   * makes it live; the staged catalogue goes live with it when settled.
   */
  async function buildAndSwitch(staged: StagedCatalogue): Promise<string> {
    const embedder = (await source.embedderForBuild()).info; // the served generation's: the child opens the same
    const built = await builder.build({ config, catalogue: staged.file(), embedder });
    await staged.bindTo(built.generation);
    await pauseIfRequested('switching');
    await source.store.switchTo(built.generation);
    await source.store.prune(config.keepGenerations);
    return built.generation;
  }

  /**
   * Whether the served generation is CURRENT and holds exactly the catalogue's papers, so an unchanged document needs
   * no build. A retried upload whose first attempt died before its generation went live is built again here, also
   * in data directories written before catalogue changes were staged.
   */
  function liveServes(catalogue: Catalogue): boolean {
    const lease = state.acquire();
    if (!lease) return false;
    try {
      const { generation, papers } = lease.snapshot;
      const want = catalogue.papers();
      return generation === source.store.current() && papers.size === want.length && want.every((p) => papers.resolve(p.id)?.id === p.id);
    } finally {
      lease.release();
    }
  }

  /** Serves `generation` before the upload is acknowledged: done means searchable. */
  async function serveNow(generation: string): Promise<void> {
    await state.refresh();
    const served = state.status();
    if (!served.ready || served.generation !== generation) {
      throw new ApiError(500, 'internal', `generation ${generation} was written but could not be served; see the server log`);
    }
  }

  return {
    close: () => builder.close(),
    warmUp() {
      source.embedderForBuild().then(
        (e) => builder.warmUp({ config, embedder: e.info }),
        (err: unknown) => logger.warn({ err }, 'could not start the index builder ahead of uploads'),
      );
    },
    write(name, text) {
      // one write at a time in this process; the lock covers other processes
      const run = queue.then(() =>
        withDataLock(config, () => writeLocked(name, text), { owner: 'POST /api/documents', waitMs: opts.lockWaitMs ?? 15_000, logger }).catch((err: unknown) => {
          if (err instanceof LockHeldError) {
            throw new ApiError(409, 'conflict', `another writer holds the data lock (${err.holder?.owner ?? 'unknown'}); retry later`, undefined, { 'Retry-After': '30' });
          }
          throw err;
        }),
      );
      queue = run.catch(() => {});
      return run;
    },
  };
}
