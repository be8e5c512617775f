// The HTTP API contract, driven through app.request() against a real data dir built from the seed newsletters
// (lowdb catalogue, static embedder, HNSW generation, the real search engine).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { silentLogger } from '../../src/log.js';
import { createApp } from '../../src/server/app.js';
import { ServiceState } from '../../src/server/state.js';
import { dataPaths } from '../../src/config.js';
import { openEmbedder } from '../../src/embed/select.js';
import { openGenerationStore } from '../../src/index/generations.js';
import { openDictionary } from '../../src/lang/dictionary.js';
import { loadGlossary } from '../../src/lang/glossary.js';
import { openGenerationEngine } from '../../src/index/open-engine.js';
import { seededService, testConfig, type Service } from './fixture.js';

let s: Service;
beforeAll(async () => {
  s = await seededService();
});
afterAll(async () => {
  await s?.close();
});

const get = (path: string, init?: RequestInit) => s.app.request(path, init);
async function json(path: string, init?: RequestInit): Promise<{ status: number; body: any; res: Response }> {
  const res = await get(path, init);
  return { status: res.status, body: await res.json(), res };
}
const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  json(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const q = encodeURIComponent;
const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

/** Every error has the one shape, and the message names what was wrong. */
function expectError(r: { status: number; body: any }, status: number, code: string, mentions: string) {
  expect(r.status).toBe(status);
  expect(r.body.error.code).toBe(code);
  expect(r.body.error.message).toContain(mentions);
}

describe('GET /health and /api/stats', () => {
  it('reports ready with the served generation', async () => {
    const r = await json('/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ready', generation: '1' });
  });

  it('counts the seed catalogue, the embedder and the generation age', async () => {
    const { status, body } = await json('/api/stats');
    expect(status).toBe(200);
    expect(body.papers).toBe(51);
    expect(body.documents).toBe(5);
    expect(body.vectors).toBeGreaterThanOrEqual(body.papers); // at least one language view per paper
    expect(body.embedder.id).toMatch(/^static:/);
    expect(body.embedder.dimensions).toBeGreaterThan(0);
    expect(body.generation.name).toBe('1');
    expect(body.generation.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(body.loadedAt)).not.toBeNaN();
    expect(body.categories.LG).toBeGreaterThan(0);
  });
});

