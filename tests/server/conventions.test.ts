// HTTP conventions: liveness next to readiness, 405 + Allow for wrong methods, security headers whose CSP admits
// exactly the inline script and style the pages carry, and /favicon.ico. Real service over the seed data.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/config.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { buildIndex } from '../../src/index/build.js';
import { silentLogger } from '../../src/log.js';
import { createApp } from '../../src/server/app.js';
import { ServiceState } from '../../src/server/state.js';
import { seededService, testConfig, type Service } from './fixture.js';

let s: Service;
beforeAll(async () => {
  s = await seededService();
}, 300_000);
afterAll(() => s.close());

const get = (path: string, init?: RequestInit) => s.app.request(path, init);

describe('/health/live', () => {
  it('is 200 while the process answers, even before an index is ready (when /health is 503)', async () => {
    const idle = new ServiceState(s.source, { currentFile: dataPaths(s.dir).current, pollIntervalMs: 1000, logger: silentLogger });
    idle.setNotReadyReason('building the index (first run)');
    const app = createApp({ config: testConfig(s.dir), state: idle, logger: silentLogger });
    expect((await app.request('/health')).status).toBe(503);
    const live = await app.request('/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'live', uptimeSeconds: expect.any(Number) });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await get('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(doc.paths).toHaveProperty('/health/live');
  });
});

describe('405 Method Not Allowed', () => {
  it.each([
    ['DELETE', '/api/search?q=x', 'GET, HEAD'],
    ['POST', '/api/papers/arxiv:2209.11055', 'GET, HEAD'],
    ['PUT', '/api/papers/2209.11055/related', 'GET, HEAD'],
    ['GET', '/api/recommend', 'POST'],
    ['PATCH', '/health', 'GET, HEAD'],
  ])('%s %s -> Allow: %s, JSON error body', async (method, path, allow) => {
    const res = await get(path, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(await res.json()).toEqual({
      error: { code: 'method_not_allowed', message: `${method} is not allowed on ${path.split('?')[0]}; allowed: ${allow}`, details: { allow: allow.split(', ') } },
    });
  });

  it('an unknown path stays 404', async () => {
    const res = await get('/api/nothing-here', { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('security headers', () => {
  const inline = (html: string, tag: 'script' | 'style') =>
    [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);

  it.each(['/', '/?q=pretraining', '/paper/arxiv:2209.11055', '/docs', '/?q=x&mode=nope'])('%s: a CSP allowing exactly its inline script and style', async (path) => {
    const res = await get(path);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    const html = await res.text();
    const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src '))!;
    const styleSrc = csp.split('; ').find((d) => d.startsWith('style-src '))!;
    for (const hash of inline(html, 'script')) expect(scriptSrc, `${path}: script`).toContain(hash);
    for (const hash of inline(html, 'style')) expect(styleSrc, `${path}: style`).toContain(hash);
    expect(html).not.toMatch(/ style="|<script [^>]*src=|<link [^>]*stylesheet/); // nothing the policy would block
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('JSON answers and errors carry them too', async () => {
    for (const path of ['/api/search?q=pretraining', '/api/search?limit=0', '/nowhere']) {
      const res = await get(path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });
});

it('/favicon.ico is an empty, cacheable 204 rather than a 404 on every page view', async () => {
  const res = await get('/favicon.ico');
  expect(res.status).toBe(204);
  expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
});

describe('ETag and If-None-Match on reads', () => {
  const paths = ['/api/search?q=pretraining&limit=3', '/api/papers/arxiv:2209.11055', '/api/papers/arxiv:2209.11055/related', '/api/papers?limit=5', '/', '/paper/arxiv:2209.11055'];

  it.each(paths)('%s: a weak ETag with no-cache, and 304 without a body when it matches', async (path) => {
    const first = await get(path);
    expect(first.status).toBe(200);
    const tag = first.headers.get('etag')!;
    expect(tag).toMatch(/^W\/"\d+-[0-9a-f]{12}-[\w-]{16}"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const again = await get(path, { headers: { 'if-none-match': `"other", ${tag}` } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(tag);
    expect(await again.text()).toBe('');
    expect((await get(path, { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
  });

  it('differs per URL; stats, errors and writes carry none', async () => {
    const a = (await get('/api/search?q=pretraining')).headers.get('etag');
    const b = (await get('/api/search?q=pretraining&mode=lexical')).headers.get('etag');
    expect(a).not.toBe(b);
    expect((await get('/api/stats')).headers.get('etag')).toBeNull(); // its ageSeconds changes by itself
    expect((await get('/api/search?limit=0')).headers.get('etag')).toBeNull();
    expect((await get('/api/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"positive":["2209.11055"]}' })).headers.get('etag')).toBeNull();
  });

  it('changes when another generation is served, so a cached answer is not reused across a reindex', async () => {
    const path = '/api/search?q=few-shot';
    const before = (await get(path)).headers.get('etag')!;
    const catalogue = await openCatalogue(dataPaths(s.dir).catalogue);
    await buildIndex({ config: s.config, catalogue, embedder: await s.source.embedderForBuild(), full: true });
    await s.state.refresh();
    const after = await get(path, { headers: { 'if-none-match': before } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
  });
});

describe('the OpenAPI document passes redocly lint (errors fixed here)', () => {
  it('has servers, root security, a unique operationId per operation, and no nullable without a type', async () => {
    const doc = (await (await get('/openapi.json')).json()) as { servers: unknown[]; security: unknown[]; paths: Record<string, Record<string, { operationId?: string }>> };
    expect(doc.servers).toEqual([{ url: '/', description: 'this service' }]);
    expect(doc.security).toEqual([]);
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/api/search']!.get!.operationId).toBe('searchPapers');
    const params = (doc.paths['/api/search']!.get as unknown as { parameters: { name: string; style?: string; explode?: boolean; schema: Record<string, unknown> }[] }).parameters;
    const param = (name: string) => params.find((p) => p.name === name)!;
    expect(param('offset').schema).not.toHaveProperty('nullable');
    expect(param('category')).toMatchObject({ style: 'form', explode: true, schema: { type: 'array', items: { type: 'string' } } }); // it repeats
    const untyped: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.nullable === true && !('type' in o) && !('$ref' in o)) untyped.push(at);
      for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
    };
    walk(doc, '#');
    expect(untyped).toEqual([]);
  });
});
