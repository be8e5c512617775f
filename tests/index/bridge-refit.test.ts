// Each generation is indexed with a Chinese-English bridge refitted from the catalogue's own bilingual papers (the
// shipped counts plus the catalogue's pairs), stored with it and served with it; small catalogues keep the shipped one.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataPaths, loadConfig, type Config } from '../../src/config.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { ingestPaths, ingestText } from '../../src/ingest/into-catalogue.js';
import type { Catalogue } from '../../src/catalogue/types.js';
import type { Embedder } from '../../src/embed/types.js';
import { buildIndex } from '../../src/index/build.js';
import { BRIDGE_FILE, openGenerationStore } from '../../src/index/generations.js';
import { generationBridge, openGenerationEngine } from '../../src/index/open-engine.js';
import { loadShippedBridge } from '../../src/lang/bridge.js';
import { createSearchEngine } from '../../src/search/engine.js';
import { buildLexicalIndex, lexicalAnalyzerId } from '../../src/search/lexical.js';
import type { SearchEngine } from '../../src/search/types.js';
import { openTestEmbedder } from '../helpers/test-model.js';

const SEEDS = fileURLToPath(new URL('../../seeds/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));
const shipped = loadShippedBridge();

let model: Embedder;
let rendered: string; // 150 real papers of the vendored corpus, rendered as newsletters: all of them bilingual
let dataDir: string;
let config: Config;
let catalogue: Catalogue;
beforeAll(async () => {
  model = await openTestEmbedder();
  rendered = await mkdtemp(join(tmpdir(), 'bridge-refit-nl-'));
  execFileSync(process.execPath, [join(FIXTURE, 'render.mjs'), '--papers', join(FIXTURE, 'papers.jsonl'), '--out', rendered, '--format', 'mixed'], { stdio: 'ignore' });
});
afterAll(async () => {
  await model?.close();
  await rm(rendered, { recursive: true, force: true });
});
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bridge-refit-'));
  config = loadConfig({ dataDir, keepGenerations: 3 }, {});
  catalogue = await openCatalogue(dataPaths(dataDir).catalogue);
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const lexicalIds = async (engine: SearchEngine, q: string) => (await engine.search({ q, mode: 'lexical', limit: 50 })).results.map((h) => h.id);

describe('the bridge a generation is indexed with', () => {
  it("is refitted from the catalogue's bilingual papers: a term the shipped bridge lacks is translated, and searching it finds a paper written up in the other language", async () => {
    await ingestPaths(catalogue, [rendered]);
    const r = await buildIndex({ config, catalogue, embedder: model });
    const gen = await openGenerationStore(dataDir).load();
    const bridge = await generationBridge(gen);
    expect(r.bridge).toEqual({ id: bridge.id, refit: true, pairs: 150, drift: 0 });
    expect(gen.manifest.bridge).toEqual({ file: BRIDGE_FILE, id: bridge.id, pairs: 150, drift: 0 });
    expect(bridge.id).not.toBe(shipped.id);
    // "high-entropy" tokens are the uncertain ones: the papers that write it say 不确定性 in Chinese
    expect(shipped.chinese('high-entropi')).toEqual([]);
    const learned = bridge.chinese('high-entropi').map((t) => t.term);
    expect(learned[0]).toBe('不确定性');

    const served = await lexicalIds(await openGenerationEngine(gen, model), 'high-entropy');
    const before = await lexicalIds(createSearchEngine({ papers: gen.papers, index: gen.index, embedder: model, lexical: buildLexicalIndex(gen.papers, shipped) }), 'high-entropy');
    const found = served.filter((id) => !before.includes(id)).map((id) => gen.papers.find((p) => p.id === id)!);
    // papers that never write "high-entropy", found by its learned translations in their Chinese text
    const chinese = (p: (typeof found)[number]) => `${p.title.zh ?? ''}${p.summary.zh ?? ''}`;
    expect(found.filter((p) => chinese(p).includes('不确定性')).length).toBeGreaterThan(0);
    for (const p of found) {
      expect(JSON.stringify([p.title.en, p.summary.en]).toLowerCase()).not.toContain('high-entropy');
      expect(learned.some((zh) => chinese(p).includes(zh))).toBe(true);
    }
  });

  it('is deterministic: the same catalogue gives the same bytes, and an unchanged bridge is shared with the previous generation', async () => {
    await ingestPaths(catalogue, [rendered]);
    await buildIndex({ config, catalogue, embedder: model });
    const other = await mkdtemp(join(tmpdir(), 'bridge-refit-other-'));
    try {
      const copy = await openCatalogue(dataPaths(other).catalogue);
      await ingestPaths(copy, [rendered]);
      await buildIndex({ config: loadConfig({ dataDir: other }, {}), catalogue: copy, embedder: model });
      const bytes = (dir: string) => readFile(join(dir, 'generations', '1', BRIDGE_FILE));
      expect((await bytes(other)).equals(await bytes(dataDir))).toBe(true);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
    const again = await buildIndex({ config, catalogue, embedder: model });
    expect(again.lexical).toEqual({ full: false, added: 0, updated: 0, removed: 0 });
    const inode = async (g: string) => (await stat(join(dataDir, 'generations', g, BRIDGE_FILE))).ino;
    expect(await inode('2')).toBe(await inode('1'));
  });

  it('when refitted, changes the lexical analyzer id and the lexical index is built again from every paper', async () => {
    await ingestPaths(catalogue, [SEEDS]);
    await buildIndex({ config, catalogue, embedder: model });
    const first = (await openGenerationStore(dataDir).load()).manifest;
    await ingestPaths(catalogue, [rendered]);
    const r = await buildIndex({ config, catalogue, embedder: model });
    const second = await openGenerationStore(dataDir).load();
    const bridge = await generationBridge(second);
    expect(r.lexical).toMatchObject({ full: true, added: r.papers, fullReason: `the bridge was refitted (${shipped.id} -> ${bridge.id})` });
    expect(second.manifest.lexical!.analyzer).toBe(lexicalAnalyzerId(bridge));
    expect(second.manifest.lexical!.analyzer).not.toBe(first.lexical!.analyzer);
    expect(r.embedded).toBeLessThan(r.views); // the seeds' vectors were kept: only the lexical side starts over
  });

  it('is kept while few bilingual papers changed since it was fitted, so the lexical index is updated, not rebuilt; a full build refits it', async () => {
    await ingestPaths(catalogue, [rendered]);
    const first = await buildIndex({ config, catalogue, embedder: model });
    // one paper's Chinese summary rewritten: 1 of the 150 pairs it was fitted from (a refit waits for 10%)
    const doc = readdirSync(rendered).sort()[0]!;
    await ingestText(catalogue, doc, (await readFile(join(rendered, doc), 'utf8')).replace('。', '。另外讨论了不确定性。'));
    const kept = await buildIndex({ config, catalogue, embedder: model });
    expect(kept.bridge).toEqual({ id: first.bridge.id, refit: false, pairs: 150, drift: 1 });
    expect(kept.lexical).toEqual({ full: false, added: 0, updated: 1, removed: 0 });

    const full = await buildIndex({ config, catalogue, embedder: model, full: true });
    expect(full.bridge).toMatchObject({ refit: true, pairs: 150, drift: 0 });
    expect(full.bridge.id).not.toBe(first.bridge.id); // the rewritten summary is counted now
  });

  it('is the shipped bridge for a catalogue with few bilingual papers (the 51 seed papers)', async () => {
    await ingestPaths(catalogue, [SEEDS]);
    const r = await buildIndex({ config, catalogue, embedder: model });
    const gen = await openGenerationStore(dataDir).load();
    expect(r.bridge).toMatchObject({ id: shipped.id, refit: true });
    expect(gen.manifest.bridge!.id).toBe(shipped.id);
    expect((await readFile(join(gen.dir, BRIDGE_FILE), 'utf8')) === shipped.serialize()).toBe(true);
    expect(gen.manifest.lexical!.analyzer).toBe(lexicalAnalyzerId(shipped));
  });
});
