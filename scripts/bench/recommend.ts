// Worst-case POST /api/recommend work (issue 12, item 6): the most seeds the API accepts, positive and negative,
// plus text, diversity 1 and the largest limit, over real papers (the shared corpus rendered and ingested, copied
// with perturbed ids past its 7,020: scripts/bench/lib/corpus.ts) at 1,315 and 20,000 papers (--quick: 1,315).
// Reports the slowest of a few runs per size: one such request blocks the event loop for that long. Then, at the
// largest size, over HTTP: eight such requests sent at once with a plain search right behind them, and how long
// that search waited (the cap on expensive requests refuses all but PAPERSIFT_MAX_CONCURRENT_EXPENSIVE of them).
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { loadConfig } from '../../src/config.js';
import type { Paper } from '../../src/catalogue/types.js';
import { openStaticEmbedder } from '../../src/embed/static/index.js';
import { openDictionary } from '../../src/lang/dictionary.js';
import { silentLogger } from '../../src/log.js';
import { MODELS_CACHE } from '../../src/eval/seed-engine.js';
import { buildLexicalIndex } from '../../src/search/lexical.js';
import { catalogueBridge } from '../../src/search/catalogue-bridge.js';
import { createSearchEngine } from '../../src/search/engine.js';
import type { SearchEngine } from '../../src/search/types.js';
import { MAX_LIMIT, MAX_RECOMMEND_SEEDS } from '../../src/search/validate.js';
import { createApp } from '../../src/server/app.js';
import { createPaperDirectory } from '../../src/server/papers.js';
import { ServiceState } from '../../src/server/state.js';
import { createProgress } from '../../src/util/progress.js';
import type { BenchOptions } from './options.js';
import { corpusPapers } from './lib/corpus.js';
import { cachedIndex } from './search.js';

const RUNS = 10;
/**
 * Worst-case requests on other seeds and another text before the timed ones: a served process has run this code many
 * times. After the single warm-up call this used to make, the first timed calls still ran in the JIT's first tiers,
 * at about twice the CPU of later ones (20,000 papers: ~125 ms falling to ~60 ms over the first five).
 */
const WARM_UP = 5;
const WARM_UP_TEXT = 'contrastive learning for dense retrieval 对比学习';
/** Seeds per list (positive, negative): what a client may send; BENCH_RECOMMEND_SEEDS=100 measures what the API accepted before. */
const SEEDS = Number(process.env.BENCH_RECOMMEND_SEEDS ?? MAX_RECOMMEND_SEEDS);
const TEXT = 'masked image modelling for vision transformers 视觉预训练';
const PARALLEL = 8;

const worstCase = (ids: string[], run: number, text = TEXT) => ({
  positive: ids.slice(run * 7, run * 7 + SEEDS),
  negative: ids.slice(500 + run * 7, 500 + run * 7 + SEEDS),
  ...(process.env.BENCH_RECOMMEND_TEXT === '0' ? {} : { text }),
  diversity: 1,
  limit: MAX_LIMIT,
});

