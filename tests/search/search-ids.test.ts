// searchIds, the ranking evaluation and the reindex gate read: exactly the ids and all-weak flag search() answers,
// on real papers (the vendored corpus subset rendered into newsletters), in every mode, with filters and pages.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStaticEmbedder } from '../../src/embed/static/index.js';
import { openDictionary } from '../../src/lang/dictionary.js';
import { buildSeedEngine, MODELS_CACHE, type SeedEngine } from '../../src/eval/seed-engine.js';
import { catalogueQueries, corpusQueries, readCorpus } from '../../src/eval/corpus.js';
import { createSearchEngine } from '../../src/search/engine.js';
import { MODES } from '../../src/eval/evaluate.js';
import type { Embedder } from '../../src/embed/types.js';
import type { SearchEngine, SearchRequest } from '../../src/search/types.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/corpus/papers.jsonl', import.meta.url));
const RENDER = fileURLToPath(new URL('../fixtures/corpus/render.mjs', import.meta.url));

let dataDir: string;
let embedder: Embedder;
let built: SeedEngine;
let texts: string[];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'search-ids-'));
  execFileSync(process.execPath, [RENDER, '--papers', FIXTURE, '--out', join(dataDir, 'nl'), '--format', 'mixed'], { stdio: 'ignore' });
  embedder = await openStaticEmbedder({ modelsDir: MODELS_CACHE });
  const dictionary = await openDictionary({ modelsDir: MODELS_CACHE });
  built = await buildSeedEngine({ dataDir, embedder, dictionary, paths: [join(dataDir, 'nl')] });
  const byArxiv = new Map(built.papers.flatMap((p) => (p.arxivId ? [[p.arxivId, p] as const] : [])));
  // the gate's known-item queries (title fragments, summary sentences) and the corpus eval's (titles, descriptions)
  const known = [...catalogueQueries(built.papers, { perSet: 15 }), ...corpusQueries(readCorpus(FIXTURE), (id) => byArxiv.get(id))];
  texts = [...new Set(known.map((q) => q.q))];
}, 120_000);
afterAll(async () => {
  await embedder?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** What search() answers for the request, in searchIds' shape. */
async function viaSearch(engine: SearchEngine, req: SearchRequest) {
  const res = await engine.search(req);
  return { ids: res.results.map((h) => h.id), lowConfidence: res.lowConfidence };
}

describe('searchIds', () => {
  it('answers every known-item query in every mode exactly as search() does, order and all-weak flag included', async () => {
    expect(texts.length).toBeGreaterThan(80);
    let answered = 0;
    for (const mode of MODES) {
      for (const q of texts) {
        const req = { q, mode, limit: 10 };
        const ids = await built.engine.searchIds(req);
        expect(ids, `${mode}: ${q}`).toEqual(await viaSearch(built.engine, req));
        if (ids.ids.length > 0) answered++;
      }
    }
    expect(answered).toBeGreaterThan(texts.length * 2); // most queries find papers: the comparison is not of empty lists
  });

  it('agrees whether or not search() ranked the query first (search keeps its rankings for the next page, searchIds ranks anew)', async () => {
    const engine = createSearchEngine({ papers: built.papers, index: built.index, lexical: built.lexical, embedder });
    for (const q of texts.slice(0, 20)) {
      const req = { q, mode: 'hybrid' as const, limit: 10 };
      const before = await viaSearch(engine, req);
      expect(await engine.searchIds(req)).toEqual(before);
    }
  });

  it('applies pages, sorting, filters, query syntax and the no-padding rule as search() does', async () => {
    const p = built.papers.find((x) => x.arxivId && x.categories.length > 0 && x.date)!;
    const requests: SearchRequest[] = [
      { q: 'large language models', limit: 5, offset: 5 },
      { q: 'diffusion', sort: 'date', limit: 20 },
      { q: 'reinforcement learning', filters: { category: [p.categories[0]!] }, facets: ['category', 'year'] },
      { q: 'transformer', filters: { views: ['zh'], from: p.date!.slice(0, 7) } },
      { q: '"language model" -vision', mode: 'lexical' },
      { q: '大模型 推理', mode: 'hybrid', semanticWeight: 0.8 },
      { q: p.arxivId! }, // an id query: the paper, then its related papers
      { q: `cat:${p.categories[0]!}`, limit: 30 }, // no free text: a listing, newest first
      { q: `au:"${p.authors[0] ?? 'Wang'}" ti:learning` },
      { q: 'zxqv nonexistent gibberish', mode: 'semantic' }, // nothing confident: all weak
    ];
    for (const req of requests) expect(await built.engine.searchIds(req), JSON.stringify(req)).toEqual(await viaSearch(built.engine, req));
    expect((await built.engine.searchIds({ q: 'zxqv nonexistent gibberish', mode: 'semantic' })).lowConfidence).toBe(true);
  });

  it('leaves out, as search() does, papers the index holds that are no longer in the engine\'s papers, without filling their places', async () => {
    const req = { q: texts[0]!, mode: 'semantic' as const, limit: 10 };
    const full = await built.engine.searchIds(req);
    const gone = new Set(full.ids.slice(0, 3));
    const fewer = createSearchEngine({ papers: built.papers.filter((x) => !gone.has(x.id)), index: built.index, lexical: built.lexical, embedder });
    const ids = await fewer.searchIds(req);
    expect(ids).toEqual(await viaSearch(fewer, req));
    expect(ids.ids).toEqual(full.ids.filter((id) => !gone.has(id)));
  });
});

describe('validation', () => {
  it('refuses a bad request as search() does, naming the field', async () => {
    await expect(built.engine.searchIds({ q: 'x', limit: -1 })).rejects.toThrow(/limit/);
    await expect(built.engine.search({ q: 'x', limit: -1 })).rejects.toThrow(/limit/);
  });
});
