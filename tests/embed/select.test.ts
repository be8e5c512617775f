import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, loadConfig, type ConfigOverrides } from '../../src/config.js';
import { ModelUnavailableError } from '../../src/embed/errors.js';
import { DEFAULT_MODEL } from '../../src/embed/models.js';
import { openEmbedder } from '../../src/embed/select.js';
import { ensureStaticModel, staticModelDir } from '../../src/embed/static/index.js';
import type { EmbedderInfo } from '../../src/embed/types.js';
import { testModel } from '../helpers/test-model.js';

// The static embedder's model takes a while to build from the word-vector package, so it is built once into the
// shared cache (the one the search fixtures use) and linked into each temporary data directory.
const SHARED_MODELS = join(dirname(fileURLToPath(import.meta.url)), '../../node_modules/.cache/papersift/models');

let root: string;
let n = 0;

/** A fresh data directory whose models/ holds the static model and, optionally, links to the test model. */
async function dataDir(links: { asDefaultModel?: boolean; asTestModel?: boolean } = {}): Promise<string> {
  const dir = join(root, `data-${n++}`);
  const models = dataPaths(dir).models;
  await mkdir(models, { recursive: true });
  await symlink(staticModelDir(SHARED_MODELS), staticModelDir(models));
  const { modelsDir, model } = testModel();
  const link = async (as: string) => {
    await mkdir(dirname(join(models, as)), { recursive: true });
    await symlink(join(modelsDir, model), join(models, as));
  };
  if (links.asDefaultModel) await link(DEFAULT_MODEL);
  if (links.asTestModel) await link(model);
  return dir;
}

const config = (dir: string, o: ConfigOverrides = {}) => loadConfig({ dataDir: dir, offline: true, ...o }, {});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'papersift-select-'));
  await ensureStaticModel({ modelsDir: SHARED_MODELS });
}, 300_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('PAPERSIFT_EMBEDDER=auto', () => {
  it('falls back to the static embedder when the default model is missing and offline, and says why', async () => {
    const dir = await dataDir();
    const { embedder, reason } = await openEmbedder(config(dir, { embedder: 'auto' }));
    expect(embedder.info.id).toMatch(/^static:/);
    expect(reason).toContain(DEFAULT_MODEL);
    expect(reason).toContain(join(dataPaths(dir).models, DEFAULT_MODEL));
    expect(reason).toMatch(/PAPERSIFT_OFFLINE.*static embedder/);
    await embedder.close();
  });

  it('uses the default transformers model when its files are under <data>/models, with the configured dtype', async () => {
    const dir = await dataDir({ asDefaultModel: true });
    for (const dtype of ['q8', 'fp32'] as const) {
      const { embedder, reason } = await openEmbedder(config(dir, { dtype }));
      expect(embedder.info.id).toMatch(new RegExp(`^transformers:${DEFAULT_MODEL}:${dtype}:`));
      expect(embedder.info.settings).toMatchObject({ queryPrefix: 'query: ', passagePrefix: 'passage: ' }); // registry settings
      expect(reason).toBe(`auto: ${DEFAULT_MODEL} (${dtype}) found in ${join(dataPaths(dir).models, DEFAULT_MODEL)}`);
      await embedder.close();
    }
  });
});

describe('explicit choices', () => {
  it('static opens the static embedder', async () => {
    const { embedder, reason } = await openEmbedder(config(await dataDir({ asDefaultModel: true }), { embedder: 'static' }));
    expect(embedder.info.id).toMatch(/^static:/);
    expect(reason).toBe('PAPERSIFT_EMBEDDER=static');
  });

  it('a model id opens that model, and a missing one is an error rather than a silent fallback', async () => {
    const dir = await dataDir({ asTestModel: true });
    const { embedder } = await openEmbedder(config(dir, { embedder: testModel().model }));
    expect(embedder.info.id).toMatch(/^transformers:papersift-test\/bert-random:q8:/);
    await embedder.close();
    await expect(openEmbedder(config(dir, { embedder: 'Xenova/bge-m3' }))).rejects.toBeInstanceOf(ModelUnavailableError);
  });
});