export default async function bench(opts: BenchOptions): Promise<void> {
  const sizes = process.env.BENCH_RECOMMEND_SIZES?.split(',').map(Number) ?? (opts.quick ? [1315] : [1315, 20_000]);
  const dataDir = await mkdtemp(join(tmpdir(), 'papersift-bench-recommend-'));
  try {
    const embedder = await openStaticEmbedder({ modelsDir: MODELS_CACHE, progress: createProgress() });
    const dictionary = await openDictionary({ modelsDir: MODELS_CACHE });
    const { papers: all, corpus, kind } = await corpusPapers(dataDir, Math.max(...sizes));
    const rows: string[] = [];
    let largest: { papers: Paper[]; engine: SearchEngine } | undefined;
    for (const n of sizes) {
      const papers = all.slice(0, n);
      // cached per corpus: a checkout without ../shared renders the vendored 150 papers, another index
      const { index } = await cachedIndex(papers, embedder, kind === 'shared' ? 'corpus' : `corpus-${kind}`);
      const engine = createSearchEngine({ papers, index, embedder, dictionary, lexical: buildLexicalIndex(papers, catalogueBridge(papers)) });
      const ids = papers.map((p) => p.id);
      // the timed runs' seeds and text are new to the engine, so their distinctive terms and snippets are not memoised
      const others = [...ids].reverse();
      for (let run = 0; run < WARM_UP; run++) await engine.recommend(worstCase(others, run, WARM_UP_TEXT));
      const times: number[] = [];
      const cpus: number[] = []; // CPU time: what the request costs, less skewed than wall time on a shared machine
      for (let run = 0; run < RUNS; run++) {
        const t = performance.now();
        const cpu0 = process.cpuUsage();
        await engine.recommend(worstCase(ids, run));
        times.push(performance.now() - t);
        const cpu = process.cpuUsage(cpu0);
        cpus.push((cpu.user + cpu.system) / 1000);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[RUNS >> 1]!.toFixed(1);
      rows.push(`| ${n} | ${SEEDS} + ${SEEDS} | ${Math.max(...times).toFixed(1)} | ${median(times)} | ${Math.max(...cpus).toFixed(1)} | ${median(cpus)} |`);
      largest = { papers, engine };
    }
    console.log(`${corpus}; embedder: ${embedder.info.id}; ${RUNS} runs per size after ${WARM_UP} on other seeds, text + diversity 1 + limit ${MAX_LIMIT}`);
    console.log('\n| papers | seeds (pos + neg) | worst ms | median ms | worst CPU ms | median CPU ms |\n| --- | --- | --- | --- | --- | --- |\n' + rows.join('\n'));
    if (largest) console.log('\n' + (await parallel(largest.papers, largest.engine, embedder.info, dataDir)));
    await embedder.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Eight worst-case recommendations at once over HTTP, a plain search right behind them: how long the search waits. */
async function parallel(papers: Paper[], engine: SearchEngine, embedder: { id: string; dimensions: number }, dataDir: string): Promise<string> {
  const config = loadConfig({ dataDir }, {});
  const snapshot = { generation: 'bench', papers: createPaperDirectory(papers), engine, embedder: embedder as never, vectors: 0, documents: 0 };
  const state = new ServiceState({ current: async () => 'bench', load: async () => ({ snapshot, dispose: async () => {} }) }, { currentFile: join(dataDir, 'CURRENT'), pollIntervalMs: 3_600_000, logger: silentLogger });
  await state.refresh();
  const app = createApp({ config, state, logger: silentLogger });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ids = papers.map((p) => p.id);
  const search = async () => {
    const t = performance.now();
    const res = await fetch(`${base}/api/search?q=${encodeURIComponent('contrastive learning')}&limit=10`);
    await res.arrayBuffer();
    return performance.now() - t;
  };
  const recommend = async (run: number) => {
    const t = performance.now();
    const res = await fetch(`${base}/api/recommend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(worstCase(ids, run)) });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - t };
  };
  try {
    // open the connections first (keep-alive): a server accepts one new connection per event-loop turn, which
    // would space the requests out; clients of a busy service already hold theirs
    await Promise.all(Array.from({ length: PARALLEL + 1 }, () => fetch(`${base}/health`).then((r) => r.arrayBuffer())));
    await search();
    const idle = await search();
    const started = Array.from({ length: PARALLEL }, (_, i) => recommend(i));
    const behind = await search();
    const answers = await Promise.all(started);
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429).length;
    const slowest = Math.max(...ok.map((a) => a.ms));
    return (
      `${PARALLEL} worst-case recommendations sent at once over HTTP at ${papers.length} papers, one plain search right behind them\n` +
      '| search alone ms | search behind the 8 ms | recommend 200 / 429 | slowest recommend ms |\n| --- | --- | --- | --- |\n' +
      `| ${idle.toFixed(0)} | ${behind.toFixed(0)} | ${ok.length} / ${refused} | ${slowest.toFixed(0)} |`
    );
  } finally {
    server.close();
    await state.close();
  }
}
