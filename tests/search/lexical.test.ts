// The BM25 index itself: its scores by the formula, top-k order, incremental updates and the lexical.bin format.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLexicalIndex, lexicalAnalyzerId, LexicalIndexLoadError, loadLexicalIndex, serializeLexicalIndex, updateLexicalIndex, writtenLexicalIndex, type LexicalIndex } from '../../src/search/lexical.js';
import { analyzeQuery, documentTerms, type AnalyzedQuery } from '../../src/search/analyzer.js';
import { openDictionary, type Dictionary } from '../../src/lang/dictionary.js';
import { ingestSeeds, MODELS_CACHE } from '../../src/eval/seed-engine.js';
import { loadLabelledSet } from '../../src/eval/labelled-set.js';
import type { Paper } from '../../src/catalogue/types.js';
import { learnBridge, loadShippedBridge } from '../../src/lang/bridge.js';

/** The seeds are too few bilingual papers to refit a bridge: they are indexed with the shipped one. */
const shipped = loadShippedBridge();

const paper = (id: string, title: string): Paper => ({ id, title: { en: title }, authors: [], affiliations: [], categories: [], summary: {}, links: [], sources: [] });
const typed = (...words: string[]): AnalyzedQuery => ({ concepts: words, terms: words.map((term, concept) => ({ term, weight: 1, concept, expanded: false })), names: [] });

describe('BM25 scores', () => {
  const papers = [paper('a', 'zeppelin zeppelin airship'), paper('b', 'zeppelin'), paper('c', 'balloon'), paper('d', 'balloon airship hangar')];
  const index = buildLexicalIndex(papers, shipped);
  // plain BM25 per field (k1 1.2, b 0.7), a field's length counting its distinct terms; titles weigh 2
  const length = (p: Paper) => new Set(documentTerms(p.title.en!)).size;
  const mean = papers.map(length).reduce((a, b) => a + b) / papers.length;
  const bm25 = (tf: number, p: Paper, df: number) => 2 * Math.log(1 + (papers.length - df + 0.5) / (df + 0.5)) * ((tf * 2.2) / (tf + 1.2 * (0.3 + (0.7 * length(p)) / mean)));

  it('scores a one-word query by the formula, best first, and leaves out papers without the word', () => {
    const hits = index.search(typed('zeppelin'), { limit: 10 });
    expect(hits.map((h) => h.paperId)).toEqual(['a', 'b']);
    expect(hits[0]!.score).toBeCloseTo(bm25(2, papers[0]!, 2), 12);
    expect(hits[1]!.score).toBeCloseTo(bm25(1, papers[1]!, 2), 12);
    expect(hits.map((h) => [h.coverage, h.matchedTerms])).toEqual([
      [1, ['zeppelin']],
      [1, ['zeppelin']],
    ]);
  });

  it('weighs a paper by the IDF share of the query words it matched, squared', () => {
    const hits = index.search(typed('zeppelin', 'hangar'), { limit: 10 });
    const share = (word: string) => index.idf(word) / (index.idf('zeppelin') + index.idf('hangar'));
    expect(hits.map((h) => [h.paperId, h.coverage])).toEqual([
      ['d', share('hangar')],
      ['a', share('zeppelin')],
      ['b', share('zeppelin')],
    ]);
    expect(hits[0]!.score).toBeCloseTo(bm25(1, papers[3]!, 1) * share('hangar') ** 2, 12);
    expect(index.df('airship')).toBe(2);
    expect(index.has('dirigible')).toBe(false);
  });

  it('keeps the best `limit`, ties broken by paper id, and applies the filter', () => {
    const twins = buildLexicalIndex([paper('z', 'zeppelin'), paper('m', 'zeppelin'), paper('x', 'zeppelin hangar'), paper('a', 'zeppelin')], shipped);
    expect(twins.search(typed('zeppelin'), { limit: 3 }).map((h) => h.paperId)).toEqual(['a', 'm', 'z']);
    expect(twins.search(typed('zeppelin'), { limit: 2, filter: (id) => id !== 'a' }).map((h) => h.paperId)).toEqual(['m', 'z']);
    expect(twins.search(typed('zeppelin'), { limit: 0 })).toEqual([]);
  });

  it('refuses a paper indexed twice', () => {
    expect(() => buildLexicalIndex([paper('a', 'x'), paper('a', 'y')], shipped)).toThrow('lexical index: paper a is indexed twice');
  });
});