describe('GET /api/search', () => {
  it('finds the few-shot papers for a Chinese query, with the response envelope the contract promises', async () => {
    const { status, body } = await json(`/api/search?q=${q('少样本学习')}&limit=5`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ query: '少样本学习', mode: 'hybrid', lowConfidence: false });
    expect(body.embedder).toMatch(/^static:/);
    expect(body.total).toBeGreaterThanOrEqual(body.results.length);
    expect(body.tookMs).toBeGreaterThanOrEqual(0);
    expect(body.results).toHaveLength(5);
    const top = ids(body.results);
    expect(top.some((id) => id === 'arxiv:2209.11055' || id === 'arxiv:2201.04182')).toBe(true);
    const hit = body.results[0];
    for (const key of ['id', 'title', 'authors', 'categories', 'links', 'sources', 'score', 'explanation']) expect(hit).toHaveProperty(key);
    expect(hit.explanation.semantic ?? hit.explanation.lexical).toBeDefined();
  });

  it('expands queries with CC-CEDICT, not only the glossary: 面罩 ("mask") finds the masked-autoencoder papers', async () => {
    // 面罩 is in no paper and not in the glossary; CC-CEDICT's first sense "mask" is the only route to "masked"
    expect(loadGlossary().english('面罩')).toBeUndefined();
    const dictionary = await openDictionary({ modelsDir: dataPaths(s.dir).models });
    expect(dictionary.source('面罩')).toBe('cedict');
    const { body } = await json(`/api/search?q=${q('面罩')}&mode=lexical&limit=5`);
    expect(ids(body.results)).toContain('arxiv:2111.06377'); // Masked Autoencoders Are Scalable Vision Learners
    expect(body.results.every((h: any) => h.explanation.matchedTerms.includes('mask'))).toBe(true);
    // the same generation searched with the glossary alone (what the service used to do) finds nothing
    const g = await openGenerationStore(s.dir).load();
    const { embedder } = await openEmbedder(s.config, { require: g.manifest.embedder });
    try {
      const glossaryOnly = await openGenerationEngine(g, embedder);
      expect((await glossaryOnly.search({ q: '面罩', mode: 'lexical', limit: 5 })).results).toEqual([]);
    } finally {
      await embedder.close();
    }
  });

  it('marks matched terms in escaped snippets', async () => {
    const { body } = await json(`/api/search?q=${q('few-shot learning')}&mode=lexical&limit=3`);
    const snippets = body.results.flatMap((h: any) => [h.explanation.snippets.en, h.explanation.snippets.zh]).filter(Boolean).join(' ');
    expect(snippets).toMatch(/<mark>[^<]+<\/mark>/);
  });

  it('uses only the channel the mode asks for', async () => {
    const lexical = await json(`/api/search?q=${q('蛋白质结构预测')}&mode=lexical&limit=3`);
    expect(lexical.body.mode).toBe('lexical');
    expect(lexical.body.results.length).toBeGreaterThan(0);
    for (const h of lexical.body.results) {
      expect(h.explanation.lexical).toBeDefined();
      expect(h.explanation.semantic).toBeUndefined();
    }
    expect(ids(lexical.body.results)).toContain('arxiv:2206.13517'); // ProGen2, a protein language model
    const semantic = await json(`/api/search?q=${q('蛋白质结构预测')}&mode=semantic&limit=3`);
    for (const h of semantic.body.results) {
      expect(h.explanation.semantic).toBeDefined();
      expect(h.explanation.lexical).toBeUndefined();
    }
  });

  it('answers an arXiv id query with that paper first', async () => {
    const { body } = await json('/api/search?q=2209.11055');
    expect(body.results[0].id).toBe('arxiv:2209.11055');
    expect(body.results[0].explanation.idMatch).toBeDefined();
  });

  it('pages with limit and offset', async () => {
    const two = await json(`/api/search?q=${q('transformer')}&limit=2`);
    const second = await json(`/api/search?q=${q('transformer')}&limit=1&offset=1`);
    expect(ids(second.body.results)).toEqual([two.body.results[1].id]);
  });

  it('applies category, source and date filters (repeated or comma-separated)', async () => {
    const cv = await json(`/api/search?q=${q('learning')}&category=CV&limit=20`);
    expect(cv.body.results.length).toBeGreaterThan(0);
    for (const h of cv.body.results) expect(h.categories).toContain('CV');
    const both = await json(`/api/search?q=${q('learning')}&category=CV&category=CL&limit=20`);
    const comma = await json(`/api/search?q=${q('learning')}&category=CV,CL&limit=20`);
    expect(ids(both.body.results)).toEqual(ids(comma.body.results));
    expect(both.body.results.length).toBeGreaterThan(0);
    for (const h of both.body.results) expect(h.categories.some((c: string) => c === 'CV' || c === 'CL')).toBe(true);
    const daily = await json(`/api/search?q=${q('learning')}&source=daily&limit=20`);
    for (const h of daily.body.results) expect(h.sources.some((src: any) => src.format === 'daily')).toBe(true);
    const dated = await json(`/api/search?q=${q('learning')}&from=2022-01&to=2022-06-30&limit=20`);
    expect(dated.body.results.length).toBeGreaterThan(0);
    for (const h of dated.body.results) {
      const paper = (await json(`/api/papers/${q(h.id)}`)).body;
      expect(paper.date >= '2022-01' && paper.date <= '2022-06').toBe(true);
    }
  });

  it.each([
    ['', 'q', 'missing q'],
    ['q=', 'q', 'empty q'],
    [`q=${'x'.repeat(501)}`, 'q', 'q over PAPERSIFT_MAX_QUERY_CHARS'],
    ['q=a&limit=0', 'limit', 'limit below 1'],
    ['q=a&limit=101', 'limit', 'limit above PAPERSIFT_MAX_LIMIT'],
    ['q=a&limit=ten', 'limit', 'limit not a number'],
    ['q=a&offset=-1', 'offset', 'negative offset'],
    ['q=a&mode=fuzzy', 'mode', 'unknown mode'],
    ['q=a&from=2022-13', 'from', 'invalid month'],
    ['q=a&to=yesterday', 'to', 'not a date'],
    ['q=a&from=2022-09&to=2021-01', 'from', 'from after to'],
  ])('rejects %s with 400 naming "%s" (%s)', async (query, param) => {
    const r = await json(`/api/search?${query}`);
    expectError(r, 400, 'bad_request', `"${param}"`);
  });
});

