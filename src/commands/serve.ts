// `papersift serve` (`npm start`): the HTTP service. It listens at once; on a first run (no index generation in
// the data directory) it ingests the configured sources and builds the index, showing progress, while /health
// answers 503 "not ready". Then it serves, hot-swaps to new generations written by reindexes, and shuts down
// gracefully on SIGTERM / SIGINT.
import { Command, InvalidArgumentError } from 'commander';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Config } from '../config.js';
import { dataPaths } from '../config.js';
import type { Logger } from '../log.js';
import { openCatalogue } from '../catalogue/lowdb.js';
import { ingestPaths } from '../ingest/into-catalogue.js';
import { buildIndex } from '../index/build.js';
import { LockHeldError, withDataLock } from '../reindex/lock.js';
import { settleStagedCatalogue } from '../reindex/staging.js';
import { installWritePause } from '../reindex/test-hooks.js';
import { createProgress, noProgress, type Progress } from '../util/progress.js';
import { createApp } from '../server/app.js';
import { SearchPhases } from '../server/metrics.js';
import { answerClientErrors } from '../server/client-errors.js';
import { createDocumentWriter } from '../server/documents.js';
import { dataDirSource, type DataDirSource } from '../server/generation-source.js';
import { ServiceState } from '../server/state.js';
import { commandConfig, commandLogger } from './context.js';
import { formatReport } from './ingest.js';

interface ServeFlags {
  port?: number;
  host?: string;
  embedder?: string;
  source?: string[];
  progress: boolean;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve the search API and web page; on first run, build the catalogue and index from the sources')
    .option('-p, --port <n>', 'port to listen on, 0 = any free port (env PORT, default 8787)', port)
    .option('--host <host>', 'interface to listen on (env HOST, default 0.0.0.0)')
    .option('--embedder <id>', 'embedder for a first build: auto | static | a transformers.js model id (env PAPERSIFT_EMBEDDER)')
    .option('--source <path...>', 'newsletter directories/files for a first build (env PAPERSIFT_SOURCES, default ./seeds)')
    .option('--no-progress', 'no progress bars on stderr during a first build')
    .action(async (flags: ServeFlags, cmd: Command) => {
      const config = commandConfig(cmd, {
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        ...(flags.host ? { host: flags.host } : {}),
        ...(flags.embedder ? { embedder: flags.embedder } : {}),
        ...(flags.source ? { sources: flags.source } : {}),
      });
      await runServer(config, commandLogger(config), flags.progress ? createProgress() : noProgress);
    });
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be an integer in [0, 65535], got "${v}"`);
  return n;
}

/**
 * How far V8 lets the served heap grow past its live size before a full collection: 1.5x instead of up to 4x. Every
 * search leaves ~1 MB of garbage and the engine's kept rankings outlive young-generation collections, so under load
 * that growth was the peak RSS (20k papers, c=10: 905-907 MB; with this, 560-610 MB at equal or higher req/s;
 * docs/benchmarks.md, Scale, run 5). Read by V8 at each collection, so setting it at run time takes effect.
 */
const SERVED_HEAP_GROWTH = '--heap-growing-percent=50';

/**
 * Sets the heap growth limit once the generation is loaded: loading allocates far more than it keeps, and collecting
 * at 1.5x all along cost ~0.2 s of a 1.7 s startup at 20k papers. V8 applies the flag from the next full
 * collection on, and until then the heap may grow as far as the loading left it room to (peak RSS under load 820-870
 * MB instead of 577), so one full collection follows at once (~50 ms, before the first request is answered; 20k papers: startup
 * 1.70 -> 1.55 s, peak RSS under c=10 577 -> 602 MB, side by side).
 */
function limitHeapGrowth(): void {
  setFlagsFromString(SERVED_HEAP_GROWTH);
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const say = (line: string) => process.stderr.write(`papersift: ${line}\n`);

export async function runServer(config: Config, logger: Logger, progress: Progress): Promise<void> {
  installWritePause(); // test-only fault injection; does nothing unless PAPERSIFT_TEST_PAUSE_AT=writing
  const phases = new SearchPhases();
  const source = dataDirSource(config, logger, phases.listener);
  const state = new ServiceState(source, { currentFile: dataPaths(config.dataDir).current, pollIntervalMs: config.watchIntervalMs, logger });
  const documents = createDocumentWriter({ config, state, source, logger });
  const app = createApp({ config, state, logger, documents, reindexReport: dataPaths(config.dataDir).report, phases });
  const server = await listen(app.fetch, config);
  answerClientErrors(server, logger);
  const addr = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${addr.port}`;
  installShutdown(server, state, source, logger, () => documents.close());
  // stdout carries exactly one line, so scripts (and tests) can read the address even with --port 0
  process.stdout.write(`listening on ${url}\n`);

