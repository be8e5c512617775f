// The lowdb catalogue file: atomic writes, crash safety, corrupt files, lookups, concurrent writers.
import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CatalogueError, openCatalogue } from '../../src/catalogue/lowdb.js';
import { pruneCatalogueSegments, segmentsDir } from '../../src/catalogue/store.js';
import type { DocumentRecord, Paper } from '../../src/catalogue/types.js';
import { parseSeed } from '../ingest/seeds.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-cat-'));
  path = join(dir, 'catalogue.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const doc = async (file: string): Promise<DocumentRecord> => (await parseSeed(file)).record;

describe('openCatalogue', () => {
  it('starts empty without creating the file, and creates it on the first commit', async () => {
    const cat = await openCatalogue(path);
    expect(cat.papers()).toEqual([]);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
    const report = await cat.commit({ upsert: [await doc('weekly-pretraining-no36.txt')], remove: [] });
    expect(report.documents).toEqual([{ name: 'weekly-pretraining-no36.txt', status: 'new', papers: 12 }]);
    expect(report.added).toHaveLength(12);
    const reopened = await openCatalogue(path);
    expect(reopened.papers()).toEqual(cat.papers());
    expect(reopened.documents().map((d) => d.name)).toEqual(['weekly-pretraining-no36.txt']);
  });

  it('leaves no temporary files behind', async () => {
    const cat = await openCatalogue(path);
    await cat.commit({ upsert: [await doc('daily-arxiv-2022-09.txt')], remove: [] });
    await cat.commit({ upsert: [await doc('daily-arxiv-2021-06.txt')], remove: [] });
    expect((await readdir(dir)).sort()).toEqual(['catalogue-segments', 'catalogue.json']);
    expect((await readdir(segmentsDir(path))).every((f) => /^[0-9a-f]{32}\.json$/.test(f))).toBe(true);
  });

  it('refuses a corrupt file with an error naming it, and leaves the file as it was', async () => {
    const cat = await openCatalogue(path);
    await cat.commit({ upsert: [await doc('daily-arxiv-2022-09.txt')], remove: [] });
    const good = await readFile(path, 'utf8');
    await writeFile(path, good.slice(0, good.length / 2)); // e.g. a disk-full copy
    const err = await openCatalogue(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogueError);
    expect((err as Error).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt catalogue, not valid JSON`));
    expect(await readFile(path, 'utf8')).toBe(good.slice(0, good.length / 2));
  });

  it('refuses JSON that is not a catalogue, or a catalogue of another version', async () => {
    await writeFile(path, '[1, 2, 3]');
    await expect(openCatalogue(path)).rejects.toThrow(`${path}: not a papersift catalogue`);
    await writeFile(path, JSON.stringify({ version: 99, documents: [], papers: [] }));
    await expect(openCatalogue(path)).rejects.toThrow(`${path}: catalogue version 99 is not supported`);
    await writeFile(path, JSON.stringify({ version: 2, documents: ['../../etc/passwd'], papers: [] }));
    await expect(openCatalogue(path)).rejects.toThrow(`${path}: not a papersift catalogue (expected "documents" and "papers" lists of segment files)`);
    await writeFile(path, JSON.stringify({ version: 1, documents: [{ name: 'x' }], papers: [] }));
    await expect(openCatalogue(path)).rejects.toThrow(`${path}: documents[0] is malformed`);
  });
});

describe('a write that fails half-way', () => {
  it('leaves the previous file intact and the open catalogue unchanged', async () => {
    const first = await openCatalogue(path);
    await first.commit({ upsert: [await doc('weekly-pretraining-no28.txt')], remove: [] });
    const before = await readFile(path, 'utf8');

    // the writer dies after writing part of its temporary file, as a crash or full disk would leave it
    const crashing = await openCatalogue(path, {
      writeFile: async (target, data) => {
        await writeFile(join(dir, '.catalogue.json.crash.tmp'), data.slice(0, 1000));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    });
    await expect(crashing.commit({ upsert: [await doc('weekly-pretraining-no52.txt')], remove: [] })).rejects.toThrow(/ENOSPC/);

    expect(await readFile(path, 'utf8')).toBe(before);
    expect(crashing.papers()).toHaveLength(12);
    expect(crashing.documents().map((d) => d.name)).toEqual(['weekly-pretraining-no28.txt']);
    const reopened = await openCatalogue(path);
    expect(reopened.papers()).toEqual(first.papers());
  });
});

describe('lookups', async () => {
  it('resolves canonical ids, arXiv ids in any form, DOIs and doi.org URLs', async () => {
    const cat = await openCatalogue(path);
    await cat.commit({ upsert: [await doc('weekly-pretraining-no36.txt'), await doc('weekly-pretraining-no28.txt')], remove: [] });
    const adam = cat.get('arxiv:2106.08208')!;
    expect(adam.title.en).toBe('SUPER-ADAM: Faster and Universal Framework of Adaptive Gradients');
    for (const ref of ['arxiv:2106.08208', '2106.08208', '2106.08208v3', 'https://arxiv.org/abs/2106.08208v9', ' arXiv:2106.08208 ']) {
      expect(cat.resolve(ref)?.id, ref).toBe('arxiv:2106.08208');
    }
    for (const ref of ['doi:10.1101/2021.10.25.465689', '10.1101/2021.10.25.465689', 'https://doi.org/10.1101/2021.10.25.465689']) {
      expect(cat.resolve(ref)?.id, ref).toBe('doi:10.1101/2021.10.25.465689');
    }
    expect(cat.resolve('2999.99999')).toBeUndefined();
    expect(cat.resolve('gradient')).toBeUndefined();
    expect(cat.get('2106.08208')).toBeUndefined(); // get takes canonical ids only
  });
});

describe('several writers', () => {
  it('serialises concurrent commits of one catalogue', async () => {
    const cat = await openCatalogue(path);
    const [a, b] = [await doc('daily-arxiv-2021-06.txt'), await doc('daily-arxiv-2022-09.txt')];
    await Promise.all([cat.commit({ upsert: [a], remove: [] }), cat.commit({ upsert: [b], remove: [] })]);
    expect((await openCatalogue(path)).papers()).toHaveLength(18);
  });

  it('builds on what another process committed since it was opened', async () => {
    const server = await openCatalogue(path);
    const cli = await openCatalogue(path);
    await cli.commit({ upsert: [await doc('daily-arxiv-2021-06.txt')], remove: [] });
    const report = await server.commit({ upsert: [await doc('weekly-pretraining-no52.txt')], remove: [] });
    expect(report.added).toHaveLength(9);
    expect(report.unchanged).toHaveLength(9);
    expect((await openCatalogue(path)).documents().map((d) => d.name)).toEqual(['daily-arxiv-2021-06.txt', 'weekly-pretraining-no52.txt']);
  });
});

describe('segments', () => {
  const segments = async () => new Set(await readdir(segmentsDir(path)));
  const index = async () => JSON.parse(await readFile(path, 'utf8')) as { version: number; documents: string[]; papers: string[] };

  it('stores each document in a segment of its own and shares unchanged ones with the previous catalogue', async () => {
    const cat = await openCatalogue(path);
    const names = ['daily-arxiv-2021-06.txt', 'weekly-pretraining-no28.txt', 'weekly-pretraining-no36.txt'];
    await cat.commit({ upsert: await Promise.all(names.map(doc)), remove: [] });
    const before = await index();
    expect(before.documents).toHaveLength(3);
    const had = await segments();

    // one document edited: a reopened catalogue (another run) writes its segment and the papers' segment, nothing else
    const edited = await doc('weekly-pretraining-no28.txt');
    edited.items[0] = { ...edited.items[0]!, summary: { ...edited.items[0]!.summary, en: 'A rewritten abstract.' } };
    await (await openCatalogue(path)).commit({ upsert: [{ ...edited, sha256: 'edited' }], remove: [] });
    const after = await index();
    expect(after.documents.filter((f, i) => f !== before.documents[i])).toHaveLength(1);
    expect(after.documents[1]).not.toBe(before.documents[1]);
    const written = [...(await segments())].filter((f) => !had.has(f));
    expect(written.sort()).toEqual([after.documents[1]!, ...after.papers.filter((f) => !before.papers.includes(f))].sort());
    expect((await openCatalogue(path)).papers().find((p) => p.summary.en === 'A rewritten abstract.')).toBeDefined();
  });

  it('takes paper segments already parsed elsewhere instead of reading them, and keeps the objects of papers a commit leaves unchanged', async () => {
    const cat = await openCatalogue(path);
    await cat.commit({ upsert: [await doc('daily-arxiv-2021-06.txt'), await doc('weekly-pretraining-no28.txt')], remove: [] });
    const { papers: files } = await index();
    // what an index generation holding the same segments parsed (objects of its own)
    const parsed = new Map(await Promise.all(files.map(async (f) => [f, JSON.parse(await readFile(join(segmentsDir(path), f), 'utf8')) as Paper[]] as const)));
    const shared = [...parsed.values()].flat();
    const reopened = await openCatalogue(path, { parsed });
    expect(reopened.papers()).toEqual(cat.papers());
    reopened.papers().forEach((p, i) => expect(p).toBe(shared[i]));

    const edited = await doc('weekly-pretraining-no28.txt');
    edited.items[0] = { ...edited.items[0]!, summary: { ...edited.items[0]!.summary, en: 'A rewritten abstract.' } };
    const report = await reopened.commit({ upsert: [{ ...edited, sha256: 'edited' }], remove: [] });
    expect(report.updated).toHaveLength(1);
    const after = reopened.papers();
    expect(after.filter((p) => shared.includes(p))).toHaveLength(after.length - 1);
    expect(after.find((p) => !shared.includes(p))!.id).toBe(report.updated[0]);
    expect((await openCatalogue(path)).papers()).toEqual(after); // stored as derived
  });

  it('serialises again only the paper segments holding papers a commit changed', async () => {
    // enough papers for several segments, one per item
    const synthetic = (name: string, summary: string): DocumentRecord => ({
      name,
      sha256: `${name}:${summary}`,
      format: 'weekly',
      ingestedAt: '2026-01-01T00:00:00Z',
      items: Array.from({ length: 50 }, (_, i) => ({
        title: { en: `Paper ${name} ${i}` },
        authors: [],
        affiliations: [],
        categories: [],
        summary: { en: summary },
        links: [],
        source: { document: name, format: 'weekly', position: i + 1, line: i + 1 },
      })),
    });
    const docs = Array.from({ length: 60 }, (_, i) => synthetic(`doc-${String(i).padStart(2, '0')}.txt`, 'first'));
    await (await openCatalogue(path)).commit({ upsert: docs, remove: [] });
    const before = await index();
    expect(before.papers.length).toBeGreaterThanOrEqual(3);

    const reopened = await openCatalogue(path);
    const serialised: unknown[][] = [];
    const stringify = JSON.stringify;
    const spy = vi.spyOn(JSON, 'stringify').mockImplementation((value: unknown, ...rest: unknown[]) => {
      if (Array.isArray(value) && (value[0] as Paper | undefined)?.sources) serialised.push(value);
      return (stringify as (...args: unknown[]) => string)(value, ...rest);
    });
    try {
      await reopened.commit({ upsert: [synthetic('doc-30.txt', 'second')], remove: [] });
    } finally {
      spy.mockRestore();
    }
    const after = await index();
    const rewritten = after.papers.filter((f) => !before.papers.includes(f));
    expect(rewritten.length).toBeGreaterThan(0);
    expect(serialised.length).toBe(rewritten.length);
    expect(serialised.flat().some((p) => (p as Paper).sources[0]!.document === 'doc-30.txt')).toBe(true);
    expect((await openCatalogue(path)).papers()).toEqual(reopened.papers());
  });

  it('prunes the segments the catalogue no longer names', async () => {
    const cat = await openCatalogue(path);
    await cat.commit({ upsert: [await doc('daily-arxiv-2021-06.txt'), await doc('daily-arxiv-2022-09.txt')], remove: [] });
    await cat.commit({ upsert: [], remove: ['daily-arxiv-2022-09.txt'] });
    const named = await index();
    const removed = await pruneCatalogueSegments(path);
    expect(removed.length).toBeGreaterThan(0);
    expect([...(await segments())].sort()).toEqual([...new Set([...named.documents, ...named.papers])].sort());
    expect((await openCatalogue(path)).papers()).toEqual(cat.papers());
  });

  it('refuses a catalogue with a missing segment, naming it, and leaves everything as it was', async () => {
    const cat = await openCatalogue(path);
    await cat.commit({ upsert: [await doc('daily-arxiv-2021-06.txt')], remove: [] });
    const lost = join(segmentsDir(path), (await index()).documents[0]!);
    await unlink(lost);
    await expect(openCatalogue(path)).rejects.toThrow(`${path}: cannot read its segment ${lost} (missing)`);
  });

  it('reads a version-1 catalogue (everything in one file) and writes it as segments on the next commit', async () => {
    const cat = await openCatalogue(path);
    await cat.commit({ upsert: [await doc('daily-arxiv-2021-06.txt')], remove: [] });
    const old = { version: 1, documents: cat.documents(), papers: cat.papers() };
    await rm(segmentsDir(path), { recursive: true });
    await writeFile(path, JSON.stringify(old));
    const v1 = await openCatalogue(path);
    expect(v1.papers()).toEqual(old.papers);
    await v1.commit({ upsert: [await doc('weekly-pretraining-no52.txt')], remove: [] });
    expect((await index()).version).toBe(2);
    expect((await openCatalogue(path)).documents().map((d) => d.name)).toEqual(['daily-arxiv-2021-06.txt', 'weekly-pretraining-no52.txt']);
  });
});