describe('GET /api/papers/:id', () => {
  it.each([
    ['arxiv:2209.11055', 'canonical id'],
    ['2209.11055', 'bare arXiv id'],
    ['2209.11055v2', 'versioned arXiv id'],
    [q('https://arxiv.org/abs/2209.11055'), 'arXiv URL, encoded'],
  ])('resolves %s (%s)', async (ref) => {
    const { status, body } = await json(`/api/papers/${ref}`);
    expect(status).toBe(200);
    expect(body.id).toBe('arxiv:2209.11055');
    expect(body.title).toEqual({ en: 'Efficient Few-Shot Learning Without Prompts', zh: '无提示的高效少样本学习' });
    expect(body.summary.en).toContain('SETFIT');
    expect(body.links.some((l: any) => l.url === 'https://arxiv.org/abs/2209.11055')).toBe(true);
    expect(body.sources[0]).toMatchObject({ document: 'daily-arxiv-2022-09.txt', format: 'daily' });
  });

  it.each([
    ['doi%3A10.1101%2F2021.10.25.465689', 'canonical DOI id, URL-encoded'],
    ['10.1101%2F2021.10.25.465689', 'bare DOI, URL-encoded'],
    ['10.1101/2021.10.25.465689', 'bare DOI with a raw slash'],
    ['10.1101%2F2021.10.25.465689'.toUpperCase().replace('%2F', '%2F'), 'DOI in upper case'],
    [q('https://doi.org/10.1101/2021.10.25.465689'), 'doi.org URL'],
  ])('resolves %s (%s)', async (ref) => {
    const { status, body } = await json(`/api/papers/${ref}`);
    expect(status).toBe(200);
    expect(body.id).toBe('doi:10.1101/2021.10.25.465689');
  });

  it('answers 404 naming an unknown paper', async () => {
    const r = await json('/api/papers/arxiv:9999.99999');
    expectError(r, 404, 'not_found', 'arxiv:9999.99999');
    expect(r.body.error.details).toEqual({ id: 'arxiv:9999.99999' });
    expectError(await json('/api/papers/10.9999/nothing.here'), 404, 'not_found', '10.9999/nothing.here');
  });

  it('rejects an over-long id with 400 naming "id"', async () => {
    expectError(await json(`/api/papers/${'a'.repeat(301)}`), 400, 'bad_request', '"id"');
  });
});

