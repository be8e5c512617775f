// The builder process behind createBuilder (build-process.ts): writes uploaded documents through to a live index
// generation (write-document.ts), one job per line of JSON on stdin, answering each with one line of JSON on stdout.
// Running the write here keeps its CPU work (parsing, embedding, HNSW inserts, the lexical index, checksums) and its
// dozens of file operations off the server's event loop, so searches are not starved by an upload and the upload is
// not starved by searches: on a server answering 50 concurrent searches, each file operation there waits a whole
// event-loop turn. It stays up between jobs (starting node and opening the embedder take longer than a small build)
// and exits when its parent goes away (stdin closes): a write nobody waits for must not go on without the data lock
// its parent held.
import { createInterface } from 'node:readline';
import type { Config } from '../config.js';
import { openEmbedder } from '../embed/select.js';
import type { Embedder, EmbedderInfo } from '../embed/types.js';
import { createLogger } from '../log.js';
import { installWritePause, pausingEmbedder } from './test-hooks.js';
import { DocumentRejectedError, writeDocument, type DocumentWrite, type WrittenDocument } from './write-document.js';

export interface BuildJob {
  config: Config;
  /** The document to write; without one, the job only opens the embedder (at server start, ahead of the first upload). */
  write?: DocumentWrite;
  /** The embedder the served generation was built with; a build must match it. */
  embedder?: EmbedderInfo;
}

export type BuildAnswer =
  | { ok: true; result?: WrittenDocument }
  | { ok: false; error: string; rejected?: DocumentRejectedError['details'] };

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
    if (!job.write) return { ok: true };
    return { ok: true, result: await writeDocument(job.config, embedder, job.write, logger) };
  } catch (err) {
    if (err instanceof DocumentRejectedError) return { ok: false, error: err.message, rejected: err.details };
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
