import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { ingestPaths } from '../../src/ingest/into-catalogue.js';
import { paperViews } from '../../src/embed/views.js';
import { EmbeddingCache } from '../../src/embed/cache.js';
import { embedViews, viewKey } from '../../src/embed/pipeline.js';
import type { Embedder, View } from '../../src/embed/types.js';
import type { Progress } from '../../src/util/progress.js';
import { openTestEmbedder } from '../helpers/test-model.js';

/** The real test-model embedder, wrapped to record what reaches the model. */
function observed(inner: Embedder) {
  const calls: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const embedder: Embedder = {
    info: inner.info,
    async embedDocuments(texts) {
      calls.push(texts);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        return await inner.embedDocuments(texts);
      } finally {
        inFlight--;
      }
    },
    embedQuery: (t) => inner.embedQuery(t),
    close: () => inner.close(),
  };
  return { embedder, calls, maxInFlight: () => maxInFlight };
}

function recordingProgress() {
  const events: { started?: number; ticks: number; stopped: boolean } = { ticks: 0, stopped: false };
  const progress: Progress = {
    start: (total) => void (events.started = total),
    tick: (n = 1) => void (events.ticks += n),
    stop: () => void (events.stopped = true),
  };
  return { progress, events };
}

let dir: string;
let model: Embedder;
let views: View[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-pipeline-'));
  const catalogue = await openCatalogue(join(dir, 'catalogue.json'));
  await ingestPaths(catalogue, [join(import.meta.dirname, '../../seeds')]);
  views = catalogue.papers().flatMap(paperViews);
  model = await openTestEmbedder();
});
afterAll(async () => {
  await model?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('embedViews', () => {
  it('embeds every language view of the seed papers in bounded batches, then serves them all from the cache', async () => {
    expect(views.filter((v) => v.view === 'zh').length).toBeGreaterThan(10);
    expect(views.filter((v) => v.view === 'en').length).toBeGreaterThan(10);
    const distinct = new Set(views.map((v) => v.text)).size;

    const cache = await EmbeddingCache.open(join(dir, 'cache'), model.info);
    const first = observed(model);
    const { progress, events } = recordingProgress();
    const out = await embedViews(first.embedder, views, cache, { batchSize: 8, concurrency: 2, progress });
    expect(out.embedded).toBe(distinct);
    expect(out.reused).toBe(0);
    expect(out.vectors.size).toBe(views.length);
    expect(first.calls.every((c) => c.length <= 8)).toBe(true);
    expect(first.calls.flat().sort()).toEqual([...new Set(views.map((v) => v.text))].sort());
    expect(first.maxInFlight()).toBeLessThanOrEqual(2);
    expect(events).toEqual({ started: distinct, ticks: distinct, stopped: true });
    for (const v of out.vectors.values()) {
      expect(v).toHaveLength(model.info.dimensions);
      expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    }
    // a view's vector is the model's vector for that exact text (q8 quantises activations per batch, so a
    // text embedded alone differs from the batched one in the 4th decimal: compare by cosine)
    const sample = views[5]!;
    const [direct] = await model.embedDocuments([sample.text]);
    const stored = out.vectors.get(viewKey(sample.paperId, sample.view))!;
    expect(stored.reduce((s, x, i) => s + x * direct![i]!, 0)).toBeGreaterThan(0.9999);
    await cache.close();

    // a new process: the cache file alone answers every view, nothing reaches the model
    const reopened = await EmbeddingCache.open(join(dir, 'cache'), model.info);
    const second = observed(model);
    const again = await embedViews(second.embedder, views, reopened, {});
    expect(second.calls).toEqual([]);
    expect(again).toMatchObject({ embedded: 0, reused: views.length });
    for (const [k, v] of out.vectors) expect(Array.from(again.vectors.get(k)!)).toEqual(Array.from(v));

    // one edited text: exactly that text is embedded
    const edited = views.map((v, i) => (i === 3 ? { ...v, text: `${v.text} (revised)` } : v));
    const third = observed(model);
    const partial = await embedViews(third.embedder, edited, reopened, {});
    expect(third.calls).toEqual([[edited[3]!.text]]);
    expect(partial).toMatchObject({ embedded: 1, reused: views.length - 1 });
    await reopened.close();
  });

  it('rejects a cache that belongs to another embedder and bad batch settings', async () => {
    const cache = await EmbeddingCache.open(join(dir, 'other'), { ...model.info, id: 'another-model' });
    await expect(embedViews(model, views, cache)).rejects.toThrow(`cache belongs to embedder another-model, not ${model.info.id}`);
    const own = await EmbeddingCache.open(join(dir, 'other'), model.info);
    await expect(embedViews(model, views, own, { batchSize: 0 })).rejects.toThrow('batchSize must be a positive integer, got 0');
    await cache.close();
    await own.close();
  });
});