describe('GET /api/papers/:id/related', () => {
  it('returns the paper and other papers, best first, without the paper itself', async () => {
    const { status, body } = await json('/api/papers/2209.11055/related?limit=4');
    expect(status).toBe(200);
    expect(body.paper.id).toBe('arxiv:2209.11055');
    expect(body.results).toHaveLength(4);
    expect(ids(body.results)).not.toContain('arxiv:2209.11055');
    const scores = body.results.map((h: any) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('filters related papers and accepts the raw-slash DOI form', async () => {
    const cv = await json('/api/papers/2209.11055/related?limit=10&category=CV');
    for (const h of cv.body.results) expect(h.categories).toContain('CV');
    const doi = await json('/api/papers/10.1101/2021.10.25.465689/related?limit=2');
    expect(doi.status).toBe(200);
    expect(doi.body.paper.id).toBe('doi:10.1101/2021.10.25.465689');
    expect(doi.body.results).toHaveLength(2);
    expectError(await json('/api/papers/10.1101/2021.10.25.465689/related?limit=0'), 400, 'bad_request', '"limit"');
  });

  it('answers 404 for an unknown paper and 400 for a bad limit', async () => {
    expectError(await json('/api/papers/2101.00001/related'), 404, 'not_found', '2101.00001');
    expectError(await json('/api/papers/2209.11055/related?limit=500'), 400, 'bad_request', '"limit"');
  });
});

describe('GET /api/papers (browse)', () => {
  it('pages through the whole catalogue, newest first', async () => {
    const first = await json('/api/papers?limit=20');
    expect(first.body).toMatchObject({ total: 51, limit: 20, offset: 0 });
    expect(first.body.results).toHaveLength(20);
    const dates = first.body.results.map((p: any) => p.date).filter(Boolean);
    expect([...dates].sort().reverse()).toEqual(dates);
    const seen = new Set<string>();
    for (let offset = 0; offset < 51; offset += 20) for (const p of (await json(`/api/papers?limit=20&offset=${offset}`)).body.results) seen.add(p.id);
    expect(seen.size).toBe(51);
  });

  it('filters by category and by source document', async () => {
    const cl = await json('/api/papers?category=CL&limit=100');
    expect(cl.body.total).toBe(cl.body.results.length);
    expect(cl.body.total).toBeGreaterThan(0);
    for (const p of cl.body.results) expect(p.categories).toContain('CL');
    const no52 = await json('/api/papers?source=weekly-pretraining-no52.txt&limit=100');
    expect(no52.body.total).toBeGreaterThan(0);
    for (const p of no52.body.results) expect(p.sources.map((x: any) => x.document)).toContain('weekly-pretraining-no52.txt');
  });

  it('rejects bad paging with 400 naming the parameter', async () => {
    expectError(await json('/api/papers?limit=1000'), 400, 'bad_request', '"limit"');
    expectError(await json('/api/papers?offset=abc'), 400, 'bad_request', '"offset"');
  });
});

describe('POST /api/recommend', () => {
  it('recommends other papers, lists unknown ids, honours exclude', async () => {
    const { status, body } = await postJson('/api/recommend', { positive: ['2209.11055', 'arxiv:2201.04182', 'arxiv:0000.00000'], limit: 5 });
    expect(status).toBe(200);
    expect(body.unknownIds).toEqual(['arxiv:0000.00000']);
    expect(body.results).toHaveLength(5);
    expect(ids(body.results)).not.toContain('arxiv:2209.11055');
    expect(ids(body.results)).not.toContain('arxiv:2201.04182');
    const excluded = body.results[0].id;
    const again = await postJson('/api/recommend', { positive: ['2209.11055'], exclude: [excluded], limit: 5 });
    expect(ids(again.body.results)).not.toContain(excluded);
  });

  it('steers with negatives, text, filters and diversity', async () => {
    const r = await postJson('/api/recommend', {
      positive: ['arxiv:2206.13517'],
      negative: ['2209.11055'],
      text: '蛋白质',
      filters: { source: ['weekly'] },
      diversity: 0.5,
      limit: 3,
    });
    expect(r.status).toBe(200);
    expect(r.body.results.length).toBeGreaterThan(0);
    for (const h of r.body.results) expect(h.sources.some((x: any) => x.format === 'weekly')).toBe(true);
  });

  it('returns no results (not an error) when every positive id is unknown', async () => {
    const r = await postJson('/api/recommend', { positive: ['nope', '1234.56789'] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ results: [], unknownIds: ['nope', '1234.56789'] });
  });

  it.each([
    [{}, 'positive'],
    [{ positive: [] }, 'positive'],
    [{ positive: 'arxiv:2209.11055' }, 'positive'],
    [{ positive: ['2209.11055'], limit: 0 }, 'limit'],
    [{ positive: ['2209.11055'], diversity: 2 }, 'diversity'],
    [{ positive: ['2209.11055'], filters: { from: '22-1' } }, 'filters.from'],
    [{ positive: ['2209.11055'], filters: { from: '2022-09', to: '2021-01' } }, 'from'],
    [{ positive: ['2209.11055'], colour: 'red' }, 'colour'],
  ])('rejects %j with 400 naming "%s"', async (body, param) => {
    const r = await postJson('/api/recommend', body);
    expectError(r, 400, 'bad_request', param);
  });

  it('rejects malformed JSON (400) and other content types (415)', async () => {
    expectError(await json('/api/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"positive": [' }), 400, 'bad_request', 'JSON');
    expectError(await json('/api/recommend', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'arxiv:2209.11055' }), 415, 'unsupported_media_type', 'Content-Type');
  });

  it('rejects bodies over PAPERSIFT_MAX_BODY_BYTES with 413', async () => {
    const big = { positive: ['2209.11055'], exclude: Array.from({ length: 100 }, (_, i) => `arxiv:2209.${String(i).padStart(5, '0')}`), text: 'x'.repeat(400) };
    const small = createApp({ config: testConfig(s.dir, { maxBodyBytes: 1024 }), state: s.state, logger: silentLogger });
    const res = await small.request('/api/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(big) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error).toMatchObject({ code: 'payload_too_large', details: { maxBytes: 1024 } });
  });
});

describe('while no index is served', () => {
  it('answers 503 with Retry-After on the API, /health and the pages, which do not show the reason (it names server paths)', async () => {
    const idle = new ServiceState(s.source, { currentFile: dataPaths(s.dir).current, pollIntervalMs: 1000, logger: silentLogger });
    const reason = 'building the catalogue and index from /srv/papersift/seeds (first run)';
    idle.setNotReadyReason(reason);
    const app = createApp({ config: testConfig(s.dir), state: idle, logger: silentLogger, retryAfterSeconds: 7 });
    for (const path of ['/api/search?q=x', '/api/papers/2209.11055', '/api/papers', '/api/stats', '/health', '/', '/?q=x', '/paper/2209.11055', '/feed']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after'), path).toBe('7');
      const text = await res.text();
      if (path.startsWith('/api') || path === '/health') expect(text, path).toContain(reason);
      else expect(text.includes('/srv/papersift'), `${path} shows a server path`).toBe(false);
    }
    const res = await app.request('/api/search?q=x');
    expect(((await res.json()) as any).error.code).toBe('not_ready');
    expect(await (await app.request('/')).text()).toContain('<meta http-equiv="refresh" content="7"/>'); // the page retries by itself
  });
});

describe('cross-cutting behaviour', () => {
  it('logs one structured line per request with its request id, only at info level', async () => {
    const lines: string[] = [];
    const sink = { write: (l: string) => void lines.push(l) };
    const app = createApp({ config: testConfig(s.dir), state: s.state, logger: pino({ level: 'info' }, sink) });
    await app.request('/api/papers/2209.11055', { headers: { 'x-request-id': 'req-123' } });
    await app.request('/api/search?limit=0');
    const [ok, bad] = lines.map((l) => JSON.parse(l));
    expect(ok).toMatchObject({ reqId: 'req-123', method: 'GET', path: '/api/papers/2209.11055', status: 200, msg: 'request' });
    expect(ok.ms).toBeGreaterThanOrEqual(0);
    expect(bad).toMatchObject({ method: 'GET', path: '/api/search', status: 400 });
    expect(bad.reqId).toMatch(/^[0-9a-f-]{36}$/);

    const quiet: string[] = [];
    const app2 = createApp({ config: testConfig(s.dir), state: s.state, logger: pino({ level: 'warn' }, { write: (l: string) => void quiet.push(l) }) });
    await app2.request('/api/search?q=transformer');
    await app2.request('/api/search?limit=0');
    expect(quiet).toEqual([]); // quiet by default
  });

  it('gives every response a request id and echoes one the client sent', async () => {
    const own = await get('/api/stats');
    expect(own.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await get('/api/stats', { headers: { 'x-request-id': 'client-chosen-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-chosen-42');
  });

  it('answers unknown routes with the error shape', async () => {
    expectError(await json('/api/nothing'), 404, 'not_found', '/api/nothing');
  });

  it('sends CORS headers as configured', async () => {
    const any = await get('/api/stats', { headers: { origin: 'https://example.org' } });
    expect(any.headers.get('access-control-allow-origin')).toBe('*');
    expect(any.headers.get('access-control-expose-headers')).toBe('X-Request-Id,Retry-After');
    expect(any.headers.get('vary')).toBeNull();
    // error answers carry them too (a browser could not read the error body otherwise)
    const invalid = await get('/api/search?q=x&limit=0', { headers: { origin: 'https://example.org' } });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('access-control-allow-origin')).toBe('*');
    expect((await get('/api/nothing', { headers: { origin: 'https://example.org' } })).headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await get('/api/recommend', {
      method: 'OPTIONS',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const listed = createApp({ config: testConfig(s.dir, { corsOrigin: 'https://a.example, https://b.example' }), state: s.state, logger: silentLogger });
    const ok = await listed.request('/api/stats', { headers: { origin: 'https://b.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://b.example');
    expect(ok.headers.get('vary')).toBe('Origin');
    expect(ok.headers.get('content-type')).toMatch(/application\/json/);
    const other = await listed.request('/api/stats', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const none = createApp({ config: testConfig(s.dir, { corsOrigin: 'none' }), state: s.state, logger: silentLogger });
    expect((await none.request('/api/stats', { headers: { origin: 'https://a.example' } })).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('GET /openapi.json and /docs', () => {
  it('documents every endpoint with its parameters and bounds', async () => {
    const { status, body } = await json('/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    expect(Object.keys(body.paths).sort()).toEqual(
      ['/api/documents', '/api/papers', '/api/papers/{id}', '/api/papers/{id}/related', '/api/recommend', '/api/search', '/api/stats', '/health', '/health/live'].sort(),
    );
    const search = body.paths['/api/search'].get;
    const param = (name: string) => search.parameters.find((p: any) => p.name === name);
    expect(param('q').required).toBe(true);
    expect(param('q').schema.maxLength).toBe(500);
    expect(param('limit').schema.maximum).toBe(100);
    expect(param('mode').schema.enum).toEqual(['hybrid', 'semantic', 'lexical']);
    expect(body.paths['/api/documents'].post.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(body.paths['/api/documents'].post.requestBody.content).sort()).toEqual(['application/json', 'text/plain']);
    expect(body.components.schemas.Hit.required).toEqual(expect.arrayContaining(['id', 'title', 'authors', 'score', 'explanation']));
    expect(body.components.schemas.Error).toBeDefined();
  });

  it('renders the same document as a readable page', async () => {
    const res = await get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    for (const path of ['/api/search', '/api/papers/{id}/related', '/api/recommend', '/api/documents', '/api/stats', '/health']) expect(html).toContain(path);
    // the limit parameter's bounds, straight from the schema (checked without dumping the page on failure)
    expect(html.includes('integer (1..100, default 10)'), 'limit bounds on /docs').toBe(true);
    expect(html.includes('id="schema-Hit"'), 'Hit schema on /docs').toBe(true);
  });
});

describe('web pages', () => {
  it('shows the latest papers without a query and hits with highlights for one', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/class="hit/g)?.length).toBe(20);
    const res = await get(`/?q=${q('少样本学习')}`);
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain('data-id="arxiv:2201.04182"');
    expect(page).toMatch(/<mark>[^<]+<\/mark>/);
    // the paper link carries the search, so the paper page can show it and lead back
    expect(page).toContain(`href="/paper/${q('arxiv:2201.04182')}?${new URLSearchParams({ q: '少样本学习' })}#related"`);
  });

  it('escapes what the user typed', async () => {
    const page = await (await get(`/?q=${q('<script>alert(1)</script>')}`)).text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows bad parameters on the page with a 400, and unknown papers with a 404', async () => {
    const bad = await get(`/?q=x&limit=1000`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('&quot;limit&quot;');
    const missing = await get('/paper/arxiv%3A9999.99999');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('arxiv:9999.99999');
  });

  it('renders a paper with both summaries, its sources and related papers', async () => {
    const res = await get(`/paper/${q('doi:10.1101/2021.10.25.465689')}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('data-id="doi:10.1101/2021.10.25.465689"');
    expect(page).toContain('id="related"');
    expect(page.match(/<article class="hit/g)?.length).toBeGreaterThan(0);
    expect(page).toContain('weekly-pretraining-no28.txt:');
  });

  it('answers the feed page\'s recommendation cards through /api/recommend, and its 400s as a notice', async () => {
    const postHtml = (body: unknown) => get('/feed', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const cards = await postHtml({ positive: ['2209.11055'], exclude: ['arxiv:2201.04182'], diversity: 0.3, limit: 5 });
    expect(cards.status).toBe(200);
    const html = await cards.text();
    const ids = [...html.matchAll(/<article class="hit[^"]*" data-id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBe(5);
    expect(ids).not.toContain('arxiv:2209.11055');
    expect(ids).not.toContain('arxiv:2201.04182');
    const bad = await postHtml({ positive: [] });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/class="notice error"[^<]*>[^<]*positive/);
  });
});
