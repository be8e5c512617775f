// One uploaded document, written through: ingest it into a staged copy of the catalogue, build the index
// incrementally, switch CURRENT to the new generation and install the staged catalogue with it (staging.ts), so a
// failed or killed write changes nothing and its retry is built again. Runs in the builder process (build-child.ts)
// under the data lock its parent (the service) holds: every step here reads or writes files, and on a server busy
// answering searches each file operation would wait a whole event-loop turn behind the queued requests.
import type { Config } from '../config.js';
import type { Catalogue, IngestReport } from '../catalogue/types.js';
import { ingestText } from '../ingest/into-catalogue.js';
import type { Embedder } from '../embed/types.js';
import { buildIndex } from '../index/build.js';
import { generationPapers, openGenerationStore, type GenerationStore } from '../index/generations.js';
import { IngestError } from '../ingest/errors.js';
import type { Logger } from '../log.js';
import { stageCatalogue } from './staging.js';
import { pauseIfRequested } from './test-hooks.js';

export interface DocumentWrite {
  name: string;
  text: string;
  /** The generation the service serves: an unchanged document needs no build only if that one is CURRENT. */
  served?: string;
}

export interface WrittenDocument {
  report: IngestReport;
  document: { name: string; status: 'new' | 'changed' | 'unchanged' | 'removed'; papers: number };
  /** The live generation holding the document's papers (new, or the served one when nothing changed). */
  generation: string;
  ms: { ingest: number; build: number };
}

/** The document cannot be ingested (its name, format or content): the caller's fault, nothing was written. */
export class DocumentRejectedError extends Error {
  constructor(
    message: string,
    readonly details: { document: string; line?: number },
  ) {
    super(message);
    this.name = 'DocumentRejectedError';
  }
}

export async function writeDocument(config: Config, embedder: Embedder, write: DocumentWrite, logger: Logger): Promise<WrittenDocument> {
  const started = performance.now();
  const store = openGenerationStore(config.dataDir);
  const staged = await stageCatalogue(config, store, logger);
  try {
    const report = await ingestText(staged.catalogue, write.name, write.text).catch((err: unknown) => {
      if (err instanceof IngestError) throw new DocumentRejectedError(err.message, { document: err.document, ...(err.line ? { line: err.line } : {}) });
      throw err;
    });
    const doc = report.documents[0] ?? { name: write.name, status: 'unchanged' as const, papers: 0 };
    if (doc.status === 'failed') throw new DocumentRejectedError(doc.error ?? 'the document could not be ingested', { document: doc.name });
    const ingested = performance.now();
    let generation = store.current();
    if (!(doc.status === 'unchanged' && generation !== undefined && generation === write.served && (await holdsExactly(store, generation, staged.catalogue)))) {
      const built = await buildIndex({ config, catalogue: staged.catalogue, embedder, logger, switchTo: false });
      await staged.bindTo(built.generation);
      await pauseIfRequested('switching');
      await store.switchTo(built.generation);
      await store.prune(config.keepGenerations);
      generation = built.generation;
    }
    return { report, document: { name: doc.name, status: doc.status, papers: doc.papers }, generation, ms: { ingest: Math.round(ingested - started), build: Math.round(performance.now() - ingested) } };
  } finally {
    await staged.settle();
  }
}

/**
 * Whether `generation` holds exactly the catalogue's papers, so an unchanged document needs no build. A retried
 * upload whose first attempt died before its generation went live is built again, also in data directories written
 * before catalogue changes were staged.
 */
async function holdsExactly(store: GenerationStore, generation: string, catalogue: Catalogue): Promise<boolean> {
  const live = await generationPapers(store, generation);
  const want = catalogue.papers();
  const ids = new Set(live.map((p) => p.id));
  return ids.size === want.length && want.every((p) => ids.has(p.id));
}
