// GET /api/search as issue 13 specifies it: one ranking per query (stable total, disjoint pages), the query syntax
// echoed as `parsed`, sort, facets and since — against the whole service over a seeded data dir (see fixture.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, dailyDoc, seededService, type Service } from './fixture.js';

let s: Service;
beforeAll(async () => {
  s = await seededService();
});
afterAll(async () => {
  await s?.close();
});

const q = encodeURIComponent;
async function search(params: string): Promise<{ status: number; body: any }> {
  const res = await s.app.request(`/api/search?${params}`);
  return { status: res.status, body: await res.json() };
}
const ids = (body: { results: { id: string }[] }) => body.results.map((h) => h.id);

describe('pagination over one ranking', () => {
  it('蛋白质语言模型: offsets 0, 10, 20 are disjoint slices of the limit=30 page, with one total', async () => {
    const pages = await Promise.all([0, 10, 20].map((offset) => search(`q=${q('蛋白质语言模型')}&limit=10&offset=${offset}`)));
    const whole = await search(`q=${q('蛋白质语言模型')}&limit=30`);
    expect(new Set([whole, ...pages].map((p) => p.body.total)).size).toBe(1);
    expect(pages.flatMap((p) => ids(p.body))).toEqual(ids(whole.body));
    expect(whole.body.totalCapped).toBe(false);
  });

  it('预训练 in semantic mode: the total does not move with the offset', async () => {
    const totals = await Promise.all([0, 10, 20, 30, 40].map(async (offset) => (await search(`q=${q('预训练')}&mode=semantic&offset=${offset}`)).body.total));
    expect(new Set(totals).size).toBe(1);
  });
});

describe('query syntax', () => {
  it('echoes the parsed query and lists an author\'s papers for au: alone, abbreviated or in full', async () => {
    for (const name of ['"H Bao"', '"Hangbo Bao"']) {
      const { status, body } = await search(`q=${q(`au:${name}`)}`);
      expect(status).toBe(200);
      expect(body.parsed).toEqual({ text: '', authors: [name.slice(1, -1)], title: [], categories: [], years: [], phrases: [], exclude: [] });
      expect(body.results.map((h: any) => h.title.en)).toEqual(['BEiT: BERT Pre-Training of Image Transformers']);
    }
  });

  it('answers a malformed year with 400 naming q', async () => {
    const { status, body } = await search(`q=${q('year:20x3 transformer')}`);
    expect(status).toBe(400);
    expect(body.error.message).toContain('"q"');
    expect(body.error.message).toContain('year:20x3');
  });
});

describe('sort and facets', () => {
  it('sort=date returns the same answers newest first', async () => {
    const relevance = await search(`q=transformer&limit=50`);
    const byDate = await search(`q=transformer&limit=50&sort=date`);
    expect(byDate.body.total).toBe(relevance.body.total);
    expect(new Set(ids(byDate.body))).toEqual(new Set(ids(relevance.body)));
    const paperDates = await Promise.all(ids(byDate.body).map(async (id) => (await (await s.app.request(`/api/papers/${q(id)}`)).json()).date ?? ''));
    expect(paperDates.filter(Boolean)).toEqual([...paperDates.filter(Boolean)].sort().reverse());
  });

  it('facets=category,source,year: counts that match the totals of the filtered searches, ignoring their own filter', async () => {
    const { status, body } = await search(`q=transformer&facets=category,source,year`);
    expect(status).toBe(200);
    expect(Object.keys(body.facets).sort()).toEqual(['category', 'source', 'year']);
    const [category] = body.facets.category;
    expect(category).toEqual({ value: expect.any(String), count: expect.any(Number) });
    expect((await search(`q=transformer&category=${q(category.value)}`)).body.total).toBe(category.count);
    const [source] = body.facets.source;
    expect((await search(`q=transformer&source=${q(source.value)}`)).body.total).toBe(source.count);
    const filtered = await search(`q=transformer&facets=category,year&category=${q(category.value)}`);
    expect(filtered.body.facets.category).toEqual(body.facets.category);
    expect(filtered.body.total).toBe(category.count);
  });

  it('rejects an unknown facet, sort or since with 400 naming the parameter', async () => {
    for (const [params, name] of [['facets=colour', 'facets'], ['sort=citations', 'sort'], ['since=yesterday', 'since']] as const) {
      const { status, body } = await search(`q=transformer&${params}`);
      expect(status, params).toBe(400);
      expect(body.error.message).toContain(`"${name}"`);
    }
  });
});

describe('since', () => {
  it('returns only the papers first seen after the instant, or the index generation, a reader last saw', async () => {
    const lastVisit = new Date().toISOString();
    const doc = dailyDoc(1, '2401.00071', 'Sparse Transformer Routing for Tiny Devices', '面向小型设备的稀疏变换器路由');
    const up = await s.app.request('/api/documents?name=daily-new.txt', { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'text/plain' }, body: doc });
    expect(up.status).toBe(200);
    const fresh = await search(`q=transformer&since=${q(lastVisit)}`);
    expect(ids(fresh.body)).toEqual(['arxiv:2401.00071']);
    expect((await search(`q=transformer&since=2000-01-01`)).body.total).toBeGreaterThan(1);
    // or the generation the reader saw: papers first added in a later one
    const served = (await (await s.app.request('/api/stats')).json()).generation.name;
    expect(Number(served)).toBeGreaterThan(1);
    expect(ids((await search(`q=transformer&since=${Number(served) - 1}`)).body)).toEqual(['arxiv:2401.00071']);
    expect((await search(`q=transformer&since=${served}`)).body.total).toBe(0);
    const gone = await search('q=transformer&since=999');
    expect(gone.status).toBe(400);
    expect(gone.body.error.message).toContain('generation 999');
  });
});

describe('the contract', () => {
  it('documents sort, since and facets and the new response fields', async () => {
    const doc = await (await s.app.request('/openapi.json')).json();
    const params = doc.paths['/api/search'].get.parameters.map((p: any) => p.name);
    expect(params).toEqual(expect.arrayContaining(['sort', 'since', 'facets']));
    expect(doc.components.schemas.SearchResponse.required).toEqual(expect.arrayContaining(['total', 'totalCapped', 'parsed']));
    expect(doc.components.schemas.ParsedQuery).toBeDefined();
  });
});
