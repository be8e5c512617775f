// Embeds language views through the cache: only texts the cache has never seen reach the model, in batches,
// with a bounded number of model calls in flight, and progress (count, rate, ETA) over the texts that need it.
import pLimit from 'p-limit';
import { silentLogger, type Logger } from '../log.js';
import { noProgress, type Progress } from '../util/progress.js';
import type { EmbeddingCache } from './cache.js';
import type { Embedder, View, ViewName } from './types.js';

export interface EmbedViewsOptions {
  batchSize?: number; // texts per model call (default 32)
  concurrency?: number; // model calls in flight (default 2: one computing while the next is being tokenised)
  progress?: Progress;
  logger?: Logger;
}

export interface EmbedViewsResult {
  /** One vector per view, keyed by viewKey(paperId, view). */
  vectors: Map<string, Float32Array>;
  /** Distinct texts sent to the model. */
  embedded: number;
  /** Views whose vector came from the cache. */
  reused: number;
}

export const viewKey = (paperId: string, view: ViewName): string => `${paperId}\u0000${view}`;

export async function embedViews(embedder: Embedder, views: View[], cache: EmbeddingCache, opts: EmbedViewsOptions = {}): Promise<EmbedViewsResult> {
  const batchSize = positiveInt('batchSize', opts.batchSize ?? 32);
  const concurrency = positiveInt('concurrency', opts.concurrency ?? 2);
  const progress = opts.progress ?? noProgress;
  const logger = opts.logger ?? silentLogger;
  if (cache.info.id !== embedder.info.id) throw new Error(`embedViews: cache belongs to embedder ${cache.info.id}, not ${embedder.info.id}`);

  const vectors = new Map<string, Float32Array>();
  const missing = new Map<string, View[]>(); // text -> views with that text (identical texts are embedded once)
  let reused = 0;
  for (const v of views) {
    const hit = cache.get(v.text);
    if (hit) {
      vectors.set(viewKey(v.paperId, v.view), hit);
      reused++;
    } else {
      missing.set(v.text, [...(missing.get(v.text) ?? []), v]);
    }
  }

  const texts = [...missing.keys()];
  const batches = Array.from({ length: Math.ceil(texts.length / batchSize) }, (_, i) => texts.slice(i * batchSize, (i + 1) * batchSize));
  const limit = pLimit(concurrency);
  logger.info({ views: views.length, reused, toEmbed: texts.length, batches: batches.length }, 'embedding views');
  if (texts.length) progress.start(texts.length, 'embedding');
  let failed = false; // after one batch fails, queued batches are skipped instead of run for nothing
  try {
    const runBatch = async (batch: string[], b: number) => {
      const out = await embedder.embedDocuments(batch).catch((err: unknown) => {
        const first = missing.get(batch[0]!)![0]!;
        throw new Error(`embedding batch ${b + 1}/${batches.length} (starting at ${first.paperId} ${first.view}) failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      });
      checkBatch(embedder, batch, out);
      batch.forEach((text, i) => {
        cache.put(text, out[i]!);
        for (const v of missing.get(text)!) vectors.set(viewKey(v.paperId, v.view), out[i]!);
      });
      await cache.flush(); // finished work survives a crash later in the run
      progress.tick(batch.length);
    };
    const settled = await Promise.allSettled(
      batches.map((batch, b) =>
        limit(async () => {
          if (failed) return;
          await runBatch(batch, b).catch((err: unknown) => {
            failed = true;
            throw err;
          });
        }),
      ),
    );
    // every batch has settled, so nothing touches the cache after we return; report the first failure
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    progress.stop();
  }
  return { vectors, embedded: texts.length, reused };
}

function checkBatch(embedder: Embedder, batch: string[], out: Float32Array[]): void {
  const { id, dimensions } = embedder.info;
  if (out.length !== batch.length) throw new Error(`embedder ${id} returned ${out.length} vectors for ${batch.length} texts`);
  for (const v of out) {
    if (v.length !== dimensions) throw new Error(`embedder ${id} returned a ${v.length}-d vector, expected ${dimensions}-d`);
    if (!v.every(Number.isFinite)) throw new Error(`embedder ${id} returned a vector with NaN/Infinity`);
  }
}

function positiveInt(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`embedViews: ${name} must be a positive integer, got ${n}`);
  return n;
}
