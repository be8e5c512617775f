// A real data directory built from the seed newsletters: the lowdb catalogue, the offline static embedder and
// an HNSW generation, in a fresh temp dir per test file. The static embedder's model tables take up to a minute
// to derive from the word-vector package, so they are built once into the cache the embedder's own tests share
// (tests/embed/static-fixture.ts) and linked into each data dir (the embedder reads <dataDir>/models/<name>/).
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataPaths, loadConfig, type Config, type ConfigOverrides } from '../../src/config.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { ingestPaths } from '../../src/ingest/into-catalogue.js';
import { buildIndex } from '../../src/index/build.js';
import { ensureStaticModel, staticModelDir } from '../../src/embed/static/index.js';
import { acquireLock } from '../../src/reindex/lock.js';
import { silentLogger } from '../../src/log.js';
import { SHARED_MODELS_DIR } from '../embed/static-fixture.js';
import { DICTIONARY_DIR } from '../../src/lang/dictionary.js';
import { createApp, type App } from '../../src/server/app.js';
import { createDocumentWriter } from '../../src/server/documents.js';
import { dataDirSource, type DataDirSource } from '../../src/server/generation-source.js';
import { ServiceState } from '../../src/server/state.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SEEDS = join(REPO_ROOT, 'seeds');
export const API_KEY = 'test-key-5f2c9a';

/** The static embedder's model, built once per machine (parallel server test files wait for one build). */
export async function sharedStaticModel(): Promise<string> {
  await mkdir(SHARED_MODELS_DIR, { recursive: true });
  const lock = await acquireLock(join(dirname(SHARED_MODELS_DIR), 'server-tests-static-model.lock'), { owner: 'server tests', waitMs: 600_000, retryMs: 500 });
  try {
    await ensureStaticModel({ modelsDir: SHARED_MODELS_DIR });
  } finally {
    await lock.release();
  }
  return staticModelDir(SHARED_MODELS_DIR);
}

/** An empty data dir whose models/ links to the shared static model and dictionary (so nothing is rebuilt). */
export async function emptyDataDir(): Promise<string> {
  const model = await sharedStaticModel();
  const dir = await mkdtemp(join(tmpdir(), 'papersift-server-'));
  const models = dataPaths(dir).models;
  await mkdir(models, { recursive: true });
  await symlink(model, join(models, model.split('/').pop()!), 'dir');
  // the static model's build converted CC-CEDICT next to it; the service opens that dictionary too
  await symlink(join(SHARED_MODELS_DIR, DICTIONARY_DIR), join(models, DICTIONARY_DIR), 'dir');
  return dir;
}

export function testConfig(dataDir: string, overrides: ConfigOverrides = {}): Config {
  // an empty env: the developer's PAPERSIFT_* variables must not change what the tests see
  return loadConfig({ dataDir, embedder: 'static', sources: [SEEDS], apiKey: API_KEY, watchIntervalMs: 100, ...overrides }, {});
}

/** Ingests the seeds and builds the first generation, as a first `npm start` would. */
export async function buildSeedIndex(config: Config, source: DataDirSource): Promise<void> {
  const catalogue = await openCatalogue(dataPaths(config.dataDir).catalogue);
  await ingestPaths(catalogue, config.sources);
  await buildIndex({ config, catalogue, embedder: await source.embedderForBuild() });
}

export interface Service {
  dir: string;
  config: Config;
  source: DataDirSource;
  state: ServiceState;
  app: App;
  close(): Promise<void>;
}

/** The whole service over a fresh seeded data dir, wired exactly as `papersift serve` wires it. */
export async function seededService(overrides: ConfigOverrides = {}): Promise<Service> {
  const dir = await emptyDataDir();
  const config = testConfig(dir, overrides);
  const source = dataDirSource(config, silentLogger);
  await buildSeedIndex(config, source);
  const state = new ServiceState(source, { currentFile: dataPaths(dir).current, pollIntervalMs: config.watchIntervalMs, logger: silentLogger });
  await state.refresh();
  const documents = createDocumentWriter({ config, state, source, logger: silentLogger, lockWaitMs: 300 });
  const app = createApp({ config, state, logger: silentLogger, documents });
  return {
    dir,
    config,
    source,
    state,
    app,
    async close() {
      await state.close();
      await source.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A one-paper daily newsletter (the daily-arxiv format), for uploads and reindexes in tests. */
export const dailyDoc = (n: number, arxivId: string, en: string, zh: string) => `LG - 机器学习   CV - 计算机视觉   CL - 计算与语言

转自爱可可爱生活

摘要:${zh}

 

1、[LG] ${en}

A Author, B Author
[Example University]
${zh}。本文研究了${zh}的方法,并在多个基准上进行了实验。

We study ${en.toLowerCase()} and evaluate it on several benchmarks (document ${n}).

https://arxiv.org/abs/${arxivId}

 
`;
