// `npm run bench -- scale [--papers N]` (default 20,000; --quick 2,000): papersift at scale on real content. The
// shared corpus (../shared/corpus: 7,020 real papers) replicated with perturbed ids and text to N papers
// (lib/replicate.ts), rendered into newsletters by its render.mjs, plus the seeds; then, with the static embedder:
//   - reindex: a full build, then an incremental run after 1% of the newsletters got rewritten text; the time of each
//     phase, and disk per generation (bytes written vs shared with the previous generation by hard links);
//   - the served process (`papersift serve` in a child, compiled JS vs tsx, on the seeds and on N papers): startup,
//     RSS at ready and the peak under c=10 load, V8 heap, p50/p99 per mode over HTTP (c=1) and req/s at c=10;
//   - in-process: p50/p99 per mode of the engine the service opens, next to Orama (full-text, vector and hybrid over
//     the same papers, the same vectors and the same queries), and the heap each adds.
// Only run when named (scripts/bench.ts): minutes and gigabytes. Tables print as markdown for docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { create, insertMultiple, search as oramaSearch, type AnyOrama } from '@orama/orama';
import { loadConfig, type Config } from '../../src/config.js';
import { openEmbedder } from '../../src/embed/select.js';
import type { Paper } from '../../src/catalogue/types.js';
import type { HnswIndex } from '../../src/index/hnsw.js';
import { paperViews } from '../../src/embed/views.js';
import { loadLabelledSet } from '../../src/eval/labelled-set.js';
import { MODELS_CACHE, SEEDS_DIR } from '../../src/eval/seed-engine.js';
import { openGenerationStore } from '../../src/index/generations.js';
import { openDictionary } from '../../src/lang/dictionary.js';
import { runReindex } from '../../src/reindex/run.js';
import type { ReindexResult } from '../../src/reindex/report.js';
import { openGenerationEngine } from '../../src/index/open-engine.js';
import type { SearchMode } from '../../src/search/types.js';
import { measure, type Autocannon } from './lib/load.js';
import { replicate } from './lib/replicate.js';
import type { RenderRecord } from '../../src/eval/corpus.js';
import { startServed, type Served } from './lib/served.js';
import { percentile } from './lib/stats.js';
import type { BenchOptions } from './options.js';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '../..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
const MODES: SearchMode[] = ['hybrid', 'semantic', 'lexical'];
const QUERIES_PER_MODE = 400;
const HTTP_SECONDS = 6;
/** Starts per runtime and data dir; startup is their median (the machine is shared). */
const STARTS = 3;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const s = (ms: number) => (ms / 1000).toFixed(1);
const ms2 = (x: number) => x.toFixed(2);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = () => (gc(), gc(), process.memoryUsage().heapUsed);