describe('require: the embedder an index was built with', () => {
  let built: EmbedderInfo;
  let dir: string;
  beforeAll(async () => {
    dir = await dataDir({ asDefaultModel: true });
    const { embedder } = await openEmbedder(config(dir));
    built = embedder.info;
    await embedder.close();
  });

  it('reopens exactly that embedder from the recorded settings, even if PAPERSIFT_EMBEDDER now says otherwise', async () => {
    const { embedder, reason } = await openEmbedder(config(dir, { embedder: 'static', dtype: 'fp32' }), { require: built });
    expect(embedder.info).toEqual(built);
    expect(reason).toBe(`the index was built with ${built.id} (PAPERSIFT_EMBEDDER=static applies to the next rebuild)`);
    await embedder.close();
  });

  it('reopens the static embedder an index was built with', async () => {
    const { embedder: s } = await openEmbedder(config(dir, { embedder: 'static' }));
    const { embedder } = await openEmbedder(config(dir), { require: s.info });
    expect(embedder.info.id).toBe(s.info.id);
  });

  it('refuses when the model files no longer produce the recorded id, telling to reindex', async () => {
    const stale = { ...built, id: built.id.replace(/[0-9a-f]{12}$/, '000000000000') };
    await expect(openEmbedder(config(dir), { require: stale })).rejects.toThrow(/built with embedder .*000000000000.*model files changed.*papersift models check.*reindex --embedder/);
  });

  it('refuses when the recorded model is not available here, naming it and the fix', async () => {
    const elsewhere = await dataDir();
    await expect(openEmbedder(config(elsewhere), { require: built })).rejects.toThrow(
      new RegExp(`built with embedder ${built.id.replace(/[/.]/g, '\\$&')}, which cannot be opened here: embedding model "${DEFAULT_MODEL}".*rebuild the index with another embedder`),
    );
  });
});

describe('auto keeps the embedder an existing index was built with', () => {
  let staticInfo: EmbedderInfo;
  beforeAll(async () => {
    const { embedder } = await openEmbedder(config(await dataDir(), { embedder: 'static' }));
    staticInfo = embedder.info;
  });

  it('does not switch a static index to the default model the day it appears, but says how to switch', async () => {
    const dir = await dataDir({ asDefaultModel: true });
    const { embedder, reason } = await openEmbedder(config(dir), { built: staticInfo });
    expect(embedder.info).toEqual(staticInfo);
    const found = join(dataPaths(dir).models, DEFAULT_MODEL);
    expect(reason).toBe(
      `auto keeps ${staticInfo.id}, the embedder the index was built with; a new index would use ${DEFAULT_MODEL} (q8, found in ${found}): ` +
        `switch with --embedder ${DEFAULT_MODEL} (or PAPERSIFT_EMBEDDER=${DEFAULT_MODEL}), which re-embeds every paper`,
    );
  });

  it('names the mirror a switch would download from, without downloading anything now', async () => {
    const dir = await dataDir();
    const { embedder, reason } = await openEmbedder(config(dir, { offline: false, hfEndpoint: 'https://hf-mirror.example' }), { built: staticInfo });
    expect(embedder.info).toEqual(staticInfo);
    expect(reason).toContain(`a new index would use ${DEFAULT_MODEL} (q8, to be downloaded from https://hf-mirror.example)`);
  });

  it('says nothing more when a new index would get the same embedder', async () => {
    const { reason } = await openEmbedder(config(await dataDir()), { built: staticInfo });
    expect(reason).toBe(`auto keeps ${staticInfo.id}, the embedder the index was built with`);
  });

  it('keeps a model-built index when the model is there, and names the static fallback when it is not', async () => {
    const dir = await dataDir({ asDefaultModel: true });
    const { embedder: model } = await openEmbedder(config(dir, { dtype: 'fp32' }));
    const { embedder, reason } = await openEmbedder(config(dir, { dtype: 'fp32' }), { built: model.info });
    expect(embedder.info).toEqual(model.info);
    expect(reason).toBe(`auto keeps ${model.info.id}, the embedder the index was built with`);
    await Promise.all([model.close(), embedder.close()]);
    await expect(openEmbedder(config(await dataDir()), { built: model.info })).rejects.toThrow(/cannot be opened here.*papersift models check/);
  });

  it('an explicit choice switches', async () => {
    const dir = await dataDir({ asDefaultModel: true });
    const { embedder } = await openEmbedder(config(dir, { embedder: DEFAULT_MODEL }), { built: staticInfo });
    expect(embedder.info.id).toMatch(new RegExp(`^transformers:${DEFAULT_MODEL}:q8:`));
    await embedder.close();
  });
});

describe('PAPERSIFT_LOCAL_MODELS: a pre-downloaded model root', () => {
  it('is searched before <data>/models', async () => {
    const local = join(root, 'local-models');
    const { dir: modelDir } = testModel();
    await mkdir(join(local, dirname(DEFAULT_MODEL)), { recursive: true });
    await symlink(modelDir, join(local, DEFAULT_MODEL));
    const { embedder, reason } = await openEmbedder(config(await dataDir(), { localModels: local }));
    expect(reason).toBe(`auto: ${DEFAULT_MODEL} (q8) found in ${join(local, DEFAULT_MODEL)}`);
    await embedder.close();
  });
});
