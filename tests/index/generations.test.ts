import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { mkdtemp, rm, readFile, writeFile, truncate, stat, unlink, mkdir, readdir } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Paper } from '../../src/catalogue/types.js';
import type { EmbedderInfo } from '../../src/embed/types.js';
import { HnswIndex } from '../../src/index/hnsw.js';
import { openGenerationStore, paperSegments, PAPERS_PER_SEGMENT, type GenerationStore } from '../../src/index/generations.js';
import { EmbedderMismatchError, IndexFileError } from '../../src/index/errors.js';
import { VerifiedFiles } from '../../src/index/manifest.js';
import { generationBridge } from '../../src/index/open-engine.js';
import { loadConfig } from '../../src/config.js';
import { vectorSource } from './vectors.js';

const D = 32;
const hnsw = loadConfig({}, {}).hnsw;
const e5: EmbedderInfo = { id: 'transformers:Xenova/multilingual-e5-small:q8', dimensions: D, settings: { dtype: 'q8', pooling: 'mean' } };

function paper(i: number): Paper {
  return {
    id: `arxiv:2106.${String(i).padStart(5, '0')}`,
    arxivId: `2106.${String(i).padStart(5, '0')}`,
    title: { en: `Paper ${i}`, zh: `论文 ${i}` },
    authors: [],
    affiliations: [],
    categories: ['CL'],
    summary: {},
    links: [],
    sources: [{ document: 'daily-arxiv-2021-06.txt', format: 'daily', position: i + 1, line: 10 * i + 1 }],
  };
}

function buildOf(n: number, seed: number) {
  const next = vectorSource(D, seed, 10);
  const papers = Array.from({ length: n }, (_, i) => paper(i));
  const index = HnswIndex.create({ dimensions: D, ...hnsw });
  for (const p of papers) {
    index.upsert({ paperId: p.id, view: 'en' }, next(), `hash-en-${p.id}`);
    index.upsert({ paperId: p.id, view: 'zh' }, next());
  }
  return { index, papers, embedder: e5, build: { ms: 12, full: true }, query: next() };
}

let dataDir: string;
let store: GenerationStore;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'papersift-gen-'));
  store = openGenerationStore(dataDir);
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function firstGeneration() {
  const b = buildOf(40, 1);
  const name = await store.write(b);
  await store.switchTo(name);
  return { name, b, dir: join(dataDir, 'generations', name) };
}

