import { describe, it, expect, beforeAll, beforeEach, afterEach, afterAll } from 'vitest';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, dataPaths, type Config } from '../../src/config.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { ingestPaths, ingestText } from '../../src/catalogue/ingest.js';
import type { Catalogue } from '../../src/catalogue/types.js';
import type { Embedder } from '../../src/embed/types.js';
import { paperViews } from '../../src/embed/views.js';
import { buildIndex } from '../../src/index/build.js';
import { openGenerationStore } from '../../src/index/generations.js';
import { EmbedderMismatchError } from '../../src/index/errors.js';
import { openTestEmbedder } from '../helpers/test-model.js';

const SEEDS = join(import.meta.dirname, '../../seeds');

/** The real test-model embedder; counts the texts that reach the model and can be told to fail on a call. */
function counting(inner: Embedder, failOnCall?: number) {
  let calls = 0;
  const seen: string[] = [];
  const embedder: Embedder = {
    info: inner.info,
    async embedDocuments(texts) {
      if (++calls === failOnCall) throw new Error('model process killed');
      seen.push(...texts);
      return inner.embedDocuments(texts);
    },
    embedQuery: (t) => inner.embedQuery(t),
    close: async () => {},
  };
  return { embedder, seen };
}

let model: Embedder;
let dataDir: string;
let config: Config;
let catalogue: Catalogue;
beforeAll(async () => {
  model = await openTestEmbedder();
});
afterAll(async () => {
  await model?.close();
});
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'papersift-build-'));
  config = loadConfig({ dataDir, keepGenerations: 2 }, {});
  catalogue = await openCatalogue(dataPaths(dataDir).catalogue);
  await ingestPaths(catalogue, [SEEDS]);
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('buildIndex', () => {
  it('builds the first generation from every language view of the catalogue and switches to it', async () => {
    const views = catalogue.papers().flatMap(paperViews);
    const { embedder, seen } = counting(model);
    const r = await buildIndex({ config, catalogue, embedder });
    expect(r).toMatchObject({
      generation: '1',
      switched: true,
      full: true,
      fullReason: 'no index yet',
      papers: catalogue.papers().length,
      views: views.length,
      embedded: new Set(views.map((v) => v.text)).size,
      reused: 0,
      added: views.length,
      updated: 0,
      removed: 0,
      vectors: views.length,
      deleted: 0,
      compacted: false,
    });
    expect(seen.length).toBe(r.embedded);
    expect(Object.keys(r.ms)).toEqual(['load', 'embed', 'index', 'compact', 'write', 'total']);

    const store = openGenerationStore(dataDir);
    expect(store.current()).toBe('1');
    const g = await store.load(undefined, { embedder: model.info });
    expect(g.papers).toEqual(catalogue.papers());
    expect(g.manifest.counts).toEqual({ papers: r.papers, vectors: r.vectors, deleted: 0 });
    expect(g.manifest.build).toMatchObject({ full: true, embedded: r.embedded, added: r.added });
    // the Chinese summary of MAE, embedded as a query-less passage, finds its own paper first
    const mae = views.find((v) => v.paperId === 'arxiv:2111.06377' && v.view === 'zh')!;
    const [vec] = await model.embedDocuments([mae.text]);
    expect(g.index.search(vec!, 1)[0]).toMatchObject({ paperId: 'arxiv:2111.06377', view: 'zh' });
  });

  it('updates incrementally: nothing re-embedded when nothing changed, only the edited view when one text changes', async () => {
    await buildIndex({ config, catalogue, embedder: model });
    const idle = counting(model);
    const second = await buildIndex({ config, catalogue, embedder: idle.embedder });
    expect(idle.seen).toEqual([]);
    expect(second).toMatchObject({ generation: '2', previous: '1', full: false, embedded: 0, added: 0, updated: 0, removed: 0 });
    expect(second.unchanged).toBe(second.views);

    const doc = 'weekly-pretraining-no28.txt';
    const edited = (await readFile(join(SEEDS, doc), 'utf8')).replace('本文介绍了掩码自编码器 (MAE)', '本文提出了掩码自编码器 (MAE)');
    await ingestText(catalogue, doc, edited);
    const one = counting(model);
    const third = await buildIndex({ config, catalogue, embedder: one.embedder });
    expect(third).toMatchObject({ generation: '3', full: false, embedded: 1, updated: 1, added: 0, removed: 0, deleted: 1 });
    expect(one.seen).toHaveLength(1);
    expect(one.seen[0]).toContain('本文提出了掩码自编码器');
    const g = await openGenerationStore(dataDir).load();
    const zh = paperViews(g.papers.find((p) => p.id === 'arxiv:2111.06377')!).find((v) => v.view === 'zh')!;
    const [vec] = await model.embedDocuments([zh.text]);
    expect(g.index.search(vec!, 1)[0]!.score).toBeGreaterThan(0.9999);
    // keepGenerations: 2 -> generation 1 was pruned
    expect(third.pruned).toEqual(['1']);
    expect(openGenerationStore(dataDir).list()).toEqual(['2', '3']);
  });

  it('removes the vectors of papers that left the catalogue and compacts past the threshold', async () => {
    const first = await buildIndex({ config, catalogue, embedder: model });
    const before = catalogue.papers().map((p) => p.id);
    await catalogue.commit({ upsert: [], remove: ['daily-arxiv-2021-06.txt'] });
    const gone = new Set(before);
    for (const p of catalogue.papers()) gone.delete(p.id);
    expect(gone.size).toBeGreaterThan(0);

    const r = await buildIndex({ config, catalogue, embedder: model, compactThreshold: 0.05 });
    expect(r.removed).toBeGreaterThan(0);
    expect(r.vectors).toBe(first.vectors - r.removed);
    expect(r).toMatchObject({ compacted: true, deleted: 0, embedded: 0 });
    const g = await openGenerationStore(dataDir).load();
    expect(g.index.keys().filter((k) => gone.has(k.paperId))).toEqual([]);
    const [q] = await model.embedDocuments(['daily arXiv paper']);
    expect(g.index.search(q!, r.vectors).filter((h) => gone.has(h.paperId))).toEqual([]);
  });

  it('a full rebuild takes every vector from the embedding cache', async () => {
    const first = await buildIndex({ config, catalogue, embedder: model });
    const full = counting(model);
    const r = await buildIndex({ config, catalogue, embedder: full.embedder, full: true });
    expect(full.seen).toEqual([]);
    expect(r).toMatchObject({ full: true, fullReason: 'requested (--full)', embedded: 0, reused: first.views, added: first.views, vectors: first.vectors });
  });

  it('rebuilds in full when the embedder changed, and the old embedder can no longer open the index', async () => {
    await buildIndex({ config, catalogue, embedder: model });
    const fp32 = await openTestEmbedder({ dtype: 'fp32' });
    try {
      expect(fp32.info.id).not.toBe(model.info.id);
      const r = await buildIndex({ config, catalogue, embedder: fp32 });
      expect(r).toMatchObject({ full: true, fullReason: `embedder changed from ${model.info.id} to ${fp32.info.id}`, reused: 0 });
      await expect(openGenerationStore(dataDir).load(undefined, { embedder: model.info })).rejects.toBeInstanceOf(EmbedderMismatchError);
    } finally {
      await fp32.close();
    }
  });

  it('a build that dies mid-way leaves the previous generation live, and keeps the embeddings it finished', async () => {
    await catalogue.commit({ upsert: [], remove: ['daily-arxiv-2022-09.txt'] });
    await buildIndex({ config, catalogue, embedder: model, batchSize: 4 });
    await ingestPaths(catalogue, [SEEDS]); // its papers come back: never embedded, so not in the cache
    const dying = counting(model, 3);
    await expect(buildIndex({ config, catalogue, embedder: dying.embedder, batchSize: 4, concurrency: 1 })).rejects.toThrow('model process killed');
    const store = openGenerationStore(dataDir);
    expect(store.current()).toBe('1');
    expect(store.list()).toEqual(['1']);
    await expect(store.load(undefined, { embedder: model.info })).resolves.toMatchObject({ name: '1' });

    const retry = counting(model);
    const r = await buildIndex({ config, catalogue, embedder: retry.embedder, batchSize: 4 });
    expect(dying.seen.length).toBe(8); // two batches of 4 finished before the third call failed
    expect(r.reused).toBeGreaterThanOrEqual(8); // ... and came from the cache on the retry (with any text seen before)
    expect(r.embedded).toBe(retry.seen.length);
    expect(r.embedded).toBeGreaterThan(0);
    expect(retry.seen.filter((t) => dying.seen.includes(t))).toEqual([]);
    expect(r.generation).toBe('2');
  });

  it('can write a generation without switching to it', async () => {
    await buildIndex({ config, catalogue, embedder: model });
    const r = await buildIndex({ config, catalogue, embedder: model, switchTo: false });
    expect(r).toMatchObject({ generation: '2', switched: false, pruned: [] });
    expect(openGenerationStore(dataDir).current()).toBe('1');
  });
});
