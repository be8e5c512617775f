import { describe, it, expect, beforeAll, beforeEach, afterEach, afterAll } from 'vitest';
import { mkdtemp, rm, readFile, readdir, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, dataPaths, type Config } from '../../src/config.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { segmentFile } from '../../src/catalogue/store.js';
import { ingestPaths, ingestText } from '../../src/ingest/into-catalogue.js';
import type { Catalogue } from '../../src/catalogue/types.js';
import type { Embedder } from '../../src/embed/types.js';
import { paperViews, VIEWS_VERSION } from '../../src/embed/views.js';
import { buildIndex, copyOfIndex } from '../../src/index/build.js';
import { LEXICAL_FILE, openGenerationStore, type LoadedGeneration } from '../../src/index/generations.js';
import { EmbedderMismatchError } from '../../src/index/errors.js';
import { MANIFEST_FILE } from '../../src/index/manifest.js';
import { loadLabelledSet } from '../../src/eval/labelled-set.js';
import { buildLexicalIndex, lexicalAnalyzerId, type LexicalIndex } from '../../src/search/lexical.js';
import { analyzeQuery } from '../../src/search/analyzer.js';
import { generationBridge, persistedLexicalIndex } from '../../src/index/open-engine.js';
import { loadShippedBridge } from '../../src/lang/bridge.js';
import { loadGlossary } from '../../src/lang/glossary.js';
import { openTestEmbedder } from '../helpers/test-model.js';

const SEEDS = join(import.meta.dirname, '../../seeds');

const glossary = loadGlossary();
const translator = { english: (zh: string) => glossary.english(zh) ?? [], chinese: (en: string) => glossary.chinese(en) };
/** Labelled queries of every language plus the words the edits below add and remove. */
const QUERIES = [...loadLabelledSet().queries.filter((_, i) => i % 4 === 0).map((q) => q.q), '掩码自编码器', 'masked autoencoders', 'zeppelin', 'BEiT image transformers', '蛋白质 protein'];

/** A lexical index's answers to QUERIES: ids with scores (to 9 digits), document counts and frequencies. */
function answers(lex: LexicalIndex) {
  return QUERIES.map((q) => {
    const query = analyzeQuery(q, translator, lex.has, lex.bridge);
    const hits = lex.search(query, { limit: 20 }).map((h) => `${h.paperId} ${h.score.toFixed(9)} ${h.matchedTerms.sort().join(',')}`);
    return { q, n: lex.documentCount, df: query.terms.map((t) => `${t.term}:${lex.df(t.term)}`), hits };
  });
}

