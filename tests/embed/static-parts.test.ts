// The static embedder's building blocks, on small synthetic inputs (no model build needed).
import { describe, it, expect } from 'vitest';
import { appendFile, cp, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decompose } from '../../src/embed/static/compose.ts';
import { streamWinkVectors } from '../../src/embed/static/wink.ts';
import { TableBuilder, writeTable, readTable, findWord } from '../../src/embed/static/table.ts';
import { fitComponent } from '../../src/embed/static/statistics.ts';
import { sifWeight, zipfProbability } from '../../src/embed/static/weights.ts';
import { readReferenceCorpus, referenceFingerprint, SEEDS_DIR } from '../../src/embed/static/reference.ts';

describe('unknown English words from their parts', () => {
  const known = new Set(['pre', 'training', 'self', 'supervised', 'few', 'shot', 'auto', 'encoder', 'token', 'model', 'multi', 'scale']);
  const has = (w: string) => known.has(w);

  it('splits hyphenated words, productive prefixes and plurals', () => {
    expect(decompose('self-supervised', has)).toEqual(['self', 'supervised']);
    expect(decompose('few-shot', has)).toEqual(['few', 'shot']);
    expect(decompose('pretraining', has)).toEqual(['pre', 'training']);
    expect(decompose('autoencoders', has)).toEqual(['auto', 'encoder']);
    expect(decompose('models', has)).toEqual(['model']);
    expect(decompose('multiscale', has)).toEqual(['multi', 'scale']);
  });

  it('falls back to the stem and gives up on words with no known part', () => {
    expect(decompose('tokenized', has)).toEqual(['token']);
    expect(decompose('xyzzy', has)).toEqual([]);
    expect(decompose('model', has)).toEqual(['model']);
  });
});

describe('SIF weights', () => {
  it('weigh frequent words down and rare words near 1', () => {
    const n = 341_479;
    expect(sifWeight(zipfProbability(0, n))).toBeLessThan(0.01);
    expect(sifWeight(zipfProbability(100_000, n))).toBeGreaterThan(0.9);
    expect(sifWeight(zipfProbability(1000, n))).toBeGreaterThan(sifWeight(zipfProbability(100, n)));
  });
});

describe('wink vector streaming', () => {
  const file = (entries: string) =>
    `{"precision":8,"l2NormIndex":3,"wordIndex":4,"size":3,"dimensions":3,"words":["the","]","a\\"b"],"vectors":{${entries}},"unkVector":[0,0,0,-1]}`;

  it('yields every word with its rank, across chunk boundaries and odd keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'papersift-wink-'));
    try {
      const path = join(dir, 'w.json');
      await writeFile(path, file('"the":[0.1,0.2,0.3,1.1,0],"]":[1,2,3,3.7,1],"a\\"b":[-1,-2,-3,3.7,2]'));
      for (const chunk of [7, 16, 1 << 20]) {
        const seen: [string, number, number[]][] = [];
        const header = await streamWinkVectors((w, r, v) => seen.push([w, r, [...v]]), undefined, path, chunk);
        expect(header).toEqual({ size: 3, dimensions: 3 });
        expect(seen.map(([w, r]) => [w, r])).toEqual([['the', 0], [']', 1], ['a"b', 2]]);
        expect(seen[2]![2]).toEqual([-1, -2, -3]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the file when the content is truncated or malformed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'papersift-wink-'));
    try {
      const path = join(dir, 'w.json');
      await writeFile(path, file('"the":[0.1,0.2,0.3,1.1,0]').slice(0, 120));
      await expect(streamWinkVectors(() => {}, undefined, path)).rejects.toThrow(/w\.json: truncated/);
      await writeFile(path, file('"the":[0.1,0.2,1.1,0]'));
      await expect(streamWinkVectors(() => {}, undefined, path)).rejects.toThrow(/w\.json: vector of "the" has 4 numbers, expected 5/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('int8 word tables', () => {
  it('round-trip through files sorted for binary search, within quantisation error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'papersift-table-'));
    try {
      const b = new TableBuilder(4);
      b.add('zebra', Float32Array.of(1, -2, 0.5, 0), 0.9);
      b.add('apple', Float32Array.of(0.01, 0.02, -0.03, 0.04), 0.5);
      b.add('apple', Float32Array.of(9, 9, 9, 9), 0.1); // duplicates keep the first row
      const digests = await writeTable(dir, 'en', b.build());
      const t = await readTable(dir, 'en', 4, digests);
      expect(t.words).toEqual(['apple', 'zebra']);
      expect(findWord(t, 'zebra')).toBe(1);
      expect(findWord(t, 'mango')).toBe(-1);
      const zebra = [0, 1, 2, 3].map((i) => t.vectors[4 + i]! * t.scales[1]!);
      zebra.forEach((x, i) => expect(x).toBeCloseTo([1, -2, 0.5, 0][i]!, 1));
      expect(t.vectors[0]! * t.scales[0]!).toBeCloseTo(0.01, 3);
      expect([...t.weights]).toEqual([0.5, Math.fround(0.9)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file whose bytes differ from the recorded digest, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'papersift-table-'));
    try {
      const b = new TableBuilder(2);
      b.add('a', Float32Array.of(1, 2), 1);
      const digests = await writeTable(dir, 'zh', b.build());
      const path = join(dir, 'zh.vectors.i8');
      const bytes = await readFile(path);
      bytes[0] = bytes[0]! ^ 0x55;
      await writeFile(path, bytes);
      await expect(readTable(dir, 'zh', 2, digests)).rejects.toThrow(/zh\.vectors\.i8: corrupt/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('common component', () => {
  it('is the dominant direction of the sentence vectors, unit length', () => {
    const vs = [
      [3, 0.1, 0],
      [-2.9, 0.2, 0.1],
      [3.1, -0.1, 0],
      [-3, 0, -0.2],
    ].map((v) => Float32Array.from(v));
    const u = fitComponent(vs);
    expect(Math.hypot(...u)).toBeCloseTo(1, 5);
    expect(Math.abs(u[0]!)).toBeGreaterThan(0.99);
  });
});

describe('reference corpus for the fitted statistics', () => {
  it('is the five shipped seed newsletters: extra newsletters in seeds/ do not change it, edits do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'papersift-seeds-'));
    try {
      await cp(SEEDS_DIR, dir, { recursive: true });
      const base = await readReferenceCorpus(dir);
      expect(base.texts.length).toBeGreaterThan(100); // titles and summaries in both languages
      expect(base.texts.some((t) => /[\u4e00-\u9fff]/.test(t)) && base.texts.some((t) => /^[\x00-\x7f]+$/.test(t))).toBe(true);
      await writeFile(join(dir, 'my-own-newsletter.txt'), '标题:新论文\n');
      expect(await referenceFingerprint(dir)).toBe(base.sha256);
      await appendFile(join(dir, 'weekly-pretraining-no28.txt'), '\n');
      expect(await referenceFingerprint(dir)).not.toBe(base.sha256);
      await rm(join(dir, 'daily-arxiv-2021-06.txt'));
      await expect(referenceFingerprint(dir)).rejects.toThrow(/daily-arxiv-2021-06\.txt/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
