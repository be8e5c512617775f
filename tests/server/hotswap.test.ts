// Hot swap: a reindex (here: another writer building a generation in the same data dir, as the nightly cron
// does) switches CURRENT; the running service notices it without a restart, requests in flight finish on the
// generation they started with, and the old generation is released only after them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataPaths } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { ingestText } from '../../src/ingest/into-catalogue.js';
import { buildIndex } from '../../src/index/build.js';
import { LEXICAL_FILE, openGenerationStore } from '../../src/index/generations.js';
import { openEmbedder } from '../../src/embed/select.js';
import { withDataLock } from '../../src/reindex/lock.js';
import { createApp } from '../../src/server/app.js';
import { ServiceState, type GenerationSource } from '../../src/server/state.js';
import { dailyDoc, seededService, type Service } from './fixture.js';

let s: Service;
beforeAll(async () => {
  s = await seededService();
});
afterAll(async () => {
  await s?.close();
});

/** What `npm run reindex` does to the data dir, from outside the service: ingest, build, switch CURRENT. */
async function reindexWith(name: string, text: string): Promise<string> {
  return withDataLock(s.config, async () => {
    const catalogue = await openCatalogue(dataPaths(s.dir).catalogue);
    await ingestText(catalogue, name, text);
    const { embedder } = await openEmbedder(s.config);
    try {
      return (await buildIndex({ config: s.config, catalogue, embedder })).generation;
    } finally {
      await embedder.close();
    }
  });
}

async function until(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const served = (state: ServiceState) => {
  const st = state.status();
  return st.ready ? st.generation : undefined;
};

describe('picking up a new index generation', () => {
  it('notices a switch through fs.watch, keeps in-flight requests on their generation, releases the old one after them', async () => {
    const disposed: string[] = [];
    const spy: GenerationSource = {
      current: () => s.source.current(),
      async load(name) {
        const g = await s.source.load(name);
        return { snapshot: g.snapshot, dispose: async () => (disposed.push(name), g.dispose()) };
      },
    };
    // polling effectively off (1 h), so only fs.watch can notice the switch
    const state = new ServiceState(spy, { currentFile: dataPaths(s.dir).current, pollIntervalMs: 3_600_000, logger: silentLogger });
    await state.refresh();
    state.watch();
    const app = createApp({ config: s.config, state, logger: silentLogger });
    try {
      const first = served(state)!;
      const inFlight = state.acquire()!; // a request that started before the switch

      // a burst of requests spanning the switch: none may fail
      const burst = Array.from({ length: 40 }, (_, i) =>
        new Promise((r) => setTimeout(r, i * 5)).then(() => app.request(`/api/search?q=${encodeURIComponent('预训练')}&limit=3`)),
      );
      const next = await reindexWith('daily-hotswap-1.txt', dailyDoc(1, '1810.04805', 'Pre-training of Deep Bidirectional Transformers', '深度双向Transformer预训练'));
      await until(`generation ${next} to be served`, () => served(state) === next);
      expect((await Promise.all(burst)).map((r) => r.status)).toEqual(Array(40).fill(200));

      // the new paper is served without a restart...
      const found = (await (await app.request('/api/papers/1810.04805')).json()) as { id: string };
      expect(found.id).toBe('arxiv:1810.04805');
      // ...while the request pinned to the old generation still sees (and can search) the old one
      expect(inFlight.snapshot.generation).toBe(first);
      expect(inFlight.snapshot.papers.resolve('1810.04805')).toBeUndefined();
      const old = await inFlight.snapshot.engine.search({ q: 'pre-training', limit: 3 });
      expect(old.results.length).toBeGreaterThan(0);
      expect(disposed).toEqual([]); // still referenced
      inFlight.release();
      await until(`generation ${first} to be disposed`, () => disposed.includes(first));
    } finally {
      await state.close();
    }
  });

  it('notices a switch by polling alone when fs.watch reports nothing', async () => {
    const state = new ServiceState(s.source, { currentFile: dataPaths(s.dir).current, pollIntervalMs: 100, logger: silentLogger });
    await state.refresh();
    state.watch({ fsWatch: false });
    try {
      const next = await reindexWith('daily-hotswap-2.txt', dailyDoc(2, '2005.14165', 'Language Models are Few-Shot Learners', '语言模型是少样本学习者'));
      await until(`polling to serve generation ${next}`, () => served(state) === next);
    } finally {
      await state.close();
    }
  });

  it('never serves a generation whose lexical index file is corrupt, and says which file', async () => {
    await s.state.refresh();
    const before = served(s.state)!;
    const name = await withDataLock(s.config, async () => {
      const catalogue = await openCatalogue(dataPaths(s.dir).catalogue);
      await ingestText(catalogue, 'daily-hotswap-3.txt', dailyDoc(3, '1706.03762', 'Attention Is All You Need', '注意力就是你所需要的一切'));
      const { embedder } = await openEmbedder(s.config);
      try {
        return (await buildIndex({ config: s.config, catalogue, embedder, switchTo: false })).generation;
      } finally {
        await embedder.close();
      }
    });
    const store = openGenerationStore(s.dir);
    const file = join(store.dir, name, LEXICAL_FILE);
    const bytes = await readFile(file);
    const at = bytes.indexOf('attent');
    expect(at).toBeGreaterThan(0);
    bytes[at + 5] = 'x'.charCodeAt(0); // same size, another term
    await writeFile(file, bytes);
    await store.switchTo(name);
    try {
      await expect(s.state.refresh()).rejects.toThrow(`index file ${file}: content does not match the sha256 in the manifest (corrupted)`);
      expect(served(s.state)).toBe(before);
      const r = (await (await s.app.request(`/api/search?q=${encodeURIComponent('attention is all you need')}&mode=lexical`)).json()) as { results: { id: string }[] };
      expect(r.results.map((h) => h.id)).not.toContain('arxiv:1706.03762');
    } finally {
      await store.switchTo(before);
      await s.state.refresh();
    }
  });

  it('keeps serving the current generation when CURRENT names one that cannot be loaded', async () => {
    const current = dataPaths(s.dir).current;
    const good = served(s.state)!;
    await s.state.refresh(); // in sync with the data dir before breaking it
    const before = served(s.state)!;
    await writeFile(current, '999\n');
    try {
      await expect(s.state.refresh()).rejects.toThrow(/999/);
      expect(served(s.state)).toBe(before);
      expect((await s.app.request('/api/search?q=transformer')).status).toBe(200);
    } finally {
      await writeFile(current, `${before}\n`);
    }
    expect(good).toBeDefined();
  });
});
