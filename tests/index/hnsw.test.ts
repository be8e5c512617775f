import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile, truncate, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HnswIndex } from '../../src/index/hnsw.js';
import { IndexFileError } from '../../src/index/errors.js';
import { loadConfig } from '../../src/config.js';
import { vectorSource, bruteForce, dot } from './vectors.js';

const D = 384;
const defaults = loadConfig({}, {}).hnsw;
const key = (i: number) => ({ paperId: `p${i}`, view: 'en' as const });

function build(n: number, seed = 1): { index: HnswIndex; items: Map<string, Float32Array>; next: () => Float32Array } {
  const next = vectorSource(D, seed);
  const index = HnswIndex.create({ dimensions: D, ...defaults });
  const items = new Map<string, Float32Array>();
  for (let i = 0; i < n; i++) {
    const v = next();
    index.upsert(key(i), v);
    items.set(`p${i}`, v);
  }
  return { index, items, next };
}

/** `n` English entries, one Chinese one with a text hash, p5 deleted, saved into `dir/name`. */
async function saved(n: number, seed: number, name: string) {
  const { index, next } = build(n, seed);
  index.upsert({ paperId: 'p0', view: 'zh' }, next(), 'hash-zh');
  index.remove(key(5));
  const out = join(dir, name);
  await mkdir(out);
  return { index, next, out, files: await index.save(out) };
}

