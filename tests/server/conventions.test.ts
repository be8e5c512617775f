// HTTP conventions: liveness next to readiness, 405 + Allow for wrong methods, security headers whose CSP admits
// exactly the inline script and style the pages carry, and /favicon.ico. Real service over the seed data.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/config.js';
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

  it('JSON answers get nosniff but no page policy', async () => {
    const res = await get('/api/search?q=pretraining');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBeNull();
  });
});

it('/favicon.ico is an empty, cacheable 204 rather than a 404 on every page view', async () => {
  const res = await get('/favicon.ico');
  expect(res.status).toBe(204);
  expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
});
