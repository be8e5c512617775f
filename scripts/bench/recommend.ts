// Worst-case POST /api/recommend work (issue 12, item 6): the most seeds the API accepts, positive and negative,
// plus text, diversity 1 and the largest limit, against synthetic corpora of 1.3k and 20k papers (--quick: 1.3k).
// Reports the slowest of a few runs per size: one such request blocks the event loop for that long.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStaticEmbedder } from '../../src/embed/static/index.js';
import { openDictionary } from '../../src/lang/dictionary.js';
import { ingestSeeds, MODELS_CACHE } from '../../src/eval/seed-engine.js';
import { buildLexicalIndex } from '../../src/search/lexical.js';
import { createSearchEngine } from '../../src/search/engine.js';
import { MAX_LIMIT, MAX_RECOMMEND_SEEDS } from '../../src/search/validate.js';
import { createProgress } from '../../src/util/progress.js';
import type { BenchOptions } from './options.js';
import { cachedIndex, synthesisePapers } from './search.js';

const RUNS = 5;
/** Seeds per list (positive, negative): what a client may send; BENCH_RECOMMEND_SEEDS=100 measures what the API accepted before. */
const SEEDS = Number(process.env.BENCH_RECOMMEND_SEEDS ?? MAX_RECOMMEND_SEEDS);

export default async function bench(opts: BenchOptions): Promise<void> {
  const sizes = process.env.BENCH_RECOMMEND_SIZES?.split(',').map(Number) ?? (opts.quick ? [1315] : [1315, 20_000]);
  const dataDir = await mkdtemp(join(tmpdir(), 'papersift-bench-recommend-'));
  try {
    const embedder = await openStaticEmbedder({ modelsDir: MODELS_CACHE, progress: createProgress() });
    const dictionary = await openDictionary({ modelsDir: MODELS_CACHE });
    const seeds = await ingestSeeds(dataDir);
    const rows: string[] = [];
    for (const n of sizes) {
      const papers = synthesisePapers(seeds, n);
      const { index } = await cachedIndex(papers, embedder);
      const engine = createSearchEngine({ papers, index, embedder, dictionary, lexical: buildLexicalIndex(papers) });
      const ids = papers.map((p) => p.id);
      // warm-up (JIT, jieba) on other seeds; the timed runs' seeds are new, so their distinctive terms are not memoised
      await engine.recommend({ positive: ids.slice(-SEEDS), diversity: 1, limit: MAX_LIMIT, text: 'warm-up 预热' });
      const times: number[] = [];
      const cpus: number[] = []; // CPU time: what the request costs, less skewed than wall time on a shared machine
      for (let run = 0; run < RUNS; run++) {
        const positive = ids.slice(run * 7, run * 7 + SEEDS);
        const negative = ids.slice(500 + run * 7, 500 + run * 7 + SEEDS);
        const t = performance.now();
        const cpu0 = process.cpuUsage();
        const text = process.env.BENCH_RECOMMEND_TEXT === '0' ? {} : { text: 'masked image modelling for vision transformers 视觉预训练' };
        await engine.recommend({ positive, negative, ...text, diversity: 1, limit: MAX_LIMIT });
        times.push(performance.now() - t);
        const cpu = process.cpuUsage(cpu0);
        cpus.push((cpu.user + cpu.system) / 1000);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[RUNS >> 1]!.toFixed(1);
      rows.push(`| ${n} | ${SEEDS} + ${SEEDS} | ${Math.max(...times).toFixed(1)} | ${median(times)} | ${Math.max(...cpus).toFixed(1)} | ${median(cpus)} |`);
    }
    console.log(`embedder: ${embedder.info.id}; ${RUNS} runs per size, text + diversity 1 + limit ${MAX_LIMIT}`);
    console.log('\n| papers | seeds (pos + neg) | worst ms | median ms | worst CPU ms | median CPU ms |\n| --- | --- | --- | --- | --- | --- |\n' + rows.join('\n'));
    await embedder.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