function recallAt10(index: HnswIndex, items: Map<string, Float32Array>, queries: Float32Array[]): number {
  let found = 0;
  for (const q of queries) {
    const got = new Set(index.search(q, 10).map((h) => h.paperId));
    found += bruteForce(items, q, 10).filter((id) => got.has(id)).length;
  }
  return found / (queries.length * 10);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-hnsw-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('HnswIndex', () => {
  it('finds the exact top 10 for >= 99% of neighbours on 4000 vectors at the default M/efConstruction/ef', () => {
    const { index, items, next } = build(4000);
    const queries = Array.from({ length: 100 }, next);
    expect(recallAt10(index, items, queries)).toBeGreaterThanOrEqual(0.99);
    // scores are cosine similarities, best first
    const hits = index.search(queries[0]!, 10);
    expect(hits[0]!.score).toBeCloseTo(dot(items.get(hits[0]!.paperId)!, queries[0]!), 4);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('round-trips through disk: same keys, vectors, text hashes and search results', async () => {
    const { index, next, out, files } = await saved(600, 2, 'roundtrip');
    expect(files).toEqual(['hnsw.bin', 'labels.json']);

    const loaded = await HnswIndex.load(out, defaults);
    expect(loaded.size).toBe(600);
    expect(loaded.deletedCount).toBe(1);
    expect(loaded.has(key(5))).toBe(false);
    expect(loaded.textHash({ paperId: 'p0', view: 'zh' })).toBe('hash-zh');
    expect(Array.from(loaded.vector(key(7))!)).toEqual(Array.from(index.vector(key(7))!));
    const q = next();
    expect(loaded.search(q, 10)).toEqual(index.search(q, 10));
    // labels keep counting after a reload, so a new entry never reuses a deleted label
    loaded.upsert(key(5), next());
    expect(loaded.size).toBe(601);
    expect(loaded.search(loaded.vector(key(5))!, 1)[0]).toMatchObject({ paperId: 'p5' });
  });

  it('copies an index loaded from disk: the copy answers as a second load would, and changing it leaves the original as it was', async () => {
    const { next, out } = await saved(300, 3, 'copied');
    const loaded = await HnswIndex.load(out, defaults);
    const [copy, again] = [await loaded.copyFrom(out, { ...defaults, ef: 77 }), await HnswIndex.load(out, { ...defaults, ef: 77 })];
    expect([copy.size, copy.deletedCount, copy.hnswParams, copy.keys()]).toEqual([again.size, again.deletedCount, again.hnswParams, again.keys()]);
    expect(copy.textHash({ paperId: 'p0', view: 'zh' })).toBe('hash-zh');
    const q = next();
    expect(copy.search(q, 20)).toEqual(again.search(q, 20));
    // a change to the copy (as a build makes) takes the next label, and the original keeps its graph and labels
    const before = loaded.search(q, 20);
    copy.upsert(key(1), q, 'changed');
    copy.remove(key(2));
    again.upsert(key(1), q, 'changed');
    again.remove(key(2));
    expect(copy.search(q, 20)).toEqual(again.search(q, 20));
    expect(loaded.search(q, 20)).toEqual(before);
    expect([loaded.textHash(key(1)), loaded.has(key(2)), loaded.size]).toEqual([undefined, true, 300]);
    expect(copy.textHash(key(1))).toBe('changed');
  });

  it('reflects updates (new vector is returned) and deletes (never returned)', () => {
    const { index, items, next } = build(1500, 3);
    const fresh = next();
    index.upsert(key(10), fresh);
    expect(index.size).toBe(1500);
    expect(index.deletedCount).toBe(1);
    const top = index.search(fresh, 1)[0]!;
    expect(top.paperId).toBe('p10');
    expect(top.score).toBeCloseTo(1, 5);
    expect(dot(index.vector(key(10))!, fresh)).toBeCloseTo(1, 5);

    const deleted = new Set<string>();
    for (let i = 0; i < 1500; i += 3) {
      expect(index.remove(key(i))).toBe(true);
      deleted.add(`p${i}`);
    }
    expect(index.remove(key(0))).toBe(false);
    expect(index.size).toBe(1000);
    for (let q = 0; q < 30; q++) {
      const hits = index.search(next(), 50);
      expect(hits).toHaveLength(50);
      expect(hits.filter((h) => deleted.has(h.paperId))).toEqual([]);
    }
    // a deleted entry's own vector is no longer findable
    expect(index.search(items.get('p3')!, 5).map((h) => h.paperId)).not.toContain('p3');
  });

  it('removePaper drops every view of the paper', () => {
    const { index, next } = build(50, 4);
    index.upsert({ paperId: 'p1', view: 'zh' }, next());
    expect(index.removePaper('p1')).toBe(2);
    expect(index.keys().filter((k) => k.paperId === 'p1')).toEqual([]);
    expect(index.size).toBe(49);
  });

  it('applies the filter inside the search: returns k results when k entries pass, even among deletions', () => {
    const { index, next } = build(3000, 5);
    for (let i = 0; i < 3000; i += 2) index.remove(key(i)); // half deleted
    const wanted = (k: { paperId: string }) => Number(k.paperId.slice(1)) % 100 === 1; // 30 live entries pass
    for (let q = 0; q < 10; q++) {
      const hits = index.search(next(), 10, wanted);
      expect(hits).toHaveLength(10);
      expect(hits.every(wanted)).toBe(true);
    }
    // fewer than k pass: all of them come back
    const rare = (k: { paperId: string }) => ['p1', 'p2', 'p2001'].includes(k.paperId);
    expect(new Set(index.search(next(), 10, rare).map((h) => h.paperId))).toEqual(new Set(['p1', 'p2001']));
  });

  it('grows its capacity on demand', () => {
    const index = HnswIndex.create({ dimensions: D, ...defaults, capacity: 10 });
    const first = index.capacity;
    const next = vectorSource(D, 6);
    const vs = Array.from({ length: first + 500 }, next);
    vs.forEach((v, i) => index.upsert(key(i), v));
    expect(index.capacity).toBeGreaterThan(first);
    expect(index.size).toBe(first + 500);
    expect(index.search(vs[first + 499]!, 1)[0]!.paperId).toBe(`p${first + 499}`);
  });

  it('compaction drops deleted entries and keeps live results', () => {
    const { index, items, next } = build(2000, 7);
    for (let i = 0; i < 2000; i += 2) {
      index.remove(key(i));
      items.delete(`p${i}`);
    }
    index.upsert(key(1), items.get('p1')!, 'h1');
    expect(index.deletedRatio).toBeGreaterThan(0.4);
    const queries = Array.from({ length: 50 }, next);
    const before = queries.map((q) => index.search(q, 10));

    expect(index.compact()).toEqual({ before: 2001, after: 1000 });
    expect(index.deletedCount).toBe(0);
    expect(index.size).toBe(1000);
    expect(index.textHash(key(1))).toBe('h1');
    expect(dot(index.vector(key(3))!, items.get('p3')!)).toBeCloseTo(1, 5);
    const after = queries.map((q) => index.search(q, 10));
    const same = after.reduce((n, hits, i) => n + hits.filter((h) => before[i]!.some((b) => b.paperId === h.paperId)).length, 0);
    expect(same / 500).toBeGreaterThanOrEqual(0.99);
    expect(recallAt10(index, items, queries)).toBeGreaterThanOrEqual(0.99);
  });

  it('rejects vectors of the wrong size or with no direction, naming the entry', () => {
    const index = HnswIndex.create({ dimensions: 4, ...defaults });
    expect(() => index.upsert(key(1), new Float32Array(3))).toThrow('vector for p1 en: expected 4 dimensions, got 3');
    expect(() => index.upsert(key(1), new Float32Array(4))).toThrow('finite and non-zero');
    expect(() => index.search(new Float32Array([1, 0, 0, 0]), 0)).toThrow('k must be a positive integer');
    expect(index.search(new Float32Array([1, 0, 0, 0]), 5)).toEqual([]);
  });

  it('refuses garbled labels.json and truncated hnsw.bin with an error naming the file', async () => {
    const { index } = build(300, 8);
    const out = await mkdtemp(join(dir, 'bad-'));
    await index.save(out);
    await writeFile(join(out, 'labels.json'), '{"format":1,"dimensions":384,"nextLabel":3,"entr');
    await expect(HnswIndex.load(out, defaults)).rejects.toThrow(/index file .*labels\.json: not valid JSON/);

    await index.save(out);
    await truncate(join(out, 'hnsw.bin'), Math.floor((await stat(join(out, 'hnsw.bin'))).size / 2));
    const err = await HnswIndex.load(out, defaults).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexFileError);
    expect((err as IndexFileError).file).toBe(join(out, 'hnsw.bin'));
  });
});
