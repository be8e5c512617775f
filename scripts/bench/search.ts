// Search latency at scale: p50/p99 per mode at 10k and 100k papers (--quick: 10k only) with the offline static
// embedder, and the share of query time spent in query embedding, HNSW, BM25 and fusion (+ confidence/cut-off).
// The extra papers are synthesised from the seed papers: titles and summaries recombined from seed sentences,
// new arXiv ids, both language views for most papers, as in the seeds.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HnswIndex, LABELS_FILE } from '../../src/index/hnsw.js';
import { loadConfig } from '../../src/config.js';
import type { Embedder } from '../../src/embed/types.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Paper } from '../../src/catalogue/types.js';
import { openStaticEmbedder } from '../../src/embed/static/index.js';
import { openDictionary } from '../../src/lang/dictionary.js';
import { indexPapers, ingestSeeds, MODELS_CACHE } from '../../src/eval/seed-engine.js';
import { loadLabelledSet } from '../../src/eval/labelled-set.js';
import { buildLexicalIndex, loadLexicalIndex, serializeLexicalIndex } from '../../src/search/lexical.js';
import { catalogueBridge } from '../../src/search/catalogue-bridge.js';
import { createSearchEngine, type Phase } from '../../src/search/engine.js';
import { seededUniform } from '../../src/util/random.js';
import { createProgress } from '../../src/util/progress.js';
import type { SearchMode } from '../../src/search/types.js';
import type { BenchOptions } from './options.js';
import { percentile } from './lib/stats.js';

const MODES: SearchMode[] = ['hybrid', 'semantic', 'lexical'];
/** Built synthetic indexes are kept here (per size and embedder) so a rerun skips minutes of embedding + HNSW inserts. */
const INDEX_CACHE = fileURLToPath(new URL('../../node_modules/.cache/papersift/bench-search/', import.meta.url));

export async function cachedIndex(papers: Paper[], embedder: Embedder, kind?: string): Promise<{ index: HnswIndex; cached: boolean }> {
  // `kind` tells other paper sets of the same size apart (the synthetic ones here have none)
  const dir = join(INDEX_CACHE, `${kind ? `${kind}-` : ''}${papers.length}-${embedder.info.id.replace(/[^\w.-]+/g, '_')}`);
  if (existsSync(join(dir, LABELS_FILE))) return { index: await HnswIndex.load(dir, loadConfig({}, {}).hnsw), cached: true };
  const index = await indexPapers(papers, embedder, createProgress());
  await mkdir(dir, { recursive: true });
  await index.save(dir);
  return { index, cached: false };
}
const QUERIES_PER_MODE = 400;

function sentences(papers: Paper[], pick: (p: Paper) => string | undefined, split: RegExp): string[] {
  return papers.flatMap((p) => (pick(p) ?? '').split(split).map((s) => s.trim()).filter((s) => s.length > 8));
}

