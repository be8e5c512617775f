// Pure building blocks: fusion arithmetic, MMR, snippet marking/escaping, filter validation.
import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, rankByScore, RRF_K, scoreFusion } from '../../src/search/fusion.js';
import { mmrSelect } from '../../src/search/mmr.js';
import { escapeHtml, matchSpans, snippet, textWords } from '../../src/search/snippets.js';
import { compileFilters } from '../../src/search/filters.js';
import { SearchInputError } from '../../src/search/errors.js';
import { BoundedMemo } from '../../src/search/memo.js';
import { stem } from '../../src/lang/english.js';
import { seededUniform } from '../../src/util/random.js';
import type { Paper } from '../../src/catalogue/types.js';

describe('reciprocal rank fusion', () => {
  it('rewards papers both channels rank, and follows the per-channel weights', () => {
    const fused = reciprocalRankFusion([
      { ids: ['a', 'b', 'c'], weight: 0.5 },
      { ids: ['b', 'd', 'c'], weight: 0.5 },
    ]);
    expect(fused.get('b')).toBeCloseTo(0.5 / (RRF_K + 2) + 0.5 / (RRF_K + 1));
    expect(rankByScore(fused)).toEqual(['b', 'c', 'a', 'd']);
    const semanticOnly = reciprocalRankFusion([
      { ids: ['a', 'b', 'c'], weight: 1 },
      { ids: ['c', 'b', 'd'], weight: 0 },
    ]);
    expect(rankByScore(semanticOnly)).toEqual(['a', 'b', 'c']);
  });

});

describe('normalised-score fusion (hybrid)', () => {
  const floor = 0.2; // the dense channel's worst candidate

  it('keeps how far apart the scores are: a clear lexical answer beats the embedding\'s loose guess', () => {
    // The pasted-title shape: BM25 finds the paper at 3x the next score; the embedding ranks a guess first by a hair.
    const fused = scoreFusion(
      [
        { id: 'paper', lexical: 30, cosine: 0.58 },
        { id: 'guess', lexical: 10, cosine: 0.6 },
        { id: 'other', lexical: 9, cosine: 0.3 },
      ],
      0.4,
      floor,
    );
    expect(rankByScore(fused)).toEqual(['paper', 'guess', 'other']);
    expect(fused.get('paper')).toBeCloseTo(0.6 * 1 + 0.4 * (0.38 / 0.8));
    expect(fused.get('guess')).toBeCloseTo(0.6 * (10 / 30) + 0.4 * (0.4 / 0.8));
  });

  it('lets the semantic channel decide between papers the lexical channel scores alike', () => {
    const fused = scoreFusion(
      [
        { id: 'a', lexical: 10, cosine: 0.25 },
        { id: 'b', lexical: 10, cosine: 0.55 },
        { id: 'c', cosine: 0.6 }, // only the dense channel found it
      ],
      0.4,
      floor,
    );
    expect(rankByScore(fused)).toEqual(['b', 'a', 'c']);
    expect(fused.get('c')).toBeCloseTo(0.4 * 0.5);
  });

  it('follows one channel alone at weight 0 or 1, and never lets a cosine below the floor count against a paper', () => {
    const cands = [
      { id: 'x', lexical: 5, cosine: 0.1 },
      { id: 'y', lexical: 1, cosine: 0.9 },
    ];
    expect(rankByScore(scoreFusion(cands, 0, floor))).toEqual(['x', 'y']);
    expect(rankByScore(scoreFusion(cands, 1, floor))).toEqual(['y', 'x']);
    expect(scoreFusion(cands, 1, floor).get('x')).toBe(0);
    expect(scoreFusion(cands, 1, floor).get('y')).toBeCloseTo(0.875);
  });
});

describe('MMR', () => {
  const v = (...xs: number[]) => {
    const a = Float32Array.from(xs);
    const n = Math.hypot(...a);
    return a.map((x) => x / n);
  };
  const candidates = [
    { id: 'a', relevance: 1.0, vector: () => v(1, 0, 0) },
    { id: 'a-copy', relevance: 0.95, vector: () => v(1, 0.01, 0) },
    { id: 'b', relevance: 0.6, vector: () => v(0, 1, 0) },
  ];
  it('keeps relevance order without diversity and skips near-copies with it', () => {
    expect(mmrSelect(candidates, 2, 0)).toEqual(['a', 'a-copy']);
    expect(mmrSelect(candidates, 2, 0.7)).toEqual(['a', 'b']);
  });

  it('picks what comparing every candidate with every pick picks, reading only the vectors it compares', () => {
    const r = seededUniform(3);
    const pool = Array.from({ length: 300 }, (_, i) => ({ id: `p${i}`, relevance: r(), vec: v(r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5) }));
    // every unpicked candidate scored against every pick, each round (the definition of MMR)
    const everyPair = (k: number, lambda: number) => {
      const sorted = [...pool].sort((a, b) => b.relevance - a.relevance);
      const [max, min] = [sorted[0]!.relevance, Math.min(0, sorted.at(-1)!.relevance)];
      const picked: typeof pool = [];
      while (picked.length < k) {
        const score = (c: (typeof pool)[number]) =>
          lambda * ((c.relevance - min) / (max - min)) - (1 - lambda) * Math.max(0, ...picked.map((p) => p.vec.reduce((s, x, i) => s + x * c.vec[i]!, 0)));
        const rest = sorted.filter((c) => !picked.includes(c));
        picked.push(rest.reduce((best, c) => (score(c) > score(best) + 1e-12 ? c : best)));
      }
      return picked.map((p) => p.id);
    };
    // a few picks with a little diversity compare only the top of the pool; without diversity, only the picks
    for (const [k, diversity, mostRead] of [[100, 1, pool.length], [10, 0.3, pool.length / 3], [50, 0, 50]] as const) {
      let reads = 0;
      const picked = mmrSelect(pool.map((c) => ({ id: c.id, relevance: c.relevance, vector: () => (reads++, c.vec) })), k, diversity);
      expect(picked).toEqual(everyPair(k, 1 - diversity / 2));
      expect(reads).toBeLessThanOrEqual(mostRead);
    }
  });
});

