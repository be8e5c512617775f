// The typed-array BM25 index scores exactly as the MiniSearch one it replaces: same papers, same order, scores and
// coverage to 1e-6 relative, same matched terms, on the seeds and on the vendored corpus, built and updated.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDictionary, type Dictionary } from '../../src/lang/dictionary.js';
import { ingestSeeds, MODELS_CACHE } from '../../src/eval/seed-engine.js';
import { catalogueQueries } from '../../src/eval/corpus.js';
import { loadLabelledSet } from '../../src/eval/labelled-set.js';
import { analyzeQuery } from '../../src/search/analyzer.js';
import * as fresh from '../../src/search/lexical.js';
import * as old from '../../src/search/lexical-minisearch.js';
import type { Paper } from '../../src/catalogue/types.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/corpus/papers.jsonl', import.meta.url));
const RENDER = fileURLToPath(new URL('../fixtures/corpus/render.mjs', import.meta.url));

let dir: string;
let dictionary: Dictionary;
let seeds: Paper[];
let corpus: Paper[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lexical-eq-'));
  dictionary = await openDictionary({ modelsDir: MODELS_CACHE });
  seeds = await ingestSeeds(join(dir, 'seeds'));
  execFileSync(process.execPath, [RENDER, '--papers', FIXTURE, '--out', join(dir, 'nl'), '--format', 'mixed'], { stdio: 'ignore' });
  corpus = await ingestSeeds(join(dir, 'corpus'), [join(dir, 'nl')]);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function queriesFor(papers: Paper[]): string[] {
  return [...loadLabelledSet().queries.map((q) => q.q), ...catalogueQueries(papers, { perSet: 40 }).map((q) => q.q), 'Smith', 'li wang', 'transformer transformer'];
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b), 1e-12);

function expectSame(a: { search: fresh.LexicalIndex['search']; has(t: string): boolean; df(t: string): number; idf(t: string): number }, b: typeof a, queries: string[], papers: Paper[]) {
  let compared = 0;
  const odd = papers.filter((_, i) => i % 2 === 1).map((p) => p.id);
  const filter = (id: string) => !odd.includes(id);
  for (const q of queries) {
    const query = analyzeQuery(q, dictionary, b.has);
    for (const t of query.terms) expect([a.has(t.term), a.df(t.term), a.idf(t.term)], t.term).toEqual([b.has(t.term), b.df(t.term), b.idf(t.term)]);
    for (const opts of [{ limit: 50 }, { limit: 5, filter }]) {
      const x = a.search(query, opts);
      const y = b.search(query, opts);
      expect(x.map((h) => h.paperId), q).toEqual(y.map((h) => h.paperId));
      x.forEach((h, i) => {
        const o = y[i]!;
        expect(close(h.score, o.score) && close(h.coverage, o.coverage), `${q}: ${h.paperId} ${h.score}/${o.score} ${h.coverage}/${o.coverage}`).toBe(true);
        // MiniSearch listed them as the keys of an object, so integer-like terms ("2025") came first
        expect(Object.keys(Object.fromEntries(h.matchedTerms.map((t) => [t, 1]))), q).toEqual(o.matchedTerms);
      });
      compared += x.length;
    }
  }
  expect(compared).toBeGreaterThan(queries.length * 5);
}

describe('typed-array BM25 against MiniSearch', () => {
  it('scores the seeds alike', () => {
    expectSame(fresh.buildLexicalIndex(seeds), old.buildLexicalIndex(seeds), queriesFor(seeds), seeds);
  });

  it('scores the vendored corpus alike, built and after an update that removes, edits and adds papers', async () => {
    const queries = queriesFor(corpus);
    expectSame(fresh.buildLexicalIndex(corpus), old.buildLexicalIndex(corpus), queries, corpus);
    const before = corpus.slice(0, 120);
    const edited = corpus.slice(10, 120).map((p, i) => (i % 7 === 0 ? { ...p, title: { ...p.title, en: `${p.title.en ?? ''} diffusion` } } : p));
    const after = [...edited, ...corpus.slice(120)];
    const a = await fresh.updateLexicalIndex(fresh.buildLexicalIndex(before), before, after);
    const b = await old.updateLexicalIndex(old.buildLexicalIndex(before), before, after);
    expect([a.added, a.updated, a.removed, a.unchanged]).toEqual([b.added, b.updated, b.removed, b.unchanged]);
    expectSame(a.index, b.index, queries, after);
    expectSame(a.index, old.buildLexicalIndex(after), queries, after);
  });

  it('round-trips through lexical.bin', () => {
    const built = fresh.buildLexicalIndex(corpus);
    const loaded = fresh.loadLexicalIndex(fresh.serializeLexicalIndex(built), corpus, 'lexical.bin');
    expectSame(loaded, old.buildLexicalIndex(corpus), queriesFor(corpus), corpus);
  });
});
