// The builder process behind createBuilder (build-process.ts): builds index generations, one job per line of JSON
// on stdin, answering each with one line of JSON on stdout. Running builds here keeps their CPU work (embedding,
// HNSW inserts, the lexical index, checksums) off the server's event loop, so searches are not starved by an upload
// and the upload is not starved by searches. It stays up between jobs (starting node and opening the embedder
// take longer than a small build) and exits when its parent goes away (stdin closes): a build nobody waits for must
// not go on writing without the data lock its parent held.
import { createInterface } from 'node:readline';
import type { Config } from '../config.js';
import { openCatalogue } from '../catalogue/lowdb.js';
import { openEmbedder } from '../embed/select.js';
import type { Embedder, EmbedderInfo } from '../embed/types.js';
import { buildIndex, type BuildResult } from '../index/build.js';
import { createLogger } from '../log.js';
import { installWritePause, pausingEmbedder } from './test-hooks.js';

export interface BuildJob {
  config: Config;
  /** The catalogue file to build from (read only). */
  catalogue: string;
  /** The embedder the served generation was built with; a build must match it. */
  embedder?: EmbedderInfo;
  /** Only open the embedder (at server start), so the first upload does not wait for it. */
  warmUp?: boolean;
}

export type BuildAnswer = { ok: true; result?: BuildResult } | { ok: false; error: string };

let open: { id: string; embedder: Embedder } | undefined; // kept between jobs

async function embedderFor(job: BuildJob, logger: ReturnType<typeof createLogger>): Promise<Embedder> {
  if (open && (!job.embedder || job.embedder.id === open.id)) return open.embedder;
  await open?.embedder.close();
  open = undefined;
  const { embedder } = await openEmbedder(job.config, { logger, ...(job.embedder ? { require: job.embedder } : {}) });
  open = { id: embedder.info.id, embedder: pausingEmbedder(embedder) };
  return open.embedder;
}

async function run(job: BuildJob): Promise<BuildAnswer> {
  try {
    const logger = createLogger(job.config.logLevel);
    const embedder = await embedderFor(job, logger);
    if (job.warmUp) return { ok: true };
    const catalogue = await openCatalogue(job.catalogue);
    return { ok: true, result: await buildIndex({ config: job.config, catalogue, embedder, logger, switchTo: false }) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

installWritePause();
const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  queue = queue.then(async () => {
    process.stdout.write(JSON.stringify(await run(JSON.parse(line) as BuildJob)) + '\n');
  });
});
lines.on('close', () => process.exit(0)); // the parent is gone (or done with us)
