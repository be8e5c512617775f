import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSeedEngine, type SeedEngine } from '../../src/eval/seed-engine.js';
import { evaluateEngine } from '../../src/eval/evaluate.js';
import { loadLabelledSet, refToId } from '../../src/eval/labelled-set.js';
import { gatePseudo, measureQuality, readQuality, writeQuality, SPOT_CHECKS, type QualityRecord, type RecordedSearches } from '../../src/reindex/quality.js';
import type { EngineGeneration } from '../../src/index/open-engine.js';
import pino from 'pino';
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

describe('the pseudo-query gate with recorded answers', () => {
  // the live generation, and a candidate in which one paper in three got a new title (their queries change)
  const live = (): EngineGeneration => ({ name: 'live', papers: seed.papers, index: seed.index });
  const candidate = (): EngineGeneration => ({
    name: 'candidate',
    papers: seed.papers.map((p, i) => (i % 3 ? p : { ...p, title: { ...p.title, en: `Revisited: ${p.title.en ?? 'an untitled paper'} and what came after it` } })),
    index: seed.index,
  });
  let recorded: RecordedSearches;
  beforeAll(async () => {
    recorded = (await gatePseudo(undefined, live(), embedder, { logger: silentLogger })).searches; // when it was gated itself
  });

  it('records a generation’s own answers even with nothing live to compare with', () => {
    expect(recorded).toMatchObject({ embedder: embedder.info.id, expansion: 'glossary', ef: seed.index.hnswParams.ef });
    expect(Object.keys(recorded.top).length).toBeGreaterThan(50);
    expect(Object.values(recorded.top).every((ids) => ids.length > 0 && ids.length <= 10)).toBe(true);
  });

  it('reaches the same comparison from the live generation’s record as from searching it, searching only queries it has no answer for', async () => {
    const searched = (await gatePseudo(live(), candidate(), embedder, { logger: silentLogger })).comparison!;
    const fromRecord = (await gatePseudo(live(), candidate(), embedder, { logger: silentLogger, recorded })).comparison!;
    expect(searched.reused).toBe(0);
    expect({ ...fromRecord, reused: 0 }).toEqual(searched);
    // every query from an unchanged paper, less the spot checks; the changed titles' queries were searched
    expect(fromRecord.reused).toBeGreaterThan(searched.queries / 2);
    expect(fromRecord.reused).toBeLessThan(searched.queries - SPOT_CHECKS / 2);
  });

  it('searches the live generation in full when it no longer answers as recorded, and says so', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    const stale = { ...recorded, top: Object.fromEntries(Object.entries(recorded.top).map(([q, ids]) => [q, [...ids].reverse().concat('2401.00000')])) };
    const searched = (await gatePseudo(live(), candidate(), embedder, { logger: silentLogger })).comparison!;
    const r = (await gatePseudo(live(), candidate(), embedder, { logger, recorded: stale })).comparison!;
    expect(r).toEqual(searched);
    expect(lines.join('')).toContain('generation live no longer answers as recorded in its quality.json');
  });

  it('does not use answers recorded with another search-time ef or embedder', async () => {
    for (const other of [{ ef: recorded.ef + 1 }, { embedder: 'another-embedder' }]) {
      const r = (await gatePseudo(live(), candidate(), embedder, { logger: silentLogger, recorded: { ...recorded, ...other } })).comparison!;
      expect(r.reused).toBe(0);
    }
  });

  it('keeps the score of a quality.json whose recorded answers are malformed, dropping only those', async () => {
    await writeQuality(dir, { ...measured, searches: recorded });
    expect((await readQuality(dir, silentLogger))?.searches).toEqual(recorded);
    await writeFile(join(dir, 'quality.json'), JSON.stringify({ ...measured, searches: { top: { q: 'not a list' } } }));
    expect(await readQuality(dir, silentLogger)).toEqual(measured);
  });
});
