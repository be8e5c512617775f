// Self-calibration: the semantic cut-offs a generation is served with come from its own papers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dictionary } from '../../src/lang/dictionary.js';
import type { SeedEngine } from '../../src/eval/seed-engine.js';
import { calibrateConfidence, calibrateGeneration, nullVocabulary, type Calibration } from '../../src/search/calibration.js';
import { createEngineContext } from '../../src/search/engine.js';
import { openGenerationEngine } from '../../src/index/open-engine.js';
import { thresholdsFor } from '../../src/search/confidence.js';
import type { Embedder } from '../../src/embed/types.js';
import { buildFixtureEngine, type FixtureEngine } from '../helpers/fixture-engine.js';

let fixture: FixtureEngine;
let embedder: Embedder;
let dictionary: Dictionary;
let built: SeedEngine;
let fit: Calibration;

beforeAll(async () => {
  fixture = await buildFixtureEngine('calibration');
  ({ embedder, dictionary, built } = fixture);
  const ctx = createEngineContext({ papers: built.papers, index: built.index, lexical: built.lexical, embedder, dictionary });
  fit = (await calibrateConfidence(ctx, built.papers, nullVocabulary(dictionary), thresholdsFor(embedder.info.id), { minPapers: 100 }))!;
});
afterAll(() => fixture.close());

describe('confidence self-calibration', () => {
  it('asks null queries only with everyday words the catalogue never uses', () => {
    const vocab = nullVocabulary(dictionary);
    expect(vocab.chinese.length).toBeGreaterThan(1000);
    expect(vocab.english.length).toBeGreaterThan(1000);
    expect(vocab.english.every((w) => /^[a-z]{4,}$/.test(w))).toBe(true);
    expect(vocab.chinese.every((w) => /^\p{Script=Han}{2,3}$/u.test(w))).toBe(true);
  });

  it('sets the semantic cut-off where queries about nothing in the catalogue rarely reach it', () => {
    expect(fit.fit.papers).toBe(built.papers.length);
    expect(fit.fit.nullQueries).toBe(400);
    expect(fit.fit.nullConfident).toBeLessThanOrEqual(0.02);
    expect(fit.fit.knownItems).toBeGreaterThan(150);
    expect(fit.fit.knownKept).toBeGreaterThanOrEqual(0);
    expect(fit.confidence.semantic).toBeGreaterThan(0);
    expect(fit.confidence.semantic).toBeLessThan(1);
    // related papers: above what random pairs of ML papers reach
    expect(fit.confidence.related.semantic).toBeGreaterThan(0);
    expect(fit.fit.randomPairs).toBe(2000);
    // lexical coverage is a share of the query's words: the same scale everywhere, the prior stays
    expect(fit.confidence.lexical).toBe(thresholdsFor(embedder.info.id).lexical);
  });

  it('is deterministic: the same catalogue gives the same cut-offs', async () => {
    const ctx = createEngineContext({ papers: built.papers, index: built.index, lexical: built.lexical, embedder, dictionary });
    const again = await calibrateConfidence(ctx, built.papers, nullVocabulary(dictionary), thresholdsFor(embedder.info.id), { minPapers: 100 });
    expect(again).toEqual(fit);
  });

  it('leaves catalogues too small to fit on with the priors', async () => {
    expect(await calibrateGeneration({ papers: built.papers.slice(0, 120), index: built.index, lexical: built.lexical, embedder, dictionary })).toBeUndefined();
  });

  it('flags an off-topic query served with the fitted cut-offs, and still answers a pasted title confidently', async () => {
    const engine = await openGenerationEngine({ name: '1', papers: built.papers, index: built.index, manifest: { calibration: fit } }, embedder, { dictionary });
    for (const q of ['红烧肉的家常做法', 'cheap flights to lisbon in may']) expect((await engine.search({ q, limit: 5 })).lowConfidence, q).toBe(true);
    const paper = built.papers.find((p) => p.title.en && p.title.en.split(' ').length > 5)!;
    const r = await engine.search({ q: paper.title.en!, limit: 5 });
    expect(r.lowConfidence).toBe(false);
    expect(r.results[0]!.id).toBe(paper.id);
  });

  it('serves a generation with the cut-offs recorded in its manifest', async () => {
    const gen = { name: '1', papers: built.papers, index: built.index };
    const q = built.papers.find((p) => p.title.en)!.title.en!;
    const plain = await openGenerationEngine(gen, embedder, { dictionary });
    expect((await plain.search({ q, mode: 'semantic', limit: 5 })).lowConfidence).toBe(false);
    const strict = { ...fit.confidence, semantic: 1.01 }; // no cosine reaches it
    const calibrated = await openGenerationEngine({ ...gen, manifest: { calibration: { ...fit, confidence: strict } } }, embedder, { dictionary });
    expect((await calibrated.search({ q, mode: 'semantic', limit: 5 })).lowConfidence).toBe(true);
  });
});