export default async function scale(opts: BenchOptions): Promise<void> {
  const n = opts.papers ?? (opts.quick ? 2_000 : 20_000);
  if (!existsSync(join(CORPUS, 'papers.jsonl'))) throw new Error(`scale needs the shared corpus at ${CORPUS} (papers.jsonl and render.mjs)`);
  const root = await mkdtemp(join(tmpdir(), 'papersift-bench-scale-'));
  try {
    const seedConfig = await dataDir(join(root, 'seed-data'), [SEEDS_DIR]);
    check('seed build', await runReindex(seedConfig));
    const sources = await renderCorpus(root, n);
    const config = await dataDir(join(root, 'data'), [sources]);
    const full = check('full build', await runReindex(config));
    const diskFull = generationDisk(config, full.generation.live!);
    const edited = editDocuments(join(sources, 'corpus'), 0.01);
    const incremental = check('incremental', await runReindex(config));
    const diskIncremental = generationDisk(config, incremental.generation.live!, full.generation.live!);
    const catalogueMb = mb(statSync(join(config.dataDir, 'catalogue.json')).size);

    console.log(`${full.papers.total} papers (${n} corpus records: ${Math.min(n, 7020)} real, the rest perturbed copies; + the seeds), static embedder, ${full.views.total} vectors`);
    console.log(`\n### Reindex (incremental: ${edited} of ${readdirSync(join(sources, 'corpus')).length} newsletters rewritten)\n`);
    reindexTable([['full build', full], ['incremental (1% changed)', incremental]]);
    console.log(`\nincremental / full: ${((100 * incremental.totalMs) / full.totalMs).toFixed(1)}%; catalogue.json ${catalogueMb} MB`);
    console.log('\n### Disk per generation\n');
    console.log('| generation | files | bytes in its files | bytes written (not shared with the previous generation) |\n| --- | ---: | ---: | ---: |');
    for (const [label, d] of [['full build', diskFull], ['incremental', diskIncremental]] as const) console.log(`| ${label} | ${d.files} | ${mb(d.bytes)} MB | ${mb(d.written)} MB |`);

    console.log('\n### Served process (`papersift serve`)\n');
    buildDist();
    await servedTable([
      ['seeds', seedConfig, false],
      [`${full.papers.total} papers`, config, true],
    ]);

    console.log('\n### In-process search, papersift next to Orama (same papers, vectors and queries)\n');
    await inProcess(config);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A data dir with a private copy of the static embedder's tables (other processes may rebuild the shared cache). */
async function dataDir(dir: string, sources: string[]): Promise<Config> {
  await mkdir(dir, { recursive: true });
  await cp(MODELS_CACHE, join(dir, 'models'), { recursive: true });
  const config = loadConfig({ dataDir: dir, sources, embedder: 'static' }, {});
  await (await openEmbedder(config)).embedder.close(); // a first use may (re)build the static tables: untimed
  return config;
}

function check(label: string, r: ReindexResult): ReindexResult {
  if (r.outcome !== 'switched') throw new Error(`${label}: ${r.outcome}: ${r.message}`);
  return r;
}

/** The corpus replicated to n records, rendered as mixed daily/weekly newsletters of 50 papers, plus the seeds. */
async function renderCorpus(root: string, n: number): Promise<string> {
  const records = readFileSync(join(CORPUS, 'papers.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RenderRecord);
  const input = join(root, 'corpus.jsonl');
  writeFileSync(input, replicate(records, n).map((r) => JSON.stringify(r)).join('\n') + '\n');
  const sources = join(root, 'sources');
  const r = spawnSync(process.execPath, [join(CORPUS, 'render.mjs'), '--papers', input, '--out', join(sources, 'corpus'), '--per-issue', '50', '--format', 'mixed'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`render.mjs failed: ${r.stderr}`);
  await cp(SEEDS_DIR, join(sources, 'seeds'), { recursive: true });
  return sources;
}

/** Rewrites the text of every item in `share` of the newsletters (evenly spread): their papers' views change. */
function editDocuments(dir: string, share: number): number {
  const files = readdirSync(dir).sort();
  const every = Math.round(1 / share);
  const chosen = files.filter((_, i) => i % every === 0);
  for (const f of chosen) {
    const text = readFileSync(join(dir, f), 'utf8');
    writeFileSync(join(dir, f), text.replace(/\. (?=[A-Z])/g, '. Moreover, ').replace(/。(?=\S)/g, '。此外，'));
  }
  return chosen.length;
}

/** Bytes in a generation's files, and how many of them are its own (not hard links into `previous`). */
function generationDisk(config: Config, name: string, previous?: string) {
  const dir = (g: string) => join(config.dataDir, 'generations', g);
  const shared = new Set(previous ? readdirSync(dir(previous)).map((f) => statSync(join(dir(previous), f)).ino) : []);
  let bytes = 0;
  let written = 0;
  const files = readdirSync(dir(name));
  for (const f of files) {
    const st = statSync(join(dir(name), f));
    bytes += st.size;
    if (!shared.has(st.ino)) written += st.size;
  }
  return { files: files.length, bytes, written };
}

const PHASES = ['verify', 'ingest', 'embedder', 'dictionary', 'load', 'embed', 'index', 'bridge', 'lexical', 'calibrate', 'write', 'evaluate', 'switch'];

function reindexTable(runs: [string, ReindexResult][]): void {
  console.log(`| run | papers +/~/- | views embedded | ${PHASES.join(' s | ')} s | total s |\n|${' --- |'.repeat(PHASES.length + 4)}`);
  for (const [label, r] of runs) {
    const p = r.papers;
    console.log(`| ${label} | ${p.added}/${p.updated}/${p.removed} | ${r.views.embedded} | ${PHASES.map((k) => (r.phasesMs[k] === undefined ? '-' : s(r.phasesMs[k]!))).join(' | ')} | ${s(r.totalMs)} |`);
  }
}

/** `node scripts/build.mjs`: the compiled JS the served rows run. */
function buildDist(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
}

const RUNTIMES: [string, string[]][] = [
  ['node dist/cli.js', [process.execPath, join(ROOT, 'dist/cli.js'), 'serve']],
  ['tsx src/cli.ts', [process.execPath, '--import', 'tsx', join(ROOT, 'src/cli.ts'), 'serve']],
];

async function servedTable(sets: [label: string, config: Config, load: boolean][]): Promise<void> {
  const autocannon = require('autocannon') as Autocannon;
  const queries = loadLabelledSet().queries.map((q) => q.q);
  const paths = (mode: SearchMode) => queries.map((q) => `/api/search?q=${encodeURIComponent(q)}&mode=${mode}&limit=10`);
  const rows: string[] = [];
  const http: string[] = [];
  for (const [label, config, load] of sets) {
    for (const [runtime, command] of RUNTIMES) {
      const env = { PAPERSIFT_DATA: config.dataDir, PAPERSIFT_EMBEDDER: 'static', PAPERSIFT_OFFLINE: 'true', PAPERSIFT_LOG_LEVEL: 'warn', PAPERSIFT_RATE_LIMIT: 'off' };
      const startups: number[] = [];
      for (let i = 1; i < STARTS; i++) {
        const once = await startServed(command, env, ROOT);
        startups.push(once.startupMs);
        await once.stop();
      }
      const served: Served = await startServed(command, env, ROOT);
      startups.push(served.startupMs);
      try {
        const ready = served.rss().current;
        const heap = await served.heapMb();
        let underLoad = '-';
        let rps = '-';
        if (load) {
          for (const mode of MODES) {
            const r = await measure(autocannon, served.url, paths(mode), 1, HTTP_SECONDS);
            http.push(`| ${label} | ${runtime} | ${mode} | 1 | ${ms2(r.p50)} | ${ms2(r.p99)} | ${r.rps.toFixed(0)} |`);
          }
          const r = await measure(autocannon, served.url, paths('hybrid'), 10, HTTP_SECONDS);
          http.push(`| ${label} | ${runtime} | hybrid | 10 | ${ms2(r.p50)} | ${ms2(r.p99)} | ${r.rps.toFixed(0)} |`);
          underLoad = served.rss().peak.toFixed(0);
          rps = r.rps.toFixed(0);
        }
        rows.push(`| ${label} | ${runtime} | ${s(percentile(startups, 50))} | ${ready.toFixed(0)} | ${underLoad} | ${heap.toFixed(0)} | ${rps} |`);
      } finally {
        await served.stop();
      }
    }
  }
  console.log(`| data | runtime | startup s (spawn to /health 200, median of ${STARTS}) | RSS at ready MB | peak RSS under c=10 MB | heap used at ready MB | hybrid req/s at c=10 |`);
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |\n' + rows.join('\n'));
  console.log(`\nOver HTTP (loopback, ${HTTP_SECONDS} s per row after a 1 s warm-up, the ${queries.length} labelled queries cycled, limit 10):\n`);
  console.log('| data | runtime | mode | connections | p50 ms | p99 ms | req/s |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n' + http.join('\n'));
}

async function inProcess(config: Config): Promise<void> {
  const queries = loadLabelledSet().queries.map((q) => q.q);
  const { embedder } = await openEmbedder(config);
  try {
    const before = heapUsed();
    const gen = await openGenerationStore(config.dataDir).load();
    const dictionary = await openDictionary({ modelsDir: join(config.dataDir, 'models') });
    const engine = await openGenerationEngine(gen, embedder, { dictionary });
    const papersiftHeap = heapUsed() - before;
    const rows: string[] = [];
    for (const q of queries) await engine.search({ q }); // warm-up: JIT, jieba, caches
    for (const mode of MODES) {
      const { lat, answered } = await timed(queries, async (q) => (await engine.search({ q, mode, limit: 10 })).results.length);
      rows.push(`| papersift | ${mode} | ${ms2(percentile(lat, 50))} | ${ms2(percentile(lat, 99))} | ${answered} |`);
    }

    const beforeOrama = heapUsed();
    const t = performance.now();
    const db = await oramaOf(gen.papers, gen.index, embedder.info.dimensions);
    const oramaBuildMs = performance.now() - t;
    const oramaHeap = heapUsed() - beforeOrama;
    const hits = async (r: unknown) => ((await r) as { hits: unknown[] }).hits.length;
    const oramaModes: [string, (q: string) => Promise<number>][] = [
      ['hybrid', async (q) => hits(oramaSearch(db, { mode: 'hybrid', term: q, vector: { value: [...(await embedder.embedQuery(q))], property: 'embedding' }, similarity: 0, limit: 10 }))],
      ['semantic (vector)', async (q) => hits(oramaSearch(db, { mode: 'vector', vector: { value: [...(await embedder.embedQuery(q))], property: 'embedding' }, similarity: 0, limit: 10 }))],
      ['lexical (full-text)', async (q) => hits(oramaSearch(db, { term: q, limit: 10 }))],
    ];
    for (const [, run] of oramaModes) for (const q of queries.slice(0, 20)) await run(q); // warm-up
    for (const [mode, run] of oramaModes) {
      const { lat, answered } = await timed(queries, run);
      rows.push(`| Orama | ${mode} | ${ms2(percentile(lat, 50))} | ${ms2(percentile(lat, 99))} | ${answered} |`);
    }
    console.log(`${QUERIES_PER_MODE} queries per mode (the ${queries.length} labelled queries, cycled), limit 10; query embedding included in both`);
    console.log(`heap: papersift's engine (papers, HNSW wrapper, lexical index, dictionary) +${mb(papersiftHeap)} MB (the HNSW graph itself is native memory, not heap); Orama's database +${mb(oramaHeap)} MB (built in ${s(oramaBuildMs)} s)\n`);
    console.log('| engine | mode | p50 ms | p99 ms | queries with any result (of 400) |\n| --- | --- | ---: | ---: | ---: |\n' + rows.join('\n'));
  } finally {
    await embedder.close();
  }
}

/** Latencies of QUERIES_PER_MODE runs (the queries cycled), and how many returned anything (`run` says how many). */
async function timed(queries: string[], run: (q: string) => Promise<number>): Promise<{ lat: number[]; answered: number }> {
  const lat: number[] = [];
  let answered = 0;
  for (let i = 0; i < QUERIES_PER_MODE; i++) {
    const start = performance.now();
    if ((await run(queries[i % queries.length]!)) > 0) answered++;
    lat.push(performance.now() - start);
  }
  return { lat, answered };
}

/**
 * An Orama database over the papers' titles and summaries in both languages, with one vector per document (Orama's
 * model): the paper's first view's (English when it has one), taken from papersift's index.
 */
async function oramaOf(papers: readonly Paper[], index: HnswIndex, dimensions: number): Promise<AnyOrama> {
  const db = create({ schema: { title: 'string', titleZh: 'string', summary: 'string', summaryZh: 'string', embedding: `vector[${dimensions}]` } as const });
  const docs = papers.map((p) => ({ id: p.id, title: p.title.en ?? '', titleZh: p.title.zh ?? '', summary: p.summary.en ?? '', summaryZh: p.summary.zh ?? '', embedding: [...index.vector(paperViews(p)[0]!)!] }));
  await insertMultiple(db, docs, 1000);
  return db;
}
