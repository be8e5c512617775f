// Real newsletter content: the shared corpus (7,020 arXiv papers with Chinese summaries, at ../shared/corpus next
// to the clone; CI has it) or, on a fresh clone, its vendored 150-paper subset (tests/fixtures/corpus, chosen to
// hold the hard cases), rendered by render.mjs in every layout and ingested into a real catalogue.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPaths } from '../../src/ingest/into-catalogue.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { checkRecovery, findCorpus, loadCorpus, render, type RenderOptions } from '../helpers/corpus.js';

const corpus = findCorpus();
const papers = loadCorpus(corpus.papersFile);
// PAPERSIFT_CORPUS_LIMIT samples the shared corpus (the whole of it takes ~2 s per layout on two cores)
const limit = Number(process.env.PAPERSIFT_CORPUS_LIMIT) || undefined;
const MIN_RATE = 0.9995;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-corpus-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const layouts: RenderOptions[] = (['daily', 'weekly', 'mixed'] as const).flatMap((format) => [
  { format, overlap: 0.1, limit },
  { format, overlap: 0.1, limit, rawPunct: true },
]);

describe(`ingesting the ${corpus.kind} corpus (${papers.size} papers) rendered as newsletters`, () => {
  it.each(layouts)('recovers every paper once with its arXiv id, English title and Chinese summary: %o', async (layout) => {
    const out = join(dir, `${layout.format}${layout.rawPunct ? '-raw' : ''}`);
    const manifest = render(corpus, join(out, 'news'), layout);
    const cat = await openCatalogue(join(out, 'catalogue.json'));
    const report = await ingestPaths(cat, [join(out, 'news')]);
    expect(report.documents.filter((d) => d.status === 'failed')).toEqual([]);

    const r = checkRecovery(manifest, papers, cat.papers());
    const repeated = manifest.files.flatMap((f) => f.items).length - r.distinct;
    expect(repeated, '--overlap 0.1 repeats papers in a second issue').toBeGreaterThan(0);
    expect(r.rate, JSON.stringify(r.failures.slice(0, 5))).toBeGreaterThanOrEqual(MIN_RATE);
    expect(r.spurious, 'catalogue papers that are no rendered paper').toBeLessThanOrEqual(Math.floor(r.distinct * (1 - MIN_RATE)));
    // every repeated paper was merged into one record with both sources
    expect(report.merged.length).toBeGreaterThanOrEqual(repeated - r.failures.length);
  });
});