describe('generation store', () => {
  it('has no current generation before the first build and says how to make one', async () => {
    expect(store.current()).toBeUndefined();
    expect(store.list()).toEqual([]);
    await expect(store.load()).rejects.toThrow('run `papersift index`');
  });

  it('writes a self-consistent generation, switches CURRENT to it and loads it back', async () => {
    const { name, b, dir } = await firstGeneration();
    expect(name).toBe('1');
    expect((await readFile(join(dataDir, 'CURRENT'), 'utf8')).trim()).toBe('1');
    const g = await store.load(undefined, { embedder: e5 });
    expect(g.manifest.papers).toEqual(['papers-0.json']); // 40 papers: one segment
    expect((await readdir(dir)).sort()).toEqual(['hnsw.bin', 'labels.json', 'manifest.json', 'papers-0.json']);

    expect(g.name).toBe('1');
    expect(g.papers).toEqual(b.papers);
    expect(g.index.size).toBe(80);
    expect(g.index.search(b.query, 5)).toEqual(b.index.search(b.query, 5));
    expect(g.index.textHash({ paperId: b.papers[3]!.id, view: 'en' })).toBe(`hash-en-${b.papers[3]!.id}`);

    const m = g.manifest;
    expect(m).toMatchObject({
      format: 1,
      generation: '1',
      embedder: e5,
      index: { library: 'hnswlib-node', space: 'cosine', dimensions: D, M: 16, efConstruction: 200, ef: 96 },
      counts: { papers: 40, vectors: 80, deleted: 0 },
      build: { ms: 12, full: true },
    });
    expect(m.index).toEqual({ library: 'hnswlib-node', space: 'cosine', dimensions: D, capacity: g.index.capacity, M: 16, efConstruction: 200, ef: 96 });
    expect(g.index.hnswParams).toEqual({ M: 16, efConstruction: 200, ef: 96 });
    expect(Date.parse(m.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    for (const f of ['hnsw.bin', 'labels.json', 'papers-0.json']) {
      expect(m.files[f]!.bytes).toBe((await stat(join(dir, f))).size);
      expect(m.files[f]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refuses to open an index built by another embedder, naming both and the fix', async () => {
    await firstGeneration();
    const bge: EmbedderInfo = { id: 'transformers:Xenova/bge-m3:q8', dimensions: 1024, settings: {} };
    const err = await store.load(undefined, { embedder: bge }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbedderMismatchError);
    expect((err as Error).message).toContain('built with embedder "transformers:Xenova/multilingual-e5-small:q8" (32-d)');
    expect((err as Error).message).toContain('embedder "transformers:Xenova/bge-m3:q8" (1024-d) was requested');
    expect((err as Error).message).toContain('papersift index --full');
    // same model id, but a setting that changes the vectors
    await expect(store.load(undefined, { embedder: { ...e5, settings: { dtype: 'fp32', pooling: 'mean' } } })).rejects.toThrow('settings differ: dtype');
  });

  it('detects a truncated hnsw.bin, an altered labels.json and a missing manifest, naming the file', async () => {
    const { dir } = await firstGeneration();
    const bin = join(dir, 'hnsw.bin');
    const original = await readFile(bin);
    await truncate(bin, original.length - 100);
    await expect(store.load()).rejects.toThrow(`index file ${bin}: is ${original.length - 100} bytes but the manifest records ${original.length} (truncated or replaced)`);
    await writeFile(bin, original);
    await expect(store.load()).resolves.toMatchObject({ name: '1' });

    const labels = join(dir, 'labels.json');
    const text = await readFile(labels, 'utf8');
    await writeFile(labels, text.replace('"en"', '"zh"')); // same size, different content
    const err = await store.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexFileError);
    expect((err as IndexFileError).file).toBe(labels);
    expect((err as Error).message).toContain('does not match the sha256');
    await writeFile(labels, text);

    await unlink(join(dir, 'manifest.json'));
    await expect(store.load()).rejects.toThrow(`index file ${join(dir, 'manifest.json')}: missing`);
    expect(store.list()).toEqual([]);
  });

  it('opens a generation this process wrote with the papers and HNSW index it holds, verifying every file meanwhile', async () => {
    const { b, name, dir } = await firstGeneration();
    const written = { papers: b.papers, index: b.index };
    const opened = await store.openWritten(name, written, { ef: 77 });
    expect(opened.generation.papers).toBe(b.papers);
    expect(opened.generation.index).toBe(b.index);
    expect(opened.generation.index.hnswParams.ef).toBe(77); // searched as a load would set it up
    await expect(opened.verified).resolves.toBeInstanceOf(VerifiedFiles);
    const segment = join(dir, 'papers-0.json');
    const text = await readFile(segment, 'utf8');
    await writeFile(segment, text.replace('"Paper 1"', '"Paper X"')); // same size, different content
    await expect((await store.openWritten(name, written)).verified).rejects.toThrow(new RegExp(`${segment}.*does not match the sha256`));
    await writeFile(segment, text);
    const bin = join(dir, 'hnsw.bin');
    const original = await readFile(bin);
    await writeFile(bin, Buffer.concat([Buffer.from([original[0]! ^ 0xff]), original.subarray(1)]));
    await expect((await store.openWritten(name, written)).verified).rejects.toThrow(`index file ${bin}: content does not match the sha256`);
  });

  it('stores a lexical index as an opaque checksummed file, and refuses a corrupt one naming the file', async () => {
    const data = Buffer.from([0, 1, 2, 255, ...Buffer.from('bytes the search package wrote')]);
    const name = await store.write({ ...buildOf(5, 4), lexical: { analyzer: 'v9:test', data } });
    await store.switchTo(name);
    const dir = join(dataDir, 'generations', name);
    expect((await readdir(dir)).sort()).toEqual(['hnsw.bin', 'labels.json', 'lexical.bin', 'manifest.json', 'papers-0.json']);
    const g = await store.load();
    expect(g.manifest.lexical).toEqual({ file: 'lexical.bin', analyzer: 'v9:test' });
    expect(g.manifest.files['lexical.bin']).toEqual({ bytes: data.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(g.lexical).toMatchObject({ analyzer: 'v9:test', path: join(dir, 'lexical.bin') });
    expect(await g.lexical!.read()).toEqual(data);

    // altered after the generation was loaded: read() checks again, so what is parsed is what was checksummed
    const file = join(dir, 'lexical.bin');
    await writeFile(file, Buffer.from(data.toString('latin1').replace('bytes', 'BYTES'), 'latin1'));
    await expect(g.lexical!.read()).rejects.toThrow(`index file ${file}: content does not match the sha256 in the manifest (corrupted)`);
    const err = await store.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexFileError);
    expect((err as IndexFileError).file).toBe(file);
    await truncate(file, 10);
    await expect(store.load()).rejects.toThrow(`index file ${file}: is 10 bytes but the manifest records ${Buffer.byteLength(data)} (truncated or replaced)`);
    await unlink(file);
    await expect(store.load()).rejects.toThrow(`index file ${file}: missing`);
  });

  it('a write that fails half-way leaves CURRENT on the previous generation, which still loads', async () => {
    const { b } = await firstGeneration();
    const broken = buildOf(10, 2);
    // JSON.stringify throws on a BigInt: the write dies after hnsw.bin and labels.json are on disk
    (broken.papers[0] as unknown as { extra: bigint }).extra = 1n;
    await expect(store.write(broken)).rejects.toThrow(/BigInt/);
    expect(store.current()).toBe('1');
    expect(store.list()).toEqual(['1']);
    expect(await readdir(join(dataDir, 'generations'))).toEqual(['1']);
    const g = await store.load();
    expect(g.papers).toEqual(b.papers);
  });

  it('ignores directories left by a crashed writer and cleans them up on the next write', async () => {
    await firstGeneration();
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const partial = join(dataDir, 'generations', `2.partial-${deadPid}`);
    await mkdir(partial);
    await writeFile(join(partial, 'hnsw.bin'), 'half');
    expect(store.list()).toEqual(['1']);
    expect(store.current()).toBe('1');

    const name = await store.write(buildOf(5, 3));
    expect(name).toBe('2');
    expect((await readdir(join(dataDir, 'generations'))).sort()).toEqual(['1', '2']);
    expect(store.current()).toBe('1'); // writing does not switch
    await store.switchTo('2');
    expect((await store.load()).papers).toHaveLength(5);
  });

  it('prunes old generations but never the current one', async () => {
    for (let i = 0; i < 4; i++) await store.write(buildOf(3, i));
    await store.switchTo('2');
    expect(await store.prune(2)).toEqual(['1']);
    expect(store.list()).toEqual(['2', '3', '4']);
    await expect(store.switchTo('9')).rejects.toThrow('no complete generation by that name');
    await expect(store.prune(0)).rejects.toThrow('keep must be an integer >= 1');
  });
});

describe('generations share unchanged data', () => {
  const inode = async (gen: string, file: string) => (await stat(join(dataDir, 'generations', gen, file))).ino;
  const dataFiles = async (gen: string) => Object.keys((await store.load(gen)).manifest.files).sort();

  it('a generation identical to the live one is hard links to its files, and outlives the pruning of the older', async () => {
    const b = buildOf(40, 1);
    const lexical = { analyzer: 'v9:test', data: Buffer.from([7, 0, 255, 1]) };
    await store.switchTo(await store.write({ ...b, lexical }));
    await store.switchTo(await store.write({ ...b, lexical: { ...lexical, data: Buffer.from(lexical.data) } }));
    const files = await dataFiles('2');
    expect(files).toEqual(['hnsw.bin', 'labels.json', 'lexical.bin', 'papers-0.json']);
    for (const f of files) expect(await inode('2', f), f).toBe(await inode('1', f));
    expect(await inode('2', 'manifest.json')).not.toBe(await inode('1', 'manifest.json'));

    expect(await store.prune(1)).toEqual(['1']);
    const g = await store.load('2');
    expect(g.papers).toEqual(b.papers);
    expect(g.index.search(b.query, 5)).toEqual(b.index.search(b.query, 5));
  });

  it('cuts papers into segments at boundaries set by the papers themselves', () => {
    const papers = Array.from({ length: 5000 }, (_, i) => paper(i));
    const segments = paperSegments(papers);
    expect(segments.flat()).toEqual(papers);
    expect(segments.length).toBeGreaterThan(5000 / PAPERS_PER_SEGMENT / 2);
    expect(segments.length).toBeLessThan((5000 / PAPERS_PER_SEGMENT) * 2);
    // a paper added in the middle changes only the segment it lands in
    const added = [...papers.slice(0, 2500), paper(99_999), ...papers.slice(2500)];
    const after = paperSegments(added).map((s) => JSON.stringify(s));
    const before = new Set(segments.map((s) => JSON.stringify(s)));
    expect(after.filter((s) => !before.has(s))).toHaveLength(1);
    expect(paperSegments([])).toEqual([[]]);
  });

  it('a change to one paper rewrites its segment and shares the others', async () => {
    const b = buildOf(3000, 2);
    await store.switchTo(await store.write(b));
    const papers = b.papers.map((p, i) => (i === 1500 ? { ...p, title: { ...p.title, en: 'A retitled paper' } } : p));
    await store.switchTo(await store.write({ ...b, papers }));
    const segments = (await store.load('2')).manifest.papers!;
    expect(segments.length).toBeGreaterThan(2);
    const linked = [];
    for (const f of segments) if ((await inode('2', f)) === (await inode('1', f))) linked.push(f);
    expect(linked).toHaveLength(segments.length - 1);
    expect(await inode('2', 'hnsw.bin')).toBe(await inode('1', 'hnsw.bin')); // the vectors did not change
    expect((await store.load('2')).papers).toEqual(papers);
  });

  it('links a segment of the very papers read from the live generation without serialising it, to the bytes writing it would give', async () => {
    const b = buildOf(3000, 2);
    await store.switchTo(await store.write(b));
    await new Promise((resolve) => setTimeout(resolve, VerifiedFiles.RACY_MS + 50)); // the load trusts what it hashed
    const live = await store.load();
    const papers = live.papers.map((p, i) => (i === 1500 ? { ...p, title: { ...p.title, en: 'A retitled paper' } } : p));
    const stringify = vi.spyOn(JSON, 'stringify');
    const serialised = () => stringify.mock.calls.filter(([v]) => Array.isArray(v) && (v[0] as Paper | undefined)?.sources !== undefined).length;
    try {
      await store.switchTo(await store.write({ ...b, papers, verified: live.verified, paperFiles: live.paperFiles }));
      expect(serialised()).toBe(1); // the changed paper's segment alone
    } finally {
      stringify.mockRestore();
    }
    const linked = await store.load('2');
    const segments = linked.manifest.papers!;
    const shared = [];
    for (const f of segments) if ((await inode('2', f)) === (await inode('1', f))) shared.push(f);
    expect(shared).toHaveLength(segments.length - 1);
    // the same files as a write that serialises every segment
    const written = await store.write({ ...b, papers });
    expect((await store.load(written)).manifest.files).toEqual(linked.manifest.files);
  });

  it('writes a segment of the live papers afresh when its live file changed since the load', async () => {
    const b = buildOf(40, 1);
    await store.switchTo(await store.write(b));
    await new Promise((resolve) => setTimeout(resolve, VerifiedFiles.RACY_MS + 50));
    const live = await store.load();
    const segment = join(dataDir, 'generations', '1', 'papers-0.json');
    const original = await readFile(segment);
    await writeFile(segment, Buffer.concat([Buffer.from([original[0]! ^ 0xff]), original.subarray(1)])); // same size
    await store.write({ ...b, papers: live.papers, verified: live.verified, paperFiles: live.paperFiles });
    expect(await inode('2', 'papers-0.json')).not.toBe(await inode('1', 'papers-0.json'));
    expect(await readFile(join(dataDir, 'generations', '2', 'papers-0.json'))).toEqual(original);
    expect((await store.load('2')).papers).toEqual(b.papers);
  });

  it('never links a live file that no longer matches its manifest: the new generation gets an intact copy', async () => {
    const b = buildOf(40, 1);
    await store.switchTo(await store.write(b));
    const bin = join(dataDir, 'generations', '1', 'hnsw.bin');
    const original = await readFile(bin);
    await writeFile(bin, Buffer.concat([Buffer.from([original[0]! ^ 0xff]), original.subarray(1)])); // same size
    await store.write(b);
    expect(await inode('2', 'hnsw.bin')).not.toBe(await inode('1', 'hnsw.bin'));
    expect(await inode('2', 'labels.json')).toBe(await inode('1', 'labels.json'));
    expect((await store.load('2')).index.search(b.query, 5)).toEqual(b.index.search(b.query, 5));
    await expect(store.load('1')).rejects.toThrow(`index file ${bin}: content does not match the sha256`);
  });

  it('hashes a file it verified at load again when it changed since: read() and the next generation refuse a file corrupted after the load', async () => {
    const b = buildOf(40, 1);
    const lexical = { analyzer: 'v9:test', data: Buffer.from('the postings of forty papers') };
    await store.switchTo(await store.write({ ...b, lexical }));
    // older than a file-time tick: the load trusts what it hashed while the file stays as it was
    await new Promise((resolve) => setTimeout(resolve, VerifiedFiles.RACY_MS + 50));
    const g = await store.load();
    const dir = join(dataDir, 'generations', '1');
    for (const f of ['hnsw.bin', 'labels.json', 'lexical.bin', 'papers-0.json']) expect(g.verified.holds(join(dir, f), g.manifest.files[f]!), f).toBe(true);
    expect(await g.lexical!.read()).toEqual(lexical.data);

    const file = join(dir, 'lexical.bin');
    await writeFile(file, Buffer.from('THE postings of forty papers')); // same size
    expect(g.verified.holds(file, g.manifest.files['lexical.bin']!)).toBe(false);
    await expect(g.lexical!.read()).rejects.toThrow(`index file ${file}: content does not match the sha256 in the manifest (corrupted)`);
    const bin = join(dir, 'hnsw.bin');
    const original = await readFile(bin);
    await writeFile(bin, Buffer.concat([Buffer.from([original[0]! ^ 0xff]), original.subarray(1)]));
    await store.write({ ...b, lexical, verified: g.verified });
    expect(await inode('2', 'hnsw.bin')).not.toBe(await inode('1', 'hnsw.bin')); // an intact copy, not a link to the damage
    expect(await inode('2', 'lexical.bin')).not.toBe(await inode('1', 'lexical.bin'));
    expect(await inode('2', 'labels.json')).toBe(await inode('1', 'labels.json')); // verified and unchanged: linked
    expect((await store.load('2')).index.search(b.query, 5)).toEqual(b.index.search(b.query, 5));
  });

  it('parses a bridge once for the generations that share it', async () => {
    const bridge = (data: string) => ({ id: 'b', data, pairs: 100, drift: 0 });
    const shared = bridge('en\tattention\t注意力:0.9\n');
    await store.write({ ...buildOf(5, 1), bridge: shared });
    await store.write({ ...buildOf(5, 2), bridge: { ...shared } });
    await store.write({ ...buildOf(5, 3), bridge: bridge('en\tattention\t关注:0.8\n') });
    const one = await generationBridge(await store.load('1'));
    const two = await generationBridge(await store.load('2'));
    const other = await generationBridge(await store.load('3'));
    expect(two).toBe(one);
    expect(one.chinese('attention')).toEqual([{ term: '注意力', weight: 0.9 }]);
    expect(other.chinese('attention')).toEqual([{ term: '关注', weight: 0.8 }]);
  });

  it('does not trust a file changed just before it was hashed (file times tick too coarsely to see a second change)', async () => {
    const { dir } = await firstGeneration();
    const m = (await store.load()).manifest;
    const path = join(dir, 'labels.json');
    const s = statSync(path);
    const hashedAt = (ms: number) => {
      const v = new VerifiedFiles();
      v.record(path, m.files['labels.json']!.sha256, s, s.ctimeMs + ms);
      return v.holds(path, m.files['labels.json']!);
    };
    expect(hashedAt(VerifiedFiles.RACY_MS / 2)).toBe(false);
    expect(hashedAt(VerifiedFiles.RACY_MS * 2)).toBe(true);
    // nor one checked long ago
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + VerifiedFiles.TRUST_MS * 2 });
    try {
      expect(hashedAt(VerifiedFiles.RACY_MS * 2)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('loads a generation written before segments, with one papers.json', async () => {
    const { b, dir } = await firstGeneration();
    const manifestFile = join(dir, 'manifest.json');
    const m = JSON.parse(await readFile(manifestFile, 'utf8')) as { papers?: string[]; files: Record<string, unknown> };
    await writeFile(join(dir, 'papers.json'), await readFile(join(dir, 'papers-0.json')));
    m.files['papers.json'] = m.files['papers-0.json'];
    delete m.files['papers-0.json'];
    delete m.papers;
    await unlink(join(dir, 'papers-0.json'));
    await writeFile(manifestFile, JSON.stringify(m));
    expect((await store.load()).papers).toEqual(b.papers);
  });
});
