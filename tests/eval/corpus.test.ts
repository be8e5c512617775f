// The corpus evaluation: pseudo-queries from a real bilingual corpus rendered into newsletters (the vendored
// 150-paper subset, so it runs on a fresh clone), scored through the whole pipeline.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStaticEmbedder } from '../../src/embed/static/index.js';
import { openDictionary } from '../../src/lang/dictionary.js';
import { buildSeedEngine, MODELS_CACHE, type SeedEngine } from '../../src/eval/seed-engine.js';
import { catalogueQueries, corpusQueries, evaluateQueries, fusionLosses, readCorpus, splitOf, writeRenderInput, type CorpusReport, type PseudoQuery } from '../../src/eval/corpus.js';
import type { Embedder } from '../../src/embed/types.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/corpus/papers.jsonl', import.meta.url));
const RENDER = fileURLToPath(new URL('../fixtures/corpus/render.mjs', import.meta.url));

describe('corpus file and split', () => {
  it('splits papers 30/70 by a hash of the arXiv id: the same every run, whatever the file order', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `25${String(i).padStart(2, '0')}.${10000 + i}`);
    const dev = ids.filter((id) => splitOf(id) === 'dev').length;
    expect(dev / ids.length).toBeGreaterThan(0.27);
    expect(dev / ids.length).toBeLessThan(0.33);
    expect(ids.map(splitOf)).toEqual([...ids].reverse().map(splitOf).reverse());
  });

  it('names file:line and the field of a malformed record', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corpus-'));
    try {
      const path = join(dir, 'bad.jsonl');
      const good = readFileSync(FIXTURE, 'utf8').split('\n')[0]!;
      await writeFile(path, `${good}\n{"arxivId":"2501.00001","titleEn":"x","abstractEn":"y"}\n`);
      expect(() => readCorpus(path)).toThrow(`${path}:2: field "summaryZh" must be a non-empty string`);
      await writeFile(path, `${good}\nnot json\n`);
      expect(() => readCorpus(path)).toThrow(new RegExp(`${path}:2: not JSON`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('withholds the Chinese titles of dev papers only, so their newsletters print a summary clause instead', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corpus-'));
    try {
      writeRenderInput(FIXTURE, join(dir, 'in.jsonl'));
      const before = readCorpus(FIXTURE);
      const after = new Map(readCorpus(join(dir, 'in.jsonl')).map((r) => [r.arxivId, r]));
      const titled = before.filter((r) => r.titleZh);
      expect(titled.some((r) => splitOf(r.arxivId) === 'dev')).toBe(true);
      for (const r of titled) expect(after.get(r.arxivId)!.titleZh).toBe(splitOf(r.arxivId) === 'dev' ? undefined : r.titleZh);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('pseudo-queries through the whole pipeline (vendored corpus subset)', () => {
  let dataDir: string;
  let embedder: Embedder;
  let built: SeedEngine;
  let queries: PseudoQuery[];
  let report: CorpusReport;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'corpus-eval-'));
    writeRenderInput(FIXTURE, join(dataDir, 'in.jsonl'));
    execFileSync(process.execPath, [RENDER, '--papers', join(dataDir, 'in.jsonl'), '--out', join(dataDir, 'nl'), '--format', 'mixed'], { stdio: 'ignore' });
    embedder = await openStaticEmbedder({ modelsDir: MODELS_CACHE });
    const dictionary = await openDictionary({ modelsDir: MODELS_CACHE });
    built = await buildSeedEngine({ dataDir, embedder, dictionary, paths: [join(dataDir, 'nl')] });
    const byArxiv = new Map(built.papers.flatMap((p) => (p.arxivId ? [[p.arxivId, p] as const] : [])));
    queries = corpusQueries(readCorpus(FIXTURE), (id) => byArxiv.get(id));
    report = await evaluateQueries(built.engine, queries, ['hybrid', 'lexical'], built.papers.length);
  });
  afterAll(async () => {
    await embedder?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('asks only about dev papers, in ways that do not copy what the newsletter printed', () => {
    const sets = new Set(queries.map((q) => q.set));
    expect([...sets].sort()).toEqual(['en-desc', 'en-title-part', 'zh-desc', 'zh-title']);
    for (const q of queries) {
      expect(splitOf(q.relevant.replace(/^arxiv:/, ''))).toBe('dev');
      const p = built.engine.paper(q.relevant)!;
      if (q.set === 'zh-title') expect(p.title.zh).not.toBe(q.q);
      if (q.set === 'en-desc') expect(p.summary.en).toBeUndefined();
      if (q.set === 'zh-desc') expect(p.summary.zh).toBeUndefined();
    }
  });

  it('finds a paper written up only in Chinese from one English sentence of its abstract (the learned bridge)', () => {
    const enDesc = report.rows.find((r) => r.set === 'en-desc' && r.mode === 'lexical')!;
    expect(enDesc.queries).toBeGreaterThan(15);
    expect(enDesc.mrr).toBeGreaterThan(0.75);
  });

  it('finds papers by their real Chinese title and by half of their English title', () => {
    for (const set of ['zh-title', 'en-title-part']) {
      const row = report.rows.find((r) => r.set === set && r.mode === 'hybrid')!;
      expect(row.mrr, set).toBeGreaterThan(0.9);
    }
  });

  it('reports hybrid below the better channel as a loss', () => {
    const fake: CorpusReport = {
      embedder: 'x',
      papers: 1,
      rows: [
        { set: 's', mode: 'hybrid', queries: 1, mrr: 0.5, ndcg: 0.5, recall: 1, flaggedWeak: 0 },
        { set: 's', mode: 'lexical', queries: 1, mrr: 0.6, ndcg: 0.6, recall: 1, flaggedWeak: 0 },
      ],
    };
    expect(fusionLosses(fake)).toEqual(['s: hybrid MRR@10 0.500 < best single channel 0.600']);
  });

  it('makes known-item queries from any catalogue\'s own text, deterministically', () => {
    const a = catalogueQueries(built.papers, { perSet: 20 });
    expect(a).toEqual(catalogueQueries([...built.papers].reverse(), { perSet: 20 }));
    expect(new Set(a.map((q) => q.set))).toEqual(new Set(['en-title-part', 'zh-title-part', 'en-sentence', 'zh-sentence']));
    for (const q of a.filter((x) => x.set === 'en-sentence')) expect(built.engine.paper(q.relevant)!.summary.en).toContain(q.q);
  });
});

describe('npm run eval -- --corpus (the command)', () => {
  const run = (args: string[]) => {
    try {
      return { code: 0, out: execFileSync(process.execPath, ['--import', 'tsx', 'scripts/eval.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PAPERSIFT_OFFLINE: 'true' } }) };
    } catch (e) {
      const err = e as { status: number; stderr: string };
      return { code: err.status, out: err.stderr };
    }
  };

  it('says which corpus file or data dir it cannot use, in one line, and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corpus-cli-'));
    try {
      const empty = run(['--corpus', dir]);
      expect(empty.code).toBe(1);
      expect(empty.out.trim()).toBe(`eval: no index in ${dir} yet (${join(dir, 'CURRENT')} is missing): run \`papersift index\``);
      await writeFile(join(dir, 'papers.jsonl'), '{}\n');
      const alone = run(['--corpus', join(dir, 'papers.jsonl')]);
      expect(alone.code).toBe(1);
      expect(alone.out.trim()).toBe(`eval: --corpus: ${join(dir, 'render.mjs')} not found (the renderer must sit beside the corpus file)`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('documents its options under --help and runs nothing', () => {
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--corpus <papers\.jsonl\|data dir>/);
    expect(help.out).toMatch(/--per-set <n>/);
  });
});
