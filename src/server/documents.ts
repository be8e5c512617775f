// POST /api/documents behind the route: under the data lock, the builder process (off the event loop) ingests the
// document into a staged copy of the catalogue, builds the index incrementally and switches to the new generation
// (reindex/write-document.ts); then this process serves that generation before answering, so the caller can search
// the new papers at once. The staged catalogue goes live with its generation (reindex/staging.ts), so a failed or
// killed upload changes nothing and its retry is built again.
// The data-directory lock keeps this and a cron reindex from writing at the same time.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { LockHeldError, withDataLock } from '../reindex/lock.js';
import { settleStagedCatalogue } from '../reindex/staging.js';
import { createBuilder } from '../reindex/build-process.js';
import { DocumentRejectedError, type WrittenDocument } from '../reindex/write-document.js';
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
    const written = await writeInBuilder(name, text);
    const built = performance.now();
    await serveNow(written.generation);
    const { report, document, generation } = written;
    const ms = { ...written.ms, builder: Math.round(built - started), serve: Math.round(performance.now() - built) };
    logger.info({ document: name, status: document.status, added: report.added.length, generation, ms }, 'document ingested');
    return {
      document,
      added: report.added,
      updated: report.updated,
      merged: report.merged,
      removed: report.removed,
      unchanged: report.unchanged.length,
      warnings: report.warnings,
      generation,
      tookMs: Math.round(performance.now() - started),
    };
  }

  /** The write itself, in the builder process; a builder that died mid-way leaves a staged change, settled here. */
  async function writeInBuilder(name: string, text: string): Promise<WrittenDocument> {
    const embedder = (await source.embedderForBuild()).info; // the served generation's: the child opens the same
    const served = state.status();
    try {
      return await builder.write({ config, embedder, write: { name, text, ...(served.ready ? { served: served.generation } : {}) } });
    } catch (err) {
      if (err instanceof DocumentRejectedError) throw badRequest(`invalid body: ${err.message}`, err.details);
      await settleStagedCatalogue(config, source.store, logger);
      throw err;
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