/** `n` papers recombined from the seeds (the seeds themselves included first). Deterministic. */
export function synthesisePapers(seeds: Paper[], n: number, seed = 7): Paper[] {
  const r = seededUniform(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const zh = sentences(seeds, (p) => p.summary.zh, /(?<=。)/);
  const en = sentences(seeds, (p) => p.summary.en, /(?<=\.)\s+/);
  const titleWords = seeds.flatMap((p) => (p.title.en ?? '').split(/\s+/)).filter(Boolean);
  const zhTitles = seeds.map((p) => p.title.zh).filter((t): t is string => !!t);
  const out = seeds.slice(0, n);
  for (let i = out.length; i < n; i++) {
    const month = 1 + Math.floor(r() * 24);
    const yymm = `${21 + Math.floor((month - 1) / 12)}${String(((month - 1) % 12) + 1).padStart(2, '0')}`;
    const arxivId = `${yymm}.${String(50000 + i).padStart(5, '0')}`;
    const base = pick(seeds);
    const hasEn = r() < 0.4; // weekly-style papers carry no English abstract
    out.push({
      id: `arxiv:${arxivId}`,
      arxivId,
      title: { en: Array.from({ length: 6 + Math.floor(r() * 6) }, () => pick(titleWords)).join(' '), zh: pick(zhTitles) },
      authors: base.authors,
      affiliations: base.affiliations,
      categories: base.categories,
      summary: { zh: Array.from({ length: 4 }, () => pick(zh)).join(''), ...(hasEn ? { en: Array.from({ length: 4 }, () => pick(en)).join(' ') } : {}) },
      links: [{ kind: 'paper', url: `https://arxiv.org/abs/${arxivId}` }],
      sources: [{ document: `synthetic-${i % 500}.txt`, format: hasEn ? 'daily' : 'weekly', position: 1 + (i % 20), line: 1 }],
      date: `20${yymm.slice(0, 2)}-${yymm.slice(2)}`,
    });
  }
  return out;
}

const ms = (x: number) => x.toFixed(2);

export default async function bench(opts: BenchOptions): Promise<void> {
  // BENCH_SEARCH_SIZES=100000 runs chosen sizes only (e.g. to retune one without rebuilding the others)
  const chosen = process.env.BENCH_SEARCH_SIZES?.split(',').map(Number);
  const sizes = chosen ?? (opts.quick ? [10_000] : [10_000, 100_000]);
  const dataDir = await mkdtemp(join(tmpdir(), 'papersift-bench-search-'));
  try {
    const embedder = await openStaticEmbedder({ modelsDir: MODELS_CACHE, progress: createProgress() });
    const dictionary = await openDictionary({ modelsDir: MODELS_CACHE });
    const seeds = await ingestSeeds(dataDir);
    const queries = loadLabelledSet().queries.map((q) => q.q);
    const rows: string[] = [];
    const shares: string[] = [];
    const builds: string[] = [];
    for (const n of sizes) {
      const papers = synthesisePapers(seeds, n);
      let t = performance.now();
      const { index, cached } = await cachedIndex(papers, embedder);
      const indexMs = performance.now() - t;
      const bridge = catalogueBridge(papers); // as an index build refits it (timed by the scale benchmark)
      t = performance.now();
      const built = buildLexicalIndex(papers, bridge);
      const lexicalMs = performance.now() - t;
      // what a generation stores and the service / reindex gate load instead of building (see src/index/open-engine.ts)
      t = performance.now();
      const bytes = serializeLexicalIndex(built);
      const saveMs = performance.now() - t;
      t = performance.now();
      const lexical = loadLexicalIndex(bytes, papers, bridge, 'lexical.bin');
      const loadMs = performance.now() - t;
      const s = (x: number) => (x / 1000).toFixed(1);
      builds.push(
        `| ${n} | ${index.size} | ${cached ? `(cached: load ${s(indexMs)})` : s(indexMs)} | ${s(lexicalMs)} | ${saveMs.toFixed(0)} | ${loadMs.toFixed(0)} | ${(bytes.byteLength / 1e6).toFixed(0)} |`,
      );
      const phases = new Map<Phase, number>();
      let profiling = false;
      const engine = createSearchEngine({
        papers,
        index,
        embedder,
        dictionary,
        lexical,
        onPhase: (phase, took) => profiling && phases.set(phase, (phases.get(phase) ?? 0) + took),
      });
      for (const q of queries) await engine.search({ q }); // warm-up: JIT, jieba, caches
      for (const mode of MODES) {
        phases.clear();
        profiling = true;
        const lat: number[] = [];
        for (let i = 0; i < QUERIES_PER_MODE; i++) {
          const start = performance.now();
          await engine.search({ q: queries[i % queries.length]!, mode, limit: 10 });
          lat.push(performance.now() - start);
        }
        profiling = false;
        const total = lat.reduce((a, b) => a + b, 0);
        rows.push(`| ${n} | ${mode} | ${ms(percentile(lat, 50))} | ${ms(percentile(lat, 99))} | ${ms(total / lat.length)} |`);
        const share = (p: Phase) => `${((100 * (phases.get(p) ?? 0)) / total).toFixed(0)}%`;
        const other = total - [...phases.values()].reduce((a, b) => a + b, 0);
        shares.push(`| ${n} | ${mode} | ${share('embed')} | ${share('hnsw')} | ${share('bm25')} | ${share('fusion')} | ${((100 * other) / total).toFixed(0)}% |`);
      }
    }
    console.log(`embedder: ${embedder.info.id}; ${QUERIES_PER_MODE} queries per mode (the ${queries.length} labelled queries, cycled), limit 10`);
    console.log(
      '\n| papers | vectors | embed + HNSW build s | BM25 build s | BM25 serialise ms | BM25 load ms | lexical.bin MB |\n| --- | --- | --- | --- | --- | --- | --- |\n' +
        builds.join('\n'),
    );
    console.log('\n| papers | mode | p50 ms | p99 ms | mean ms |\n| --- | --- | --- | --- | --- |\n' + rows.join('\n'));
    console.log(
      '\nShare of query time (fusion = RRF + confidence evidence; other = id check, hits, explanations, snippets):\n' +
        '| papers | mode | embed | HNSW | BM25 | fusion | other |\n| --- | --- | --- | --- | --- | --- | --- |\n' +
        shares.join('\n'),
    );
    await embedder.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
