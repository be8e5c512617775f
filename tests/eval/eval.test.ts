// The evaluation harness: metric arithmetic, the labelled set's shape and references, and the quality floor
// the nightly reindex relies on, measured on the real seed engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ndcg, recall, reciprocalRank } from '../../src/eval/metrics.js';
import { loadLabelledSet, refToId } from '../../src/eval/labelled-set.js';
import { checkTargets, evaluateEngine, formatReport, type EvalReport } from '../../src/eval/evaluate.js';
import { disposeSeedFixture, seedFixture, type Fixture } from '../search/fixture.js';

describe('metrics', () => {
  const rel = new Set(['b', 'd']);
  it('MRR@k is the reciprocal rank of the first relevant id within k', () => {
    expect(reciprocalRank(['a', 'b', 'c', 'd'], rel)).toBe(0.5);
    expect(reciprocalRank(['a', 'c', 'b'], rel, 2)).toBe(0);
  });
  it('nDCG@k compares with the ideal ordering', () => {
    expect(ndcg(['b', 'd', 'a'], rel)).toBeCloseTo(1);
    expect(ndcg(['a', 'b', 'c', 'd'], rel)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)));
  });
  it('Recall@k is the found share of the relevant ids', () => {
    expect(recall(['a', 'b', 'c'], rel)).toBe(0.5);
    expect(recall(['d', 'b'], rel, 1)).toBe(0.5);
  });
});

describe('labelled set', () => {
  const set = loadLabelledSet();
  it('has at least 40 queries in Chinese, English and mixed, plus junk queries and clusters', () => {
    expect(set.queries.length).toBeGreaterThanOrEqual(40);
    for (const lang of ['zh', 'en', 'mixed'] as const) expect(set.queries.filter((q) => q.lang === lang).length).toBeGreaterThanOrEqual(10);
    expect(set.junk.length).toBeGreaterThanOrEqual(5);
    expect(set.clusters.map((c) => c.name)).toEqual(expect.arrayContaining(['protein', 'masked-image-modelling']));
  });
  it('maps refs to catalogue ids the way the catalogue assigns them', () => {
    expect(refToId('arxiv:2111.06377', 'x')).toBe('arxiv:2111.06377');
    expect(refToId('doi:10.1101/2021.11.15.468653', 'x')).toBe('doi:10.1101/2021.11.15.468653');
    expect(refToId('en:BEiT: BERT Pre-Training of Image Transformers', 'x')).toMatch(/^title:[0-9a-f]{16}$/);
    expect(() => refToId('2111.06377', 'queries.json query zh01')).toThrow(/query zh01.*bad paper ref/);
  });
  it('rejects a malformed set naming the file and the query', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'papersift-set-'));
    const path = join(dir, 'set.json');
    await writeFile(path, JSON.stringify({ queries: [{ id: 'a', lang: 'fr', q: 'x', relevant: ['arxiv:1'] }], junk: [], clusters: [] }));
    expect(() => loadLabelledSet(path)).toThrow(new RegExp(`${path}.*query #1 \\(a\\).*lang`));
    await writeFile(path, JSON.stringify({ queries: [{ id: 'a', lang: 'en', q: 'x', relevant: ['arxiv:1'], group: '' }], junk: [], clusters: [] }));
    expect(() => loadLabelledSet(path)).toThrow(new RegExp(`${path}.*query #1 \\(a\\).*group`));
    await writeFile(path, '{');
    expect(() => loadLabelledSet(path)).toThrow(new RegExp(`${path}: cannot read`));
    await rm(dir, { recursive: true, force: true });
  });
});

describe('evaluateEngine on the seed index (static embedder)', () => {
  let f: Fixture;
  let report: EvalReport;
  beforeAll(async () => {
    f = await seedFixture();
    report = await evaluateEngine(f.engine);
  });
  afterAll(disposeSeedFixture);

  it('every labelled paper ref names a seed paper', () => {
    const ids = new Set(f.papers.map((p) => p.id));
    const set = loadLabelledSet();
    for (const q of set.queries) for (const r of q.relevant) expect(ids.has(refToId(r, q.id)), `${q.id}: ${r}`).toBe(true);
  });

  it('reports every language x mode row and the overall hybrid MRR@10', () => {
    expect(report.rows).toHaveLength(12);
    expect(report.hybridMrr).toBe(report.rows.find((r) => r.lang === 'all' && r.mode === 'hybrid')!.mrr);
    expect(formatReport(report)).toContain('| all | hybrid | 82 |');
  });

  it('reports the pasted-title group on its own, its queries also counted in their language rows', () => {
    const titles = loadLabelledSet().queries.filter((q) => q.group === 'title');
    expect(titles.length).toBeGreaterThanOrEqual(10);
    expect(new Set(titles.map((q) => q.lang))).toEqual(new Set(['en', 'zh']));
    expect(report.groups.map((g) => [g.group, g.mode, g.queries])).toEqual([
      ['title', 'hybrid', titles.length],
      ['title', 'semantic', titles.length],
      ['title', 'lexical', titles.length],
    ]);
    const hybrid = report.queries.filter((q) => q.mode === 'hybrid' && q.group === 'title');
    expect(report.groups[0]!.mrr).toBeCloseTo(hybrid.reduce((s, q) => s + q.rr, 0) / hybrid.length, 12);
    expect(formatReport(report)).toContain(`| title | hybrid | ${titles.length} |`);
  });

  // Measured 0.947 (docs/evaluation.md); the floor is the target, so a regression below it fails here.
  it('meets the hybrid MRR@10 target of 0.8 and flags junk queries', () => {
    expect(report.hybridMrr).toBeGreaterThanOrEqual(0.8);
    expect(checkTargets(report).filter((m) => m.startsWith('overall'))).toEqual([]);
    expect(report.junk.flagged / report.junk.queries).toBeGreaterThanOrEqual(0.75);
    expect(report.junk.labelledFlagged).toBeLessThanOrEqual(3);
  });

  it('finds cluster relatives with related()', () => {
    const protein = report.clusters.find((c) => c.name === 'protein')!;
    expect(protein.recall).toBeGreaterThanOrEqual(0.75);
  });
});
