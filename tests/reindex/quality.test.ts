import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSeedEngine, type SeedEngine } from '../../src/eval/seed-engine.js';
import { evaluateEngine } from '../../src/eval/evaluate.js';
import { loadLabelledSet, refToId } from '../../src/eval/labelled-set.js';
import { measureQuality, readQuality, writeQuality, type QualityRecord } from '../../src/reindex/quality.js';
import { silentLogger } from '../../src/log.js';
import type { Embedder } from '../../src/embed/types.js';
import { openTestEmbedder } from '../helpers/test-model.js';

let dir: string;
let embedder: Embedder;
let seed: SeedEngine;
let measured: QualityRecord;
const ticks: number[] = []; // -total at start, then each tick
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-quality-'));
  embedder = await openTestEmbedder();
  seed = await buildSeedEngine({ dataDir: dir, embedder });
  const progress = { start: (total: number) => ticks.push(-total), tick: (n = 1) => ticks.push(n), stop: () => {} };
  measured = await measureQuality({ name: 'seed', papers: seed.papers, index: seed.index }, embedder, { logger: silentLogger, progress });
});
afterAll(async () => {
  await embedder.close();
  await rm(dir, { recursive: true, force: true });
});

describe('measureQuality', () => {
  it('is exactly the evaluation report’s overall hybrid MRR@10', async () => {
    const q = measured;
    const report = await evaluateEngine(seed.engine, { modes: ['hybrid'] });
    expect(q.score).toBeCloseTo(report.hybridMrr, 12);
    expect(q).toMatchObject({ metric: 'hybrid MRR@10', embedder: embedder.info.id, papers: seed.papers.length });
    const total = -ticks[0]!;
    expect(ticks.slice(1).reduce((a, b) => a + b, 0)).toBe(total); // progress reaches its total
  });

  it('declines to score a corpus that lacks labelled papers, naming one', async () => {
    const ref = loadLabelledSet().queries[0]!.relevant[0]!;
    const papers = seed.papers.filter((p) => p.id !== refToId(ref, 'test'));
    const q = await measureQuality({ name: 'seed', papers, index: seed.index }, embedder, { logger: silentLogger });
    expect(q.score).toBeNull();
    expect(q.note).toMatch(/^labelled set does not apply: \d+ labelled paper\(s\) are not in this generation, e\.g\. /);
  });

  it('round-trips through quality.json and ignores an unreadable one', async () => {
    await writeQuality(dir, measured);
    expect(await readQuality(dir, silentLogger)).toEqual(measured);
    await writeFile(join(dir, 'quality.json'), '{"metric": "hybrid MRR@10", "score": "high"}');
    expect(await readQuality(dir, silentLogger)).toBeUndefined();
  });
});
