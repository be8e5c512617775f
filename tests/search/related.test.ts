// related() and recommend() on the real seed index (see fixture.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeSeedFixture, seedFixture, type Fixture } from './fixture.js';
import { paperVector, cosine } from '../../src/search/dense.js';
import { SearchInputError } from '../../src/search/errors.js';

let f: Fixture;
beforeAll(async () => {
  f = await seedFixture();
});
afterAll(disposeSeedFixture);

const MAE = 'arxiv:2111.06377';
const PROGEN2 = 'arxiv:2206.13517';
const DEDAL = 'doi:10.1101/2021.11.15.468653';
const ids = (r: { results: { id: string }[] }) => r.results.map((h) => h.id);

describe('related papers', () => {
  it('finds the masked-image-modelling relatives of MAE and never the paper itself', async () => {
    const r = (await f.engine.related(MAE, { limit: 5 }))!;
    expect(r.paper.id).toBe(MAE);
    expect(ids(r)).not.toContain(MAE);
    expect(ids(r).slice(0, 3)).toEqual(expect.arrayContaining([f.byTitle('BEiT').id, f.byTitle('MaskViT').id]));
    expect(r.results).toHaveLength(5);
    expect(new Set(ids(r)).size).toBe(5);
  });

  it('accepts any arXiv/DOI form of the id and explains with the shared terms', async () => {
    const r = (await f.engine.related('https://doi.org/10.1101/2021.11.15.468653', { limit: 3 }))!;
    expect(r.paper.id).toBe(DEDAL);
    expect(ids(r)).toContain(PROGEN2);
    const progen = r.results.find((h) => h.id === PROGEN2)!;
    expect(progen.explanation.matchedTerms).toEqual(expect.arrayContaining(['蛋白质']));
    expect(progen.explanation.snippets.zh).toContain('<mark>');
  });

  it('honours filters and returns undefined for an unknown paper', async () => {
    const r = (await f.engine.related(PROGEN2, { limit: 6, filters: { source: ['daily'] } }))!;
    expect(r.results).toHaveLength(6);
    expect(r.results.every((h) => h.sources.some((s) => s.format === 'daily'))).toBe(true);
    expect(await f.engine.related('arxiv:0000.00000')).toBeUndefined();
    await expect(f.engine.related(' ')).rejects.toThrow(/^id:/);
    await expect(f.engine.related(PROGEN2, { limit: 0 })).rejects.toThrow(/^limit:/);
  });
});

describe('recommendations', () => {
  it('combines several positive seeds and excludes them', async () => {
    const r = await f.engine.recommend({ positive: [PROGEN2, DEDAL], limit: 5 });
    expect(r.unknownIds).toEqual([]);
    expect(ids(r)).not.toContain(PROGEN2);
    expect(ids(r)).not.toContain(DEDAL);
    // the other protein papers of the labelled cluster: MutFormer and the SARS-CoV-2 antigen paper
    expect(ids(r)).toEqual(expect.arrayContaining(['arxiv:2110.14746', 'doi:10.1101/2022.06.23.497375']));
  });

  it('honours exclude (already seen) and still fills the list', async () => {
    const first = await f.engine.recommend({ positive: [MAE], limit: 5 });
    const seen = ids(first).slice(0, 2);
    const next = await f.engine.recommend({ positive: [MAE], exclude: seen, limit: 5 });
    expect(next.results).toHaveLength(5);
    for (const id of seen) expect(ids(next)).not.toContain(id);
    expect(ids(next).slice(0, 3)).toEqual(ids(first).slice(2, 5));
  });

  it('a negative example pushes its neighbours down', async () => {
    const beit = f.byTitle('BEiT').id;
    const base = ids(await f.engine.recommend({ positive: [MAE], limit: 15 }));
    const pushed = ids(await f.engine.recommend({ positive: [MAE], negative: [beit], limit: 15 }));
    expect(pushed).not.toContain(beit);
    const rank = (list: string[], id: string) => (list.includes(id) ? list.indexOf(id) : list.length);
    const neighbours = ids((await f.engine.related(beit, { limit: 3 }))!).filter((id) => id !== MAE && base.includes(id));
    expect(neighbours.length).toBeGreaterThan(0);
    for (const id of neighbours) expect(rank(pushed, id)).toBeGreaterThan(rank(base, id));
  });

  it('uses free text as an extra seed, alone or with papers', async () => {
    const textOnly = await f.engine.recommend({ positive: [], text: '蛋白质序列', limit: 3 });
    expect(ids(textOnly)).toEqual(expect.arrayContaining([PROGEN2, DEDAL]));
    const mixed = await f.engine.recommend({ positive: [MAE], text: 'video prediction', limit: 3 });
    expect(ids(mixed)[0]).toBe(f.byTitle('MaskViT').id);
  });

  it('reports unknown ids without failing', async () => {
    const r = await f.engine.recommend({ positive: ['arxiv:9999.99999', PROGEN2], negative: ['nope'], exclude: ['doi:10.0/none'], limit: 3 });
    expect(r.unknownIds).toEqual(['arxiv:9999.99999', 'nope', 'doi:10.0/none']);
    expect(r.results).toHaveLength(3);
    const none = await f.engine.recommend({ positive: ['arxiv:9999.99999'] });
    expect(none).toEqual({ results: [], unknownIds: ['arxiv:9999.99999'] });
    await expect(f.engine.recommend({ positive: [] })).rejects.toThrow(SearchInputError);
    await expect(f.engine.recommend({ positive: [MAE], diversity: 3 })).rejects.toThrow(/^diversity:/);
  });

  it('diversity (MMR) trades near-duplicates for variety', async () => {
    const spread = (list: string[]) => {
      const vs = list.map((id) => paperVector(f.index, id)!);
      let s = 0;
      let n = 0;
      for (let i = 0; i < vs.length; i++) for (let j = i + 1; j < vs.length; j++) (s += cosine(vs[i]!, vs[j]!)), n++;
      return s / n;
    };
    const plain = ids(await f.engine.recommend({ positive: [MAE], limit: 6 }));
    const diverse = ids(await f.engine.recommend({ positive: [MAE], limit: 6, diversity: 1 }));
    expect(diverse[0]).toBe(plain[0]);
    expect(diverse).not.toEqual(plain);
    expect(spread(diverse)).toBeLessThan(spread(plain));
  });
});
