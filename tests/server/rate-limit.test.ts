// Per-client rate limiting: a fixed window per remote address, 429 + Retry-After above it, loopback and
// monitoring exempt by default. The remote address is given the way @hono/node-server passes it (env.incoming).
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { AppEnv } from '../../src/server/context.js';
import { respondError } from '../../src/server/errors.js';
import { rateLimit } from '../../src/server/rate-limit.js';
import { seededService, type Service } from './fixture.js';

const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

describe('rateLimit middleware', () => {
  let clock = 0;
  const app = new Hono<AppEnv>();
  app.use(rateLimit({ max: 3, windowSeconds: 60, loopback: false }, () => clock));
  app.get('*', (c) => c.text('ok'));
  app.onError((err, c) => respondError(c, err));
  const get = (path: string, address: string) => app.request(path, {}, from(address));

  it('allows max requests per window, then 429 with Retry-After until the window ends', async () => {
    for (let i = 0; i < 3; i++) expect((await get('/api/search', '203.0.113.5')).status).toBe(200);
    clock = 15_000;
    const limited = await get('/api/search', '203.0.113.5');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    expect(await limited.json()).toEqual({
      error: { code: 'rate_limited', message: 'more than 3 requests in 60 s from 203.0.113.5; retry in 45 s', details: { limit: 3, windowSeconds: 60 } },
    });
    expect((await get('/api/search', '198.51.100.7')).status).toBe(200); // per address
    expect((await get('/health', '203.0.113.5')).status).toBe(200); // monitoring is never limited
    expect((await get('/metrics', '203.0.113.5')).status).toBe(200);
    clock = 60_000;
    expect((await get('/api/search', '203.0.113.5')).status).toBe(200); // a new window
  });

  it('exempts loopback clients (IPv4, IPv6, IPv4-mapped) unless asked not to', async () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      for (let i = 0; i < 5; i++) expect((await get('/', address)).status, address).toBe(200);
    }
    const strict = new Hono<AppEnv>();
    strict.use(rateLimit({ max: 1, windowSeconds: 60, loopback: true }, () => 0));
    strict.get('*', (c) => c.text('ok'));
    strict.onError((err, c) => respondError(c, err));
    expect((await strict.request('/', {}, from('127.0.0.1'))).status).toBe(200);
    expect((await strict.request('/', {}, from('127.0.0.1'))).status).toBe(429);
  });
});

describe('PAPERSIFT_RATE_LIMIT', () => {
  it('defaults to 300 per 60 s without loopback; "off" and <n>/<s> are accepted, other values named', () => {
    expect(loadConfig({}, {}).rateLimit).toEqual({ max: 300, windowSeconds: 60, loopback: false });
    expect(loadConfig({}, { PAPERSIFT_RATE_LIMIT: 'off' }).rateLimit).toBeUndefined();
    expect(loadConfig({}, { PAPERSIFT_RATE_LIMIT: '20/1', PAPERSIFT_RATE_LIMIT_LOOPBACK: 'yes' }).rateLimit).toEqual({ max: 20, windowSeconds: 1, loopback: true });
    expect(() => loadConfig({}, { PAPERSIFT_RATE_LIMIT: '20 per minute' })).toThrow(
      'PAPERSIFT_RATE_LIMIT="20 per minute" is not accepted: expected off, or <requests>/<seconds> per client address, e.g. 300/60',
    );
  });
});

describe('in the service', () => {
  let s: Service;
  beforeAll(async () => {
    s = await seededService({ rateLimit: { max: 2, windowSeconds: 60, loopback: false }, corsOrigin: 'https://app.example' });
  }, 300_000);
  afterAll(() => s.close());

  it('answers the third request from one address with the API error shape, readable cross-origin', async () => {
    const get = () => s.app.request('/api/search?q=pretraining', { headers: { origin: 'https://app.example' } }, from('203.0.113.9'));
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const res = await get();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });
});
