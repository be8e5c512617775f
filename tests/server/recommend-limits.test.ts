// Bounded work per POST /api/recommend (issue 12, item 6): at most MAX_RECOMMEND_SEEDS positive and negative seeds
// (a clear 400 above), and at most maxConcurrentRecommend in progress at once (429 with Retry-After above).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { MAX_RECOMMEND_SEEDS } from '../../src/search/validate.js';
import { createApp } from '../../src/server/app.js';
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

describe('recommend limits', () => {
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

  it('answers 429 with Retry-After past the concurrency cap, and serves again once requests finish', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let entered = 0;
    // the real generation, whose engine's recommend waits for the test: requests stay in progress on demand
    const held: GenerationSource = {
      current: () => s.source.current(),
      async load(name) {
        const g = await s.source.load(name);
        const engine = g.snapshot.engine;
        const recommend: typeof engine.recommend = async (req) => {
          entered++;
          await gate;
          return engine.recommend(req);
        };
        return { ...g, snapshot: { ...g.snapshot, engine: { ...engine, recommend } } };
      },
    };
    const state = new ServiceState(held, { currentFile: dataPaths(s.dir).current, pollIntervalMs: 3_600_000, logger: silentLogger });
    await state.refresh();
    const app = createApp({ config: { ...s.config, maxConcurrentRecommend: 2 }, state, logger: silentLogger });
    try {
      const body = { positive: ['2209.11055'], limit: 5 };
      const first = [post(app, body), post(app, body)].map((p) => Promise.resolve(p));
      while (entered < 2) await new Promise((r) => setTimeout(r, 5));
      const refused = await post(app, body);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'too_many_requests', message: expect.stringContaining('at most 2') });
      open();
      expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
      expect((await post(app, body)).status).toBe(200);
    } finally {
      await state.close();
    }
  });
});