  await settleInterruptedWrite(config, source, logger);
  if (!source.store.current()) {
    state.setNotReadyReason(`building the catalogue and index from ${config.sources.join(', ')} (first run)`);
    await firstBuild(config, source, logger, progress);
  }
  await state.refresh();
  limitHeapGrowth();
  state.watch();
  if (config.apiKey) documents.warmUp(); // uploads are enabled: have the builder ready for the first one
  const s = state.status();
  say(s.ready ? `serving index generation ${s.generation} from ${config.dataDir} at ${url}` : `not ready: ${s.reason}`);
  if (s.ready && s.degraded) say(`DEGRADED: generation ${s.degraded.current} (CURRENT) cannot be served (${s.degraded.reason}); the next reindex repairs it`);
}

/**
 * A write killed with the previous server (an upload not yet acknowledged) left a staged catalogue: install it if its
 * generation went live, else drop it, so the catalogue agrees with what is served. A writer holding the lock now
 * settles it itself.
 */
async function settleInterruptedWrite(config: Config, source: DataDirSource, logger: Logger): Promise<void> {
  await withDataLock(config, () => settleStagedCatalogue(config, source.store, logger), { owner: 'papersift serve (startup)', logger }).catch((err: unknown) => {
    if (!(err instanceof LockHeldError)) throw err;
  });
}

/** Ingests the sources and builds the first generation, unless another process did so while we waited for the lock. */
async function firstBuild(config: Config, source: DataDirSource, logger: Logger, progress: Progress): Promise<void> {
  await withDataLock(
    config,
    async () => {
      if (source.store.current()) return;
      say(`first run: ingesting ${config.sources.join(', ')} into ${config.dataDir}`);
      const catalogue = await openCatalogue(dataPaths(config.dataDir).catalogue);
      const report = await ingestPaths(catalogue, config.sources);
      process.stderr.write(formatReport(report, catalogue.papers().length));
      if (catalogue.papers().length === 0) throw new Error(`no papers found in ${config.sources.join(', ')}; set PAPERSIFT_SOURCES to newsletter directories`);
      const embedder = await source.embedderForBuild(progress);
      say(`building the index with embedder ${embedder.info.id}`);
      const built = await buildIndex({ config, catalogue, embedder, logger, progress });
      say(`built generation ${built.generation}: ${built.papers} papers, ${built.vectors} vectors in ${(built.ms.total / 1000).toFixed(1)} s`);
    },
    { owner: 'papersift serve (first build)', waitMs: 10 * 60_000, logger },
  );
}

function listen(fetch: (req: Request) => Response | Promise<Response>, config: Config): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is already in use (set PORT or --port)` : err.message)),
    );
  });
}

/** SIGTERM/SIGINT: stop accepting, let in-flight requests finish (up to 10 s), release everything, exit 0. */
function installShutdown(server: ServerType, state: ServiceState, source: DataDirSource, logger: Logger, closeWriter: () => void): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: shutting down`);
    const force = setTimeout(() => {
      logger.warn('requests still running after 10 s; closing their connections');
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, 10_000);
    force.unref();
    server.close(async () => {
      clearTimeout(force);
      closeWriter();
      await state.close();
      await source.close();
      process.exit(0);
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
