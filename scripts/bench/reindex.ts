// Reindex benchmark: a full build of a 10k-paper corpus versus an incremental run after 1% of its documents
// changed (target: incremental <= 10% of full), plus a run with no changes. The corpus is daily arXiv digests
// synthesised from the seed newsletters (src/reindex/synth-corpus.ts) plus the seeds themselves, so the
// quality gate's labelled set applies and its cost is measured too. Static embedder; everything in one process.
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from './options.js';
import { loadConfig } from '../../src/config.js';
import { runReindex } from '../../src/reindex/run.js';
import { formatMs, type ReindexResult } from '../../src/reindex/report.js';
import { sentencePool, writeCorpus } from '../../src/reindex/synth-corpus.js';
import { MODELS_CACHE, SEEDS_DIR } from '../../src/eval/seed-engine.js';
import { openEmbedder } from '../../src/embed/select.js';

const PER_DOCUMENT = 50;

export default async function reindexBench(opts: BenchOptions): Promise<void> {
  const papers = opts.quick ? 1_000 : 10_000;
  const documents = Math.ceil(papers / PER_DOCUMENT);
  const changedDocs = Math.max(1, Math.round(documents / 100));
  const root = await mkdtemp(join(tmpdir(), 'papersift-bench-reindex-'));
  try {
    const sources = join(root, 'sources');
    const pool = await sentencePool(SEEDS_DIR);
    await writeCorpus(join(sources, 'synth'), pool, { papers, perDocument: PER_DOCUMENT });
    await cp(SEEDS_DIR, join(sources, 'seeds'), { recursive: true });
    const data = join(root, 'data');
    await mkdir(data);
    // A private copy of the static embedder's tables: other processes may rebuild the shared cache mid-benchmark,
    // which would change the embedder's id and turn the incremental run into a full re-embed.
    await cp(MODELS_CACHE, join(data, 'models'), { recursive: true });
    const config = loadConfig({ dataDir: data, sources: [sources], embedder: 'static' }, {});
    // Open the embedder once untimed: a first use may (re)build the static tables, a one-time cost.
    await (await openEmbedder(config)).embedder.close();

    const full = await timedRun('full build', () => runReindex(config));
    // 1% of the documents get rewritten abstracts (same papers, new text): their views must be re-embedded.
    const changed = new Set(Array.from({ length: changedDocs }, (_, i) => Math.floor((i * documents) / changedDocs)));
    await writeCorpus(join(sources, 'synth'), pool, { papers, perDocument: PER_DOCUMENT, changed });
    const incremental = await timedRun(`incremental (${changedDocs}/${documents} documents changed)`, () => runReindex(config));
    const unchanged = await timedRun('no changes', () => runReindex(config));

    printTable([full, incremental, unchanged]);
    const ratio = incremental.result.totalMs / full.result.totalMs;
    const fixed = (r: ReindexResult) => (r.phasesMs.evaluate ?? 0) + (r.phasesMs.embedder ?? 0);
    const ratioVariable = (incremental.result.totalMs - fixed(incremental.result)) / (full.result.totalMs - fixed(full.result));
    console.log(`\nincremental / full: ${(ratio * 100).toFixed(1)}% of the full build's time (target <= 10%: ${ratio <= 0.1 ? 'met' : 'NOT met'})`);
    console.log(`without the fixed costs (opening the embedder, the quality gate's evaluation): ${(ratioVariable * 100).toFixed(1)}%`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function timedRun(label: string, run: () => Promise<ReindexResult>) {
  const result = await run();
  if (result.outcome === 'error') throw new Error(`${label}: ${result.message}`);
  return { label, result };
}

const PHASES = ['verify', 'ingest', 'embedder', 'dictionary', 'load', 'embed', 'index', 'compact', 'lexical', 'calibrate', 'write', 'evaluate', 'switch'];

function printTable(runs: { label: string; result: ReindexResult }[]): void {
  console.log('| run | outcome | papers | +/~/- | views embedded / reused | full rebuild | ' + PHASES.join(' | ') + ' | total |');
  console.log('|' + ' --- |'.repeat(PHASES.length + 7));
  for (const { label, result: r } of runs) {
    const cells = [
      label,
      r.outcome,
      String(r.papers.total),
      `${r.papers.added}/${r.papers.updated}/${r.papers.removed}`,
      `${r.views.embedded} / ${r.views.fromCache + r.views.unchanged}`,
      r.embedder.fullRebuild ? (r.embedder.reason ?? 'yes') : 'no',
      ...PHASES.map((p) => (r.phasesMs[p] === undefined ? '-' : formatMs(r.phasesMs[p]!))),
      formatMs(r.totalMs),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}
