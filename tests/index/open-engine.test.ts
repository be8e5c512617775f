// Opening engines over a loaded generation: its lexical index is read once per process (a reindex run's build and
// quality gate both open the live generation), and a failed read is reported again, never remembered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPaths, loadConfig } from '../../src/config.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { ingestPaths } from '../../src/ingest/into-catalogue.js';
import { buildGeneration } from '../../src/index/build.js';
import { openGenerationStore, type GenerationFile, type LoadedGeneration, type WrittenGeneration } from '../../src/index/generations.js';
import { IndexFileError } from '../../src/index/errors.js';
import { openGenerationEngine } from '../../src/index/open-engine.js';
import type { Embedder } from '../../src/embed/types.js';
import { openTestEmbedder } from '../helpers/test-model.js';

const SEEDS = join(import.meta.dirname, '../../seeds');

let model: Embedder;
let dataDir: string;
let loaded: LoadedGeneration;
let written: WrittenGeneration;
beforeAll(async () => {
  model = await openTestEmbedder();
  dataDir = await mkdtemp(join(tmpdir(), 'papersift-open-'));
  const config = loadConfig({ dataDir }, {});
  const catalogue = await openCatalogue(dataPaths(dataDir).catalogue);
  await ingestPaths(catalogue, [SEEDS]);
  ({ written } = await buildGeneration({ config, catalogue, embedder: model }));
  loaded = await openGenerationStore(dataDir).load();
});
afterAll(async () => {
  await model?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The generation with its bridge and lexical files counting their reads (the first read of `failOnce` failing). */
function counted(gen: LoadedGeneration, failOnce?: string) {
  const reads: string[] = [];
  const wrap = <F extends GenerationFile>(f: F): F => ({
    ...f,
    read: async () => {
      reads.push(f.path);
      if (f.path === failOnce && reads.filter((r) => r === f.path).length === 1) throw new IndexFileError(f.path, 'checksum mismatch (test)');
      return f.read();
    },
  });
  return { gen: { ...gen, lexical: wrap(gen.lexical!), bridge: wrap(gen.bridge!) }, reads };
}

const top = async (gen: LoadedGeneration) => (await (await openGenerationEngine(gen, model)).searchIds({ q: 'masked autoencoders', limit: 5 })).ids;

describe('openGenerationEngine', () => {
  it('reads a loaded generation’s lexical index once, however often an engine is opened over it', async () => {
    const { gen, reads } = counted(loaded);
    const first = await top(gen);
    expect(reads).toContain(loaded.lexical!.path);
    expect(await top(gen)).toEqual(first);
    expect(reads.filter((r) => r === loaded.lexical!.path)).toHaveLength(1);
    expect(first.length).toBeGreaterThan(0);
    // another load of the generation (other file objects) reads its lexical index itself
    const again = counted(loaded);
    expect(await top(again.gen)).toEqual(first);
    expect(again.reads.filter((r) => r === loaded.lexical!.path)).toHaveLength(1);
  });

  it('opens a generation loaded with what its build wrote without reading the lexical file back, answering as one opened from its files', async () => {
    const store = openGenerationStore(dataDir);
    const opened = await store.openWritten(store.current()!, written);
    await opened.verified;
    const { gen, reads } = counted(opened.generation);
    const fromMemory = await openGenerationEngine(gen, model);
    const fromFiles = await openGenerationEngine(loaded, model);
    expect(reads).not.toContain(loaded.lexical!.path);
    for (const q of ['masked autoencoders', '图神经网络', 'diffusion models for image generation', 'Tunstall', 'attention is all you need']) {
      for (const mode of ['hybrid', 'lexical'] as const) {
        const [a, b] = [await fromMemory.search({ q, mode, limit: 20 }), await fromFiles.search({ q, mode, limit: 20 })];
        expect({ ...a, tookMs: 0 }, `${mode} ${q}`).toEqual({ ...b, tookMs: 0 });
      }
    }
  });

  it('does not remember a failed read: the next open reads the file again and reports its damage again', async () => {
    const lexical = loaded.lexical!.path;
    const { gen, reads } = counted(loaded, lexical);
    await expect(openGenerationEngine(gen, model)).rejects.toThrow(`${lexical}: checksum mismatch (test)`);
    expect(await top(gen)).toEqual(await top(loaded));
    expect(reads.filter((r) => r === lexical)).toHaveLength(2);
  });
});
