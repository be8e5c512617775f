import { describe, it, expect, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AVX2_ADDON_PATH, loadHnswlibFrom, type Hnswlib } from '../../src/index/native.js';
import { vectorSource } from './vectors.js';

const require = createRequire(import.meta.url);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('hnswlib addon builds', () => {
  // A machine can switch between the builds (e.g. the AVX2 build fails to compile after an upgrade), so a graph
  // written by one must read back identically in the other.
  it.skipIf(!existsSync(AVX2_ADDON_PATH))('the AVX2 build and the stock build read each other\'s index files', async () => {
    const stock = loadHnswlibFrom(require.resolve('hnswlib-node/build/Release/addon.node'));
    const avx2 = loadHnswlibFrom(AVX2_ADDON_PATH);
    const next = vectorSource(64, 21);
    const points = Array.from({ length: 500 }, () => Array.from(next()));
    const query = Array.from(next());
    const dir = await mkdtemp(join(tmpdir(), 'papersift-native-'));
    dirs.push(dir);

    let n = 0;
    for (const [writer, reader] of [[stock, avx2], [avx2, stock]] as [Hnswlib, Hnswlib][]) {
      const g = new writer.HierarchicalNSW('cosine', 64);
      g.initIndex(500, 16, 200, 100);
      points.forEach((p, i) => g.addPoint(p, i));
      g.setEf(96);
      const file = join(dir, `${n++}.bin`);
      await g.writeIndex(file);
      const back = new reader.HierarchicalNSW('cosine', 64);
      await back.readIndex(file);
      back.setEf(96);
      expect(back.getCurrentCount()).toBe(500);
      expect(back.getPoint(123)).toEqual(g.getPoint(123));
      expect(back.searchKnn(query, 10).neighbors).toEqual(g.searchKnn(query, 10).neighbors);
    }
  });
});
