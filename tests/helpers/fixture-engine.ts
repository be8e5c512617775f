// The vendored 150-paper corpus rendered into mixed newsletters and built into an engine as eval builds one: the
// static embedder, the project dictionary, a real HNSW index (the self-calibration specs fit on it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStaticEmbedder } from '../../src/embed/static/index.js';
import type { Embedder } from '../../src/embed/types.js';
import { buildSeedEngine, MODELS_CACHE, type SeedEngine } from '../../src/eval/seed-engine.js';
import { openDictionary, type Dictionary } from '../../src/lang/dictionary.js';
import { render, vendoredCorpus } from './corpus.js';

export interface FixtureEngine {
  /** The temp dir holding the catalogue and, under newsletters/, the rendered files. */
  dataDir: string;
  newsletters: string;
  embedder: Embedder;
  dictionary: Dictionary;
  built: SeedEngine;
  close(): Promise<void>;
}

export async function buildFixtureEngine(name: string): Promise<FixtureEngine> {
  const dataDir = await mkdtemp(join(tmpdir(), `${name}-`));
  const newsletters = join(dataDir, 'newsletters');
  render(vendoredCorpus(), newsletters, { format: 'mixed' });
  const embedder = await openStaticEmbedder({ modelsDir: MODELS_CACHE });
  const dictionary = await openDictionary({ modelsDir: MODELS_CACHE });
  const built = await buildSeedEngine({ dataDir, embedder, dictionary, paths: [newsletters] });
  return {
    dataDir,
    newsletters,
    embedder,
    dictionary,
    built,
    async close() {
      await embedder.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
