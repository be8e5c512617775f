// The hybrid fusion weight a generation is served with is fitted on held-out questions about its own papers.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dictionary } from '../../src/lang/dictionary.js';
import { indexPapers, MODELS_CACHE, SEEDS_DIR, type SeedEngine } from '../../src/eval/seed-engine.js';
import { calibrateConfidence, MIN_CALIBRATION_PAPERS, nullVocabulary, type Calibration } from '../../src/search/calibration.js';
import { createEngineContext, createSearchEngine } from '../../src/search/engine.js';
import { fitSemanticWeight, WEIGHT_GRID, type FusionFit } from '../../src/search/fusion-fit.js';
import { heldOutContext } from '../../src/search/held-out.js';
import { DEFAULT_SEMANTIC_WEIGHT } from '../../src/search/fusion.js';
import { retrieve } from '../../src/search/retrieve.js';
import { thresholdsFor } from '../../src/search/confidence.js';
import { generationBridge, openGenerationEngine, persistedLexicalIndex } from '../../src/index/open-engine.js';
import { buildIndex } from '../../src/index/build.js';
import { openGenerationStore } from '../../src/index/generations.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { ingestPaths } from '../../src/ingest/into-catalogue.js';
import { dataPaths, loadConfig } from '../../src/config.js';
import type { Embedder } from '../../src/embed/types.js';
import { buildFixtureEngine, type FixtureEngine } from '../helpers/fixture-engine.js';
import { openTestEmbedder } from '../helpers/test-model.js';

let fixture: FixtureEngine;
let embedder: Embedder;
let dictionary: Dictionary;
let built: SeedEngine;
let calibration: Calibration;
let fit: FusionFit;

const contextOf = (b: Pick<SeedEngine, 'papers' | 'index' | 'lexical'>, e: Embedder) =>
  createEngineContext({ papers: b.papers, index: b.index, lexical: b.lexical, embedder: e, dictionary });

beforeAll(async () => {
  fixture = await buildFixtureEngine('fusion-fit');
  ({ embedder, dictionary, built } = fixture);
  const ctx = contextOf(built, embedder);
  calibration = (await calibrateConfidence(ctx, built.papers, nullVocabulary(dictionary), thresholdsFor(embedder.info.id), { minPapers: 100 }))!;
  fit = (await fitSemanticWeight({ ...ctx, thresholds: calibration.confidence }, built.papers, DEFAULT_SEMANTIC_WEIGHT))!;
}, 120_000);
afterAll(() => fixture.close());

describe('held-out questions', () => {
  it('hide the held-out text from both channels, and only for the papers held out', async () => {
    const paper = built.papers.find((p) => p.summary.zh && p.summary.en && p.title.zh)!;
    const other = built.papers.find((p) => p.id !== paper.id && p.summary.zh)!;
    const noChinese = { ...paper, title: { ...paper.title, zh: undefined }, summary: { ...paper.summary, zh: undefined } };
    const ctx = contextOf(built, embedder);
    const held = await heldOutContext(ctx, built.papers, [noChinese]);

    expect(built.index.has({ paperId: paper.id, view: 'zh' })).toBe(true);
    expect(held.index.has({ paperId: paper.id, view: 'zh' })).toBe(false);
    expect(held.index.has({ paperId: paper.id, view: 'en' })).toBe(true);
    expect(held.index.vector({ paperId: other.id, view: 'zh' })).toEqual(built.index.vector({ paperId: other.id, view: 'zh' }));
    expect(held.index.size).toBe(built.index.size - 1);
    // the English view was embedded again from the text the paper kept (the same text: the same vector)
    expect(held.index.vector({ paperId: paper.id, view: 'en' })).toEqual(built.index.vector({ paperId: paper.id, view: 'en' }));

    // its Chinese summary now matches only through the English text's translations; another paper's still finds it
    const lexical = async (c: typeof ctx, q: string, id: string) => (await retrieve(c, q, { mode: 'lexical', semanticWeight: undefined })).candidates.find((x) => x.paperId === id)?.lexical;
    const own = (await lexical(ctx, paper.summary.zh!, paper.id))!;
    expect(own.rank).toBe(1);
    expect((await lexical(held, paper.summary.zh!, paper.id))?.score ?? 0).toBeLessThan(own.score / 2);
    expect((await lexical(held, other.summary.zh!, other.id))?.rank).toBe(1);

    const [zhVector] = await embedder.embedDocuments([`${paper.title.zh}\n${paper.summary.zh}`]);
    const denseTop = (c: typeof ctx) => c.index.search(zhVector!, 5).map((h) => `${h.paperId}/${h.view}`);
    expect(denseTop(ctx)[0]).toBe(`${paper.id}/zh`);
    expect(denseTop(held)).not.toContain(`${paper.id}/zh`);
    expect(() => held.index.remove({ paperId: paper.id, view: 'en' })).toThrow(/read-only/);
  });
});

