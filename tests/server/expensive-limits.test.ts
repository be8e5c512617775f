// Bounded work per expensive request (issue 12, item 6): at most MAX_RECOMMEND_SEEDS positive and negative seeds
// per recommendation (a clear 400 above), and at most maxConcurrentExpensive recommendations, related-papers
// requests and deep searches in progress at once, counted together (429 with Retry-After above).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { dataPaths } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { MAX_RECOMMEND_SEEDS } from '../../src/search/validate.js';
import { createApp, DEEP_SEARCH_RESULTS } from '../../src/server/app.js';
import { MAX_IDS } from '../../src/server/schemas.js';
import { ServiceState, type GenerationSource } from '../../src/server/state.js';
import { seededService, type Service } from './fixture.js';

let s: Service;
beforeAll(async () => {
  s = await seededService();
});
afterAll(async () => {
  await s?.close();
});

const post = (app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, body: unknown) =>
  app.request('/api/recommend', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('limits on expensive requests', () => {
  it('refuses more seeds than it takes, naming the field and the bound', async () => {
    const ids = Array.from({ length: MAX_RECOMMEND_SEEDS + 1 }, (_, i) => `2106.${String(10000 + i)}`);
    for (const field of ['positive', 'negative'] as const) {
      const body = field === 'positive' ? { positive: ids } : { positive: ['2209.11055'], negative: ids };
      const res = await post(s.app, { ...body, text: 'vision', diversity: 1, limit: 100 });
      expect(res.status).toBe(400);
      const err = (await res.json()) as { error: { message: string } };
      expect(err.error.message).toContain(`"${field}"`);
      expect(err.error.message).toContain(String(MAX_RECOMMEND_SEEDS));
    }
    const ok = await post(s.app, { positive: ids.slice(0, MAX_RECOMMEND_SEEDS), text: 'vision', diversity: 1, limit: 100 });
    expect(ok.status).toBe(200);
  });

  it('refuses a text, a limit or an exclude list past its bound, naming the field', async () => {
    const over = [
      ['text', { text: 'x'.repeat(s.config.maxQueryChars + 1) }],
      ['limit', { limit: s.config.maxLimit + 1 }],
      ['exclude', { exclude: Array.from({ length: MAX_IDS + 1 }, (_, i) => `2106.${String(20000 + i)}`) }],
    ] as const;
    for (const [field, extra] of over) {
      const res = await post(s.app, { positive: ['2209.11055'], ...extra });
      expect(res.status, field).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(`"${field}"`);
    }
  });

  it('counts requests that arrive together over real connections: of eight worst-case recommendations two run, six are refused', async () => {
    const app = createApp({ config: { ...s.config, maxConcurrentExpensive: 2 }, state: s.state, logger: silentLogger });
    const server = await new Promise<Server>((resolve) => {
      const srv = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv as Server));
    });
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const page = (await (await s.app.request('/api/papers?limit=20')).json()) as { results: { id: string }[] };
      const refs = page.results.map((p) => p.id);
      const body = JSON.stringify({ positive: refs.slice(0, 10), negative: refs.slice(10, 20), text: 'vision transformers', diversity: 1, limit: 100 });
      // eight connections already open, as a busy service's clients hold them: the eight requests arrive together
      await Promise.all(Array.from({ length: 8 }, () => send('GET', '/health')));
      const statuses = await Promise.all(Array.from({ length: 8 }, () => send('POST', '/api/recommend', body)));
      expect(statuses.filter((st) => st === 200)).toHaveLength(2);
      expect(statuses.filter((st) => st === 429)).toHaveLength(6);
      expect(await send('POST', '/api/recommend', body)).toBe(200);
    } finally {
      agent.destroy();
      server.close();
    }
  });

  it('answers 429 with Retry-After past the concurrency cap, counting recommend, related and deep searches together', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let entered = 0;
    // the real generation, whose engine waits for the test before it answers: requests stay in progress on demand
    const held: GenerationSource = {
      current: () => s.source.current(),
      async load(name) {
        const g = await s.source.load(name);
        const e = g.snapshot.engine;
        const hold = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
          entered++;
          await gate;
          return f(...a);
        };
        const engine = { ...e, recommend: hold(e.recommend), related: hold(e.related), search: hold(e.search) };
        return { ...g, snapshot: { ...g.snapshot, engine } };
      },
    };
    const state = new ServiceState(held, { currentFile: dataPaths(s.dir).current, pollIntervalMs: 3_600_000, logger: silentLogger });
    await state.refresh();
    const app = createApp({ config: { ...s.config, maxConcurrentExpensive: 2 }, state, logger: silentLogger });
    const get = (path: string) => Promise.resolve(app.request(path));
    try {
      const body = { positive: ['2209.11055'], limit: 5 };
      const first = [Promise.resolve(post(app, body)), get('/api/papers/2209.11055/related?limit=5')];
      while (entered < 2) await new Promise((r) => setTimeout(r, 5));
      const deep = `/api/search?q=vision&offset=${DEEP_SEARCH_RESULTS}&limit=10`;
      for (const refused of [await post(app, body), await get('/api/papers/2209.11055/related'), await get(deep)]) {
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toBe('1');
        expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'too_many_requests', message: expect.stringContaining('at most 2') });
      }
      const shallow = get('/api/search?q=vision&offset=0&limit=10'); // a first page is not expensive: not refused
      while (entered < 3) await new Promise((r) => setTimeout(r, 5));
      open();
      expect((await Promise.all([...first, shallow])).map((r) => r.status)).toEqual([200, 200, 200]);
      expect((await get(deep)).status).toBe(200);
      expect((await post(app, body)).status).toBe(200);
    } finally {
      await state.close();
    }
  });
});