async function persisted(g: LoadedGeneration): Promise<LexicalIndex> {
  const found = await persistedLexicalIndex(g, await generationBridge(g));
  if (!('index' in found)) throw new Error(`expected a persisted lexical index: ${found.reason}`);
  return found.index;
}

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
      lexical: { full: true, fullReason: 'no index yet', added: catalogue.papers().length, updated: 0, removed: 0 },
    });
    expect(seen.length).toBe(r.embedded);
    expect(Object.keys(r.ms)).toEqual(['load', 'embed', 'index', 'compact', 'bridge', 'lexical', 'calibrate', 'write', 'total']);

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

  it('starts from a current generation the caller already loaded, leaving the caller\'s copy as it was', async () => {
    await buildIndex({ config, catalogue, embedder: model });
    const current = await openGenerationStore(dataDir).load();
    const keys = current.index.keys();
    const doc = 'weekly-pretraining-no28.txt';
    await ingestText(catalogue, doc, (await readFile(join(SEEDS, doc), 'utf8')).replace('本文介绍了掩码自编码器 (MAE)', '本文提出了掩码自编码器 (MAE)'));
    await catalogue.commit({ upsert: [], remove: ['daily-arxiv-2021-06.txt'] });
    const one = counting(model);
    const next = await buildIndex({ config, catalogue, embedder: one.embedder, current });
    expect(next).toMatchObject({ generation: '2', previous: '1', full: false, embedded: 1, updated: 1 });
    expect(next.removed).toBeGreaterThan(0);
    // the caller's index still holds every entry it had (the build updated an index of its own)
    expect(current.index.keys()).toEqual(keys);
    expect(current.index.deletedCount).toBe(0);
    const built = await openGenerationStore(dataDir).load('2');
    expect(built.papers).toEqual(catalogue.papers());
    expect(built.index.size).toBe(keys.length - next.removed);
  });

  it('handed the live generation\'s own paper objects (as a reindex\'s catalogue keeps them), writes the generation a build comparing every paper writes', async () => {
    await buildIndex({ config, catalogue, embedder: model });
    const store = openGenerationStore(dataDir);
    const current = await store.load();
    // the catalogue reopened over the generation's parsed segments, as the nightly reindex opens it
    const reopened = await openCatalogue(dataPaths(dataDir).catalogue, { parsed: new Map(current.paperFiles.map((f) => [segmentFile(f.sha256), f.papers])) });
    const doc = 'weekly-pretraining-no28.txt';
    await ingestText(reopened, doc, (await readFile(join(SEEDS, doc), 'utf8')).replace('本文介绍了掩码自编码器 (MAE)', '本文介绍了掩码自编码器 (MAE, zeppelin)'));
    await reopened.commit({ upsert: [], remove: ['daily-arxiv-2021-06.txt'] });
    const live = new Set(current.papers);
    const kept = reopened.papers().filter((p) => live.has(p)).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(reopened.papers().length);

    const byObject = await buildIndex({ config, catalogue: reopened, embedder: model, current, switchTo: false });
    const compared = await buildIndex({ config, catalogue: reopened, embedder: model, switchTo: false });
    expect(byObject).toMatchObject({ previous: '1', full: false, embedded: 1, updated: 1 });
    const counts = (r: typeof byObject) => [r.papers, r.views, r.unchanged, r.added, r.updated, r.removed, r.vectors, r.lexical] // not `embedded`: the first build cached the edited text;
    expect(counts(byObject)).toEqual(counts(compared));
    expect(byObject.views).toBe(reopened.papers().flatMap(paperViews).length);
    const [a, b] = [join(store.dir, byObject.generation), join(store.dir, compared.generation)];
    const files = (await readdir(a)).filter((f) => f !== MANIFEST_FILE);
    expect(files).toContain(LEXICAL_FILE);
    for (const f of files) expect((await readFile(join(a, f))).equals(await readFile(join(b, f))), f).toBe(true);
  });

  it('compares every paper\'s views when the live generation\'s were made by other view rules (VIEWS_VERSION)', async () => {
    await buildIndex({ config, catalogue, embedder: model });
    const current = await openGenerationStore(dataDir).load();
    const reopened = await openCatalogue(dataPaths(dataDir).catalogue, { parsed: new Map(current.paperFiles.map((f) => [segmentFile(f.sha256), f.papers])) });
    const doc = 'weekly-pretraining-no28.txt';
    await ingestText(reopened, doc, (await readFile(join(SEEDS, doc), 'utf8')).replace('本文介绍了掩码自编码器 (MAE)', '本文介绍了掩码自编码器 (MAE, zeppelin)'));
    // an untouched paper whose view text, under the generation's rules, was not what today's rules make of it
    const untouched = reopened.papers().find((p) => current.papers.includes(p))!;
    const [view] = paperViews(untouched);
    const olderIndex = async () => {
      const index = await copyOfIndex(current, config.hnsw.ef);
      index.upsert(view!, index.vector(view!)!, 'made by other rules');
      return index;
    };
    const build = (gen: LoadedGeneration) => buildIndex({ config, catalogue: reopened, embedder: model, current: gen, currentIndex: olderIndex(), switchTo: false });
    // recorded as today's rules: the untouched paper is trusted as it is, only the edited view is updated
    expect(current.manifest.views).toBe(VIEWS_VERSION);
    expect(await build(current)).toMatchObject({ full: false, updated: 1 });
    // recorded under other rules (or before they were recorded): its view is compared too, and updated
    for (const views of [VIEWS_VERSION - 1, undefined]) {
      const older = { ...current, manifest: { ...current.manifest, views } };
      expect(await build(older)).toMatchObject({ full: false, updated: 2 });
    }
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

  it('persists the lexical index in the generation, checksummed, and it answers exactly like a fresh build', async () => {
    await buildIndex({ config, catalogue, embedder: model });
    const g = await openGenerationStore(dataDir).load();
    expect(g.manifest.lexical).toEqual({ file: LEXICAL_FILE, analyzer: lexicalAnalyzerId(loadShippedBridge()) });
    expect(g.manifest.files[LEXICAL_FILE]!.bytes).toBe((await stat(join(g.dir, LEXICAL_FILE))).size);
    const loaded = answers(await persisted(g));
    expect(loaded).toEqual(answers(buildLexicalIndex(g.papers, loadShippedBridge())));
    expect(loaded.filter((a) => a.hits.length > 0).length).toBeGreaterThanOrEqual(QUERIES.length - 1); // the queries do find papers
  });

  it('updates the lexical index paper by paper: after an edit and a removal it answers like a fresh build of the same catalogue', async () => {
    await buildIndex({ config, catalogue, embedder: model });
    const g1 = await openGenerationStore(dataDir).load();
    const beit = (a: ReturnType<typeof answers>) => a.find((x) => x.q === 'BEiT image transformers')!.hits.map((h) => h.split(' ')[0]!);
    expect(beit(answers(await persisted(g1)))).toContain(g1.papers.find((p) => p.title.en?.startsWith('BEiT'))!.id);
    const doc = 'weekly-pretraining-no28.txt';
    const edited = (await readFile(join(SEEDS, doc), 'utf8')).replace('本文介绍了掩码自编码器 (MAE)', '本文介绍了掩码自编码器 (MAE, zeppelin)');
    await ingestText(catalogue, doc, edited);
    const before = catalogue.papers().length;
    await catalogue.commit({ upsert: [], remove: ['daily-arxiv-2021-06.txt'] });
    const removed = before - catalogue.papers().length;
    expect(removed).toBeGreaterThan(0);
    const gone = new Set(g1.papers.map((p) => p.id));
    for (const p of catalogue.papers()) gone.delete(p.id);

    const r = await buildIndex({ config, catalogue, embedder: model });
    expect(r.lexical).toMatchObject({ full: false, added: 0, removed });
    expect(r.lexical.updated).toBeGreaterThanOrEqual(1); // the edit, and papers that had a source in the removed document
    const fresh = answers(buildLexicalIndex(catalogue.papers(), loadShippedBridge()));
    const g2 = await openGenerationStore(dataDir).load();
    const updated = answers(await persisted(g2));
    expect(updated).toEqual(fresh);
    expect(updated.find((a) => a.q === 'zeppelin')!.hits.map((h) => h.split(' ')[0])).toEqual(['arxiv:2111.06377']); // the edit is searchable
    expect(beit(updated).filter((id) => gone.has(id))).toEqual([]); // the removed papers are not

    // and again on top of an updated one; an unchanged catalogue touches nothing
    await ingestText(catalogue, doc, edited.replace('zeppelin', 'zeppelins'));
    const again = await buildIndex({ config, catalogue, embedder: model });
    expect(again.lexical).toEqual({ full: false, added: 0, updated: 1, removed: 0 });
    const g3 = await openGenerationStore(dataDir).load();
    expect(answers(await persisted(g3))).toEqual(answers(buildLexicalIndex(catalogue.papers(), loadShippedBridge())));
    const idle = await buildIndex({ config, catalogue, embedder: model });
    expect(idle.lexical).toEqual({ full: false, added: 0, updated: 0, removed: 0 });
  });

  it('rebuilds only the lexical index, re-embedding nothing, when the lexical analyzer changed', async () => {
    await buildIndex({ config, catalogue, embedder: model });
    const store = openGenerationStore(dataDir);
    const dir = join(store.dir, store.current()!);
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
    manifest.lexical.analyzer = 'v0:0000000000000000'; // as if written by an older analyzer
    await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
    const idle = counting(model);
    const r = await buildIndex({ config, catalogue, embedder: idle.embedder });
    expect(idle.seen).toEqual([]);
    expect(r).toMatchObject({ full: false, embedded: 0, lexical: { full: true, added: r.papers } });
    expect(r.lexical.fullReason).toMatch(/lexical analyzer v0:0000000000000000, this version is v\d+:/);
    expect((await store.load()).manifest.lexical!.analyzer).toBe(lexicalAnalyzerId(loadShippedBridge()));
  });

  it('can write a generation without switching to it', async () => {
    await buildIndex({ config, catalogue, embedder: model });
    const r = await buildIndex({ config, catalogue, embedder: model, switchTo: false });
    expect(r).toMatchObject({ generation: '2', switched: false, pruned: [] });
    expect(openGenerationStore(dataDir).current()).toBe('1');
  });
});