describe('the fusion weight fitted on held-out questions', () => {
  it('asks every kind of question and picks a weight of the grid', () => {
    expect(WEIGHT_GRID).toContain(fit.semanticWeight);
    expect(Object.keys(fit.kinds).sort()).toEqual(['en-abstract', 'zh-summary', 'zh-title']);
    for (const kind of Object.values(fit.kinds)) {
      expect(kind.queries).toBeGreaterThan(10);
      expect(Object.keys(kind.mrr).map(Number)).toEqual([...WEIGHT_GRID]);
    }
    // the chosen weight scores within noise of the best one, and the questions are answerable at all
    const best = Math.max(...Object.values(fit.mrr));
    expect(best).toBeGreaterThan(0.3);
    expect(fit.mrr[String(fit.semanticWeight)]).toBeGreaterThan(best - 0.05);
  });

  it('is deterministic: the same catalogue gives the same fit', async () => {
    const again = await fitSemanticWeight({ ...contextOf(built, embedder), thresholds: calibration.confidence }, built.papers, DEFAULT_SEMANTIC_WEIGHT);
    expect(again).toEqual(fit);
  });

  it('keeps the prior for a catalogue too small to ask enough questions about', async () => {
    const few = built.papers.slice(0, 40);
    expect(await fitSemanticWeight(contextOf(built, embedder), few, DEFAULT_SEMANTIC_WEIGHT)).toBeUndefined();
  });

  it('leans away from an embedder that cannot tell papers apart', async () => {
    const random = await openTestEmbedder(); // random weights: its cosines say nothing about meaning
    try {
      const index = await indexPapers(built.papers, random);
      const weak = await fitSemanticWeight(contextOf({ ...built, index }, random), built.papers, DEFAULT_SEMANTIC_WEIGHT);
      expect(weak!.semanticWeight).toBeLessThan(DEFAULT_SEMANTIC_WEIGHT);
      expect(weak!.semanticWeight).toBeLessThan(fit.semanticWeight);
      expect(weak!.mrr['0.9']).toBeLessThan(weak!.mrr['0.1']! - 0.2);
    } finally {
      await random.close();
    }
  }, 120_000);
});

describe('serving the fitted weight', () => {
  const queries = () => built.papers.filter((p) => p.title.zh).slice(0, 30).map((p) => p.title.zh!);
  const ranking = async (engine: { search: (r: { q: string; limit: number }) => Promise<{ results: { id: string }[] }> }) =>
    Promise.all(queries().map(async (q) => (await engine.search({ q, limit: 10 })).results.map((h) => h.id).join(' ')));

  it('serves a generation with the weight recorded in its manifest, and one without it with the prior', async () => {
    const gen = { name: '1', papers: built.papers, index: built.index, lexical: undefined };
    // no lexical index given: both sides build it with the shipped bridge, as a generation without its own does
    const at = (semanticWeight: number) => createSearchEngine({ papers: built.papers, index: built.index, embedder, dictionary, confidence: calibration.confidence, semanticWeight });
    const heavy = await openGenerationEngine({ ...gen, manifest: { calibration: { ...calibration, fusion: { ...fit, semanticWeight: 0.9 } } } }, embedder, { dictionary });
    const plain = await openGenerationEngine({ ...gen, manifest: { calibration } }, embedder, { dictionary });
    expect(await ranking(heavy)).toEqual(await ranking(at(0.9)));
    expect(await ranking(plain)).toEqual(await ranking(at(DEFAULT_SEMANTIC_WEIGHT)));
    expect(await ranking(at(0.9))).not.toEqual(await ranking(at(DEFAULT_SEMANTIC_WEIGHT)));
  });
});

describe('an index build', () => {
  it('fits the weight on the catalogue and records it in the generation manifest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fusion-fit-build-'));
    try {
      await symlink(MODELS_CACHE, dataPaths(dir).models); // the dictionary, converted once per checkout
      const catalogue = await openCatalogue(dataPaths(dir).catalogue);
      await ingestPaths(catalogue, [SEEDS_DIR, fixture.newsletters]);
      expect(catalogue.papers().length).toBeGreaterThanOrEqual(MIN_CALIBRATION_PAPERS);
      const r = await buildIndex({ config: loadConfig({ dataDir: dir }, {}), catalogue, embedder });
      const gen = await openGenerationStore(dir).load(r.generation);
      const fusion = gen.manifest.calibration?.fusion;
      expect(fusion).toBeDefined();
      expect(WEIGHT_GRID).toContain(fusion!.semanticWeight);
      expect(Object.values(fusion!.kinds).reduce((n, k) => n + k.queries, 0)).toBeGreaterThan(100);
      // what the build recorded is what the fit says of the generation as it was written
      const lexical = await persistedLexicalIndex(gen, await generationBridge(gen));
      if (!('index' in lexical)) throw new Error(lexical.reason);
      const ctx = contextOf({ papers: gen.papers, index: gen.index, lexical: lexical.index }, embedder);
      expect(await fitSemanticWeight({ ...ctx, thresholds: gen.manifest.calibration!.confidence }, gen.papers, DEFAULT_SEMANTIC_WEIGHT)).toEqual(fusion);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
