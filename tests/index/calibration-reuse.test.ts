// A generation is served with confidence cut-offs and a fusion weight fitted on its own papers. Fitting them is a
// quarter of a nightly run that changed 1% of the catalogue, so an incremental build keeps the previous
// generation's calibration until 10% of the papers it was fitted on changed; a full build always fits again.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, loadConfig } from '../../src/config.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { ingestPaths, ingestText } from '../../src/ingest/into-catalogue.js';
import type { Embedder } from '../../src/embed/types.js';
import { buildIndex } from '../../src/index/build.js';
import { openGenerationStore } from '../../src/index/generations.js';
import { MIN_CALIBRATION_PAPERS } from '../../src/search/calibration.js';
import { MODELS_CACHE } from '../../src/eval/seed-engine.js';
import { openTestEmbedder } from '../helpers/test-model.js';

const SEEDS = fileURLToPath(new URL('../../seeds/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));

let model: Embedder;
let rendered: string; // 150 real papers of the vendored corpus, rendered as newsletters
let dataDir: string;
beforeAll(async () => {
  model = await openTestEmbedder();
  rendered = await mkdtemp(join(tmpdir(), 'calibration-reuse-nl-'));
  execFileSync(process.execPath, [join(FIXTURE, 'render.mjs'), '--papers', join(FIXTURE, 'papers.jsonl'), '--out', rendered, '--format', 'mixed'], { stdio: 'ignore' });
  dataDir = await mkdtemp(join(tmpdir(), 'calibration-reuse-'));
  await symlink(MODELS_CACHE, dataPaths(dataDir).models); // the dictionary, converted once per checkout
});
afterAll(async () => {
  await model?.close();
  await rm(rendered, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

describe('the calibration a generation is served with', () => {
  it('is kept by incremental builds while few papers changed, fitted again once 10% did, and by every full build', async () => {
    const config = loadConfig({ dataDir, keepGenerations: 5 }, {});
    const catalogue = await openCatalogue(dataPaths(dataDir).catalogue);
    await ingestPaths(catalogue, [SEEDS, rendered]);
    const papers = catalogue.papers().length;
    expect(papers).toBeGreaterThanOrEqual(MIN_CALIBRATION_PAPERS);
    const store = openGenerationStore(dataDir);
    const first = await buildIndex({ config, catalogue, embedder: model });
    expect(first.calibration).toEqual({ refit: true, drift: 0 });
    const fitted = (await store.load()).manifest.calibration!;
    expect(fitted.fit.papers).toBe(papers);
    expect(fitted.fusion).toBeDefined();

    // one paper's Chinese summary rewritten: kept, and the change counted
    const docs = readdirSync(rendered).sort();
    const rewrite = async (doc: string, edit: (text: string) => string) => ingestText(catalogue, doc, edit(await readFile(join(rendered, doc), 'utf8')));
    await rewrite(docs[0]!, (t) => t.replace('。', '。另外讨论了不确定性。'));
    const kept = await buildIndex({ config, catalogue, embedder: model });
    expect(kept.calibration).toEqual({ refit: false, drift: 1 });
    expect((await store.load()).manifest.calibration).toEqual({ ...fitted, drift: 1 });

    // every paper of two more newsletters rewritten: past 10% of the papers it was fitted on
    for (const doc of docs.slice(1, 3)) await rewrite(doc, (t) => t.replaceAll('。', '。另外讨论了不确定性。'));
    const refitted = await buildIndex({ config, catalogue, embedder: model });
    expect(refitted.calibration).toEqual({ refit: true, drift: 0 });
    expect((await store.load()).manifest.calibration!.drift).toBeUndefined();

    const full = await buildIndex({ config, catalogue, embedder: model, full: true });
    expect(full.calibration).toEqual({ refit: true, drift: 0 });
  }, 240_000);
});
