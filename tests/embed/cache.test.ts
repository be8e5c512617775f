import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, rm, stat, appendFile, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddingCache, cacheFileName } from '../../src/embed/cache.js';
import type { EmbedderInfo } from '../../src/embed/types.js';
import { vectorSource } from '../index/vectors.js';

const D = 48;
const info: EmbedderInfo = { id: 'transformers:test/tiny-bert:fp32', dimensions: D, settings: { dtype: 'fp32', pooling: 'mean' } };
const recordBytes = 32 + D * 4 + 4;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function filled(n: number) {
  const next = vectorSource(D, 9);
  const cache = await EmbeddingCache.open(dir, info);
  const texts = Array.from({ length: n }, (_, i) => `text number ${i} 预训练`);
  const vecs = texts.map(() => next());
  texts.forEach((t, i) => cache.put(t, vecs[i]!));
  await cache.close();
  return { texts, vecs, file: join(dir, cacheFileName(info)) };
}

describe('EmbeddingCache', () => {
  it('survives a reopen with identical vectors, stored as compact binary records', async () => {
    const { texts, vecs, file } = await filled(200);
    const { size } = await stat(file);
    const header = size - 200 * recordBytes;
    expect(header).toBeGreaterThan(16);
    expect(header).toBeLessThan(200); // the header is small; the rest is exactly 200 fixed-size records

    const cache = await EmbeddingCache.open(dir, info);
    expect(cache.size).toBe(200);
    expect(cache.loadStats).toEqual({ records: 200, tornBytes: 0, corrupt: 0 });
    expect(Array.from(cache.get(texts[17]!)!)).toEqual(Array.from(vecs[17]!));
    expect(cache.get('never seen')).toBeUndefined();
    await cache.close();
  });

  it('ignores a torn last record and keeps appending cleanly after it', async () => {
    const { texts, file } = await filled(10);
    await appendFile(file, Buffer.alloc(recordBytes - 7, 1)); // a crash mid-append
    const cache = await EmbeddingCache.open(dir, info);
    expect(cache.loadStats).toEqual({ records: 10, tornBytes: recordBytes - 7, corrupt: 0 });
    cache.put('after the crash', vectorSource(D, 3)());
    await cache.close();

    const again = await EmbeddingCache.open(dir, info);
    expect(again.loadStats).toEqual({ records: 11, tornBytes: 0, corrupt: 0 });
    expect(again.get('after the crash')).toBeDefined();
    expect(again.get(texts[9]!)).toBeDefined();
    await again.close();
  });

  it('skips a damaged record (checksum mismatch) and keeps the others', async () => {
    const { texts, file } = await filled(5);
    const bytes = await readFile(file);
    const header = bytes.length - 5 * recordBytes;
    bytes[header + 2 * recordBytes + 40]! ^= 0xff; // inside record #3's vector
    await writeFile(file, bytes);
    const cache = await EmbeddingCache.open(dir, info);
    expect(cache.loadStats).toEqual({ records: 4, tornBytes: 0, corrupt: 1 });
    expect(cache.get(texts[2]!)).toBeUndefined();
    expect(cache.get(texts[3]!)).toBeDefined();
    await cache.close();
  });

  it('keeps one file per embedder identity: another dtype never sees these vectors', async () => {
    const { texts } = await filled(3);
    const other = await EmbeddingCache.open(dir, { ...info, settings: { ...info.settings, dtype: 'q8' } });
    expect(other.size).toBe(0);
    expect(other.get(texts[0]!)).toBeUndefined();
    await other.close();
    expect((await readdir(dir)).length).toBe(2);
  });

  it('moves a file with an unreadable header aside and starts a fresh cache', async () => {
    const file = join(dir, cacheFileName(info));
    await writeFile(file, 'not a cache file at all');
    const cache = await EmbeddingCache.open(dir, info);
    expect(cache.size).toBe(0);
    cache.put('x', vectorSource(D, 4)());
    await cache.close();
    const names = await readdir(dir);
    expect(names.filter((n) => n.includes('.corrupt-'))).toHaveLength(1);
    expect((await EmbeddingCache.open(dir, info)).size).toBe(1);
  });

  it('rejects a vector of the wrong size, naming the embedder', async () => {
    const cache = await EmbeddingCache.open(dir, info);
    expect(() => cache.put('t', new Float32Array(3))).toThrow(`vector has 3 dimensions, embedder ${info.id} has ${D}`);
    await cache.close();
  });
});
