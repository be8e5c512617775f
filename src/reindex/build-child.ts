// The child process of buildInChild (build-process.ts): builds one index generation from a catalogue file and
// prints its BuildResult as one JSON line on stdout. Running the build here keeps its CPU work (embedding, HNSW
// inserts, the lexical index, checksums) off the server's event loop, so searches are not starved by an upload and
// the upload is not starved by searches. It stops when its parent goes away (stdin closes): a build nobody waits
// for must not go on writing without the data lock its parent held.
import type { Config } from '../config.js';
import { openCatalogue } from '../catalogue/lowdb.js';
import { openEmbedder } from '../embed/select.js';
import type { EmbedderInfo } from '../embed/types.js';
import { buildIndex } from '../index/build.js';
import { createLogger } from '../log.js';
import { installWritePause, pausingEmbedder } from './test-hooks.js';

export interface BuildJob {
  config: Config;
  /** The catalogue file to build from (read only). */
  catalogue: string;
  /** The embedder the served generation was built with; a build must match it. */
  embedder?: EmbedderInfo;
}

const job = JSON.parse(process.argv[2] ?? '{}') as BuildJob;
process.stdin.on('end', () => process.exit(1)).resume();
installWritePause();
try {
  const logger = createLogger(job.config.logLevel);
  const catalogue = await openCatalogue(job.catalogue);
  const { embedder } = await openEmbedder(job.config, { logger, ...(job.embedder ? { require: job.embedder } : {}) });
  const result = await buildIndex({ config: job.config, catalogue, embedder: pausingEmbedder(embedder), logger, switchTo: false });
  process.stdout.write(JSON.stringify(result) + '\n');
  await embedder.close();
  process.exit(0);
} catch (err) {
  process.stderr.write(`papersift: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