describe('an update', () => {
  it('drops the terms only removed or rewritten papers held, keeps the others, and scores like a fresh build', async () => {
    const before = [paper('a', 'zeppelin airship'), paper('b', 'zeppelin hangar'), paper('c', 'balloon dirigible'), paper('d', 'kite')];
    const after = [paper('a', 'zeppelin airship'), paper('c', 'balloon blimp'), paper('d', 'kite dirigible'), paper('e', 'hangar glider')];
    const u = await updateLexicalIndex(buildLexicalIndex(before, shipped), before, after);
    const fresh = buildLexicalIndex(after, shipped);
    for (const term of ['zeppelin', 'airship', 'hangar', 'balloon', 'dirigible', 'blimp', 'kite', 'glider', 'missing']) {
      expect(u.index.df(term), term).toBe(fresh.df(term));
      expect(u.index.search(typed(term), { limit: 5 }), term).toEqual(fresh.search(typed(term), { limit: 5 }));
    }
    expect(u.index.search(typed('hangar', 'dirigible', 'zeppelin'), { limit: 5 })).toEqual(fresh.search(typed('hangar', 'dirigible', 'zeppelin'), { limit: 5 }));
    expect(u.index.df('zeppelin')).toBe(1); // b's went with b
    expect(u.index.has('hangar')).toBe(true); // b's went, e brought it back
  });
});

describe('learned translations in documents', () => {
  // a bridge that translates protein <-> 蛋白质 (they always travel together; 研究方法 is everywhere)
  const bridge = learnBridge([
    ...Array.from({ length: 6 }, (_, i) => ({ en: `protein folding study number ${i}`, zh: '蛋白质 折叠 研究方法' })),
    ...Array.from({ length: 6 }, (_, i) => ({ en: `graph network study number ${i}`, zh: '图网络 结构 研究方法' })),
  ]);
  const withSummary = (id: string, summary: Paper['summary']): Paper => ({ ...paper(id, 'Zeppelin'), summary });

  it('translate the language a paper has no summary in, so it is found by words of the other, and only that one', () => {
    const index = buildLexicalIndex([withSummary('zh-only', { zh: '蛋白质 折叠' }), withSummary('both', { zh: '蛋白质 折叠', en: 'airship hangars' })], bridge);
    expect(bridge.chinese('protein').map((t) => t.term)).toContain('蛋白质');
    // the paper written up only in Chinese is found by the English word; the one that has an English summary says
    // in its own words what it is about, and its Chinese words are not translated into ones it never used
    expect(index.search(typed('protein'), { limit: 10 }).map((h) => h.paperId)).toEqual(['zh-only']);
  });
});

