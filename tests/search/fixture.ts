// The real seed engine for search and eval specs: A's ingest of the five seed newsletters into a lowdb catalogue
// in a temp dir, C's views in a real HNSW index, D's offline static embedder and dictionary (built once into
// node_modules/.cache/papersift/models and reused across runs). Built once per test file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStaticEmbedder } from '../../src/embed/static/index.js';
import { openDictionary, type Dictionary } from '../../src/lang/dictionary.js';
import { buildSeedEngine, MODELS_CACHE, type SeedEngine } from '../../src/eval/seed-engine.js';
import { createSearchEngine } from '../../src/search/engine.js';
import type { Embedder } from '../../src/embed/types.js';
import type { Paper } from '../../src/catalogue/types.js';
import type { SearchEngine } from '../../src/search/types.js';

export interface Fixture extends SeedEngine {
  embedder: Embedder;
  dictionary: Dictionary;
  /** The same papers and index with the confidence cut-off disabled: every candidate counts as an answer. */
  unfiltered: SearchEngine;
  byTitle(fragment: string): Paper;
}

let fixture: Promise<Fixture> | undefined;
let dataDir: string | undefined;

export function seedFixture(): Promise<Fixture> {
  fixture ??= (async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'papersift-search-'));
    const embedder = await openStaticEmbedder({ modelsDir: MODELS_CACHE });
    const dictionary = await openDictionary({ modelsDir: MODELS_CACHE });
    const seed = await buildSeedEngine({ dataDir, embedder, dictionary });
    const unfiltered = createSearchEngine({ papers: seed.papers, index: seed.index, embedder, dictionary, confidence: { semantic: -2, lexical: 0, related: { semantic: -2, lexical: 0 } } });
    const byTitle = (fragment: string) => {
      const p = seed.papers.find((x) => (x.title.en ?? x.title.zh ?? '').includes(fragment));
      if (!p) throw new Error(`no seed paper titled like "${fragment}"`);
      return p;
    };
    return { ...seed, embedder, dictionary, unfiltered, byTitle };
  })();
  return fixture;
}

/** Removes the temp data dir (call from afterAll). */
export async function disposeSeedFixture(): Promise<void> {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