describe('snippets', () => {
  it('marks stemmed English words and Chinese terms, escaping everything else', () => {
    const text = 'We <b>pretrain</b> & fine-tune models; 预训练模型 "works"';
    const spans = matchSpans(text, new Set([stem('pretraining'), stem('tune')]), stem, ['预训练']);
    const out = snippet(text, spans);
    expect(out).toBe('We &lt;b&gt;<mark>pretrain</mark>&lt;/b&gt; &amp; <mark>fine-tune</mark> models; <mark>预训练</mark>模型 &quot;works&quot;');
  });
  it('cuts long text to a window around the matches', () => {
    const text = 'x '.repeat(200) + 'protein folding' + ' y'.repeat(200);
    const out = snippet(text, matchSpans(text, new Set(['protein']), stem, []), 60);
    expect(out.startsWith('…')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
    expect(out).toContain('<mark>protein</mark>');
    expect(out.replace(/<\/?mark>/g, '').length).toBeLessThanOrEqual(62);
  });
  it('finds words once per text, with the forms of their parts, and matches the same spans from them', () => {
    const text = 'Self-supervised pretraining, fine-tuning, and 自监督 models';
    const words = textWords(text, stem);
    expect(words.map((w) => text.slice(w.start, w.end))).toEqual(['Self-supervised', 'pretraining', 'fine-tuning', 'and', 'models']);
    expect(words[2]!.forms).toEqual([stem('fine-tuning'), 'fine', stem('tuning')]);
    const terms = new Set([stem('supervised'), stem('tune'), stem('model')]);
    const spans = matchSpans(text, terms, stem, ['自监督']);
    expect(spans.map(([a, b]) => text.slice(a, b))).toEqual(['Self-supervised', 'fine-tuning', '自监督', 'models']);
    expect(matchSpans(text, terms, stem, ['自监督'], words)).toEqual(spans);
  });
  it('escapes quotes and ampersands', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('filters', () => {
  const paper = (over: Partial<Paper>): Paper => ({
    id: 'arxiv:2209.11055',
    title: { en: 't' },
    authors: [],
    affiliations: [],
    categories: ['CL'],
    summary: {},
    links: [],
    sources: [{ document: 'daily-arxiv-2022-09.txt', format: 'daily', position: 3, line: 33 }],
    date: '2022-09',
    ...over,
  });
  const hasView = (_id: string, view: string) => view === 'en';
  it('matches category, source kind or document, month-precise date range and views', () => {
    const ok = (f: Parameters<typeof compileFilters>[0], p = paper({})) => compileFilters(f, hasView)!(p);
    expect(ok({ category: ['cl'] })).toBe(true);
    expect(ok({ category: ['CV'] })).toBe(false);
    expect(ok({ source: ['daily'] })).toBe(true);
    expect(ok({ source: ['daily-arxiv-2022-09'] })).toBe(true);
    expect(ok({ source: ['weekly'] })).toBe(false);
    expect(ok({ from: '2022-09-30', to: '2022-09' })).toBe(true);
    expect(ok({ from: '2022-10' })).toBe(false);
    expect(ok({ to: '2022-12' }, paper({ date: undefined }))).toBe(false);
    expect(ok({ views: ['en'] })).toBe(true);
    expect(ok({ views: ['en', 'zh'] })).toBe(false);
    expect(compileFilters({}, hasView)).toBeUndefined();
  });
  it('rejects malformed filters naming the parameter', () => {
    expect(() => compileFilters({ from: '2022/09' }, hasView)).toThrow(SearchInputError);
    expect(() => compileFilters({ from: '2022/09' }, hasView)).toThrow(/filters\.from/);
    expect(() => compileFilters({ from: '2023-01', to: '2022-01' }, hasView)).toThrow(/filters\.from/);
    expect(() => compileFilters({ views: ['fr' as 'en'] }, hasView)).toThrow(/filters\.views.*"fr"/);
    expect(() => compileFilters({ category: 'CV' as unknown as string[] }, hasView)).toThrow(/filters\.category/);
  });
});

describe('bounded memo', () => {
  it('computes each key once, keeps at most `limit` entries and evicts the oldest first', () => {
    const calls: string[] = [];
    const memo = new BoundedMemo(2, (k: string) => {
      calls.push(k);
      return k.toUpperCase();
    });
    expect([memo.get('a'), memo.get('b'), memo.get('a')]).toEqual(['A', 'B', 'A']);
    expect(calls).toEqual(['a', 'b']);
    expect(memo.get('c')).toBe('C'); // evicts a, the oldest
    expect(memo.size).toBe(2);
    expect(memo.get('b')).toBe('B');
    expect(memo.get('a')).toBe('A');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
    expect(() => new BoundedMemo(0, (k: string) => k)).toThrow(/limit/);
  });
});