describe('the seeds index', () => {
  let dir: string;
  let seeds: Paper[];
  let dictionary: Dictionary;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lexical-'));
    seeds = await ingestSeeds(dir);
    dictionary = await openDictionary({ modelsDir: MODELS_CACHE });
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const answers = (index: LexicalIndex) =>
    loadLabelledSet().queries.map((q) => index.search(analyzeQuery(q.q, dictionary, index.has, index.bridge), { limit: 20 }).map((h) => ({ ...h, matchedTerms: h.matchedTerms })));

  it('updated paper by paper, answers exactly as one built from the new papers, and the previous index is unchanged', async () => {
    const before = seeds.slice(0, -5);
    const edited = before.slice(3).map((p, i) => (i % 4 === 0 ? { ...p, title: { ...p.title, en: `${p.title.en ?? ''} protein folding` }, authors: [...p.authors, 'Ada Lovelace'] } : p));
    const after = [...edited, ...seeds.slice(-5)];
    const previous = buildLexicalIndex(before, shipped);
    const previousAnswers = answers(previous);
    const u = await updateLexicalIndex(previous, before, after);
    expect(u).toMatchObject({ added: 5, updated: Math.ceil(edited.length / 4), removed: 3, unchanged: after.length - 5 - Math.ceil(edited.length / 4) });
    expect(answers(u.index)).toEqual(answers(buildLexicalIndex(after, shipped)));
    expect(u.index.documentCount).toBe(after.length);
    expect(answers(previous)).toEqual(previousAnswers);
  });

  it('updated twice over, carries the statistics a load derives from its bytes afresh (document frequencies, field lengths)', async () => {
    const rewrite = (p: Paper, words: string): Paper => ({ ...p, summary: { ...p.summary, en: `${p.summary.en ?? ''} ${words}` }, affiliations: [...p.affiliations, words] });
    const once = seeds.slice(2).map((p, i) => (i % 5 === 0 ? rewrite(p, 'zeppelin hangar') : p));
    const twice = [seeds[0]!, ...once.slice(1).map((p, i) => (i % 7 === 0 ? rewrite(p, 'zeppelin blimp') : p))];
    const first = await updateLexicalIndex(buildLexicalIndex(seeds, shipped), seeds, once);
    const second = await updateLexicalIndex(first.index, once, twice);
    expect([first, second].map((u) => u.updated + u.added + u.removed).every((n) => n > 0)).toBe(true);
    const words = [...new Set(seeds.flatMap((p) => documentTerms([p.title.en, p.title.zh, p.summary.en, p.summary.zh, ...p.affiliations].join('\n'))))];
    words.push('zeppelin', 'hangar', 'blimp');
    for (const [u, papers] of [[first, once], [second, twice]] as const) {
      const reloaded = loadLexicalIndex(serializeLexicalIndex(u.index), papers, shipped, 'lexical.bin');
      expect(words.filter((w) => u.index.df(w) !== reloaded.df(w))).toEqual([]);
      expect(answers(u.index)).toEqual(answers(reloaded));
      expect(answers(u.index)).toEqual(answers(buildLexicalIndex(papers, shipped)));
      // what a reindex gate opens in place of the bytes it just wrote
      expect(answers(writtenLexicalIndex(u.index, papers, shipped, 'lexical.bin')!)).toEqual(answers(reloaded));
    }
  });

  it('stands in for the bytes it was written as only when every term and id survives them as UTF-8', () => {
    const odd = [...seeds.slice(0, 5), paper('arxiv:2401.00001\ud835', 'half a surrogate in an id')];
    const index = buildLexicalIndex(odd, shipped);
    expect(writtenLexicalIndex(index, odd, shipped, 'lexical.bin')).toBeUndefined(); // decoding the bytes gives U+FFFD
    expect(writtenLexicalIndex(buildLexicalIndex(seeds, shipped), seeds, shipped, 'lexical.bin')).toBeDefined();
    expect(() => writtenLexicalIndex(buildLexicalIndex(seeds, shipped), seeds.slice(1), shipped, 'gen/lexical.bin')).toThrow(LexicalIndexLoadError);
  });

  it('round-trips through lexical.bin, from any byte offset', () => {
    const built = buildLexicalIndex(seeds, shipped);
    const bytes = serializeLexicalIndex(built);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    for (const copy of [bytes, shifted.subarray(1)]) expect(answers(loadLexicalIndex(copy, seeds, shipped, 'lexical.bin'))).toEqual(answers(built));
  });

  it('refuses a file of another analyzer, of other papers, or not lexical.bin, saying which', () => {
    const bytes = serializeLexicalIndex(buildLexicalIndex(seeds, shipped));
    const reason = (b: Uint8Array, papers = seeds) => {
      try {
        loadLexicalIndex(b, papers, shipped, 'gen/lexical.bin');
      } catch (e) {
        return e instanceof LexicalIndexLoadError ? [e.reason, e.message] : e;
      }
    };
    const id = lexicalAnalyzerId(shipped);
    const older = Buffer.from(bytes.toString('latin1').replace(id, 'v0:'.padEnd(id.length, '0')), 'latin1');
    expect(reason(older)).toEqual(['analyzer', `lexical index gen/lexical.bin: written by lexical analyzer ${'v0:'.padEnd(id.length, '0')}, this version is ${id}`]);
    expect(reason(bytes, seeds.slice(1))).toEqual(['papers', `lexical index gen/lexical.bin: indexes ${seeds.length} papers but the generation has ${seeds.length - 1}`]);
    expect(reason(bytes, [...seeds.slice(1), paper('x', 'y')])).toEqual(['papers', 'lexical index gen/lexical.bin: lacks paper x']);
    expect(reason(Buffer.from('{"format":"papersift-lexical","analyzer":"v1:abc"}'))).toEqual(['invalid', 'lexical index gen/lexical.bin: not a papersift-lexical-bin file']);
    expect(reason(bytes.subarray(0, bytes.length - 8))).toEqual(['invalid', 'lexical index gen/lexical.bin: section tfs is missing or outside the file']);
  });
});
