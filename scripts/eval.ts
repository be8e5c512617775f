// `npm run eval`: search quality. Without --corpus: builds an index from the seed newsletters in a temp data dir
// with the offline static embedder and scores the labelled set (MRR@10 / nDCG@10 / Recall@10 per query language and
// mode, related-paper clusters, junk-query flagging); --calibrate also prints the confidence cut-offs it suggests.
// With --corpus <papers.jsonl>: renders the bilingual corpus into newsletters (render.mjs beside it), runs the whole
// pipeline on them and scores pseudo-queries per set and mode (src/eval/corpus.ts). With --corpus <data dir>: scores
// the data dir's live generation, as the service opens it, on known-item pseudo-queries from its own papers.
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { openStaticEmbedder } from '../src/embed/static/index.js';
import { openDictionary } from '../src/lang/dictionary.js';
import { createProgress } from '../src/util/progress.js';
import { buildSeedEngine, MODELS_CACHE } from '../src/eval/seed-engine.js';
import { checkTargets, evaluateEngine, formatReport, MODES } from '../src/eval/evaluate.js';
import { calibrate, formatCalibration } from '../src/eval/calibrate.js';
import { catalogueQueries, writeRenderInput, corpusQueries, evaluateQueries, formatCorpusReport, fusionLosses, readCorpus } from '../src/eval/corpus.js';
import { thresholdsFor } from '../src/search/confidence.js';
import type { FusionFit } from '../src/search/fusion-fit.js';
import { createSearchEngine } from '../src/search/engine.js';
import { openGenerationEngine } from '../src/index/open-engine.js';
import { openGenerationStore } from '../src/index/generations.js';
import { openEmbedder } from '../src/embed/select.js';
import { dataPaths, loadConfig } from '../src/config.js';

const EVERYTHING_CONFIDENT = { semantic: -2, lexical: 0, related: { semantic: -2, lexical: 0 } };
import type { SearchMode } from '../src/search/types.js';

const program = new Command('eval')
  .description('search quality on the labelled seed set, or with --corpus on a rendered bilingual corpus')
  .option('--calibrate', 'also print the confidence cut-offs the labelled set suggests', false)
  .option('--models <dir>', 'where built models are cached', MODELS_CACHE)
  .option('--json', 'print the report as JSON', false)
  .option('--corpus <papers.jsonl|data dir>', 'evaluate on this corpus file (render.mjs must sit beside it), or on a data dir\'s live generation')
  .addOption(new Option('--format <format>', 'with --corpus: newsletter format to render').choices(['mixed', 'daily', 'weekly']).default('mixed'))
  .option('--limit <n>', 'with --corpus: render this many papers (default all)', (v) => positiveInt(v, '--limit'))
  .option('--per-set <n>', 'with --corpus: queries per set at most', (v) => positiveInt(v, '--per-set'), 500)
  .addOption(new Option('--mode <mode...>', 'with --corpus: modes to score').choices([...MODES]).default([...MODES]))
  .showHelpAfterError();

function positiveInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${v}"`);
  return n;
}

const args = program.parse().opts<{ calibrate: boolean; models: string; json: boolean; corpus?: string; format: string; limit?: number; perSet: number; mode: SearchMode[] }>();
const dataDir = await mkdtemp(join(tmpdir(), 'papersift-eval-'));
try {
  const embedder = await openStaticEmbedder({ modelsDir: args.models, progress: createProgress() });
  const dictionary = await openDictionary({ modelsDir: args.models });
  if (args.corpus && statSync(args.corpus, { throwIfNoEntry: false })?.isDirectory()) {
    const report = await evaluateDataDir(resolve(args.corpus), args.perSet, args.mode);
    console.log(args.json ? JSON.stringify(report, null, 2) : formatCorpusReport(report));
  } else if (args.corpus) {
    const corpus = resolve(args.corpus);
    const render = join(dirname(corpus), 'render.mjs');
    if (!existsSync(render)) throw new Error(`--corpus: ${render} not found (the renderer must sit beside the corpus file)`);
    const out = join(dataDir, 'newsletters');
    const input = join(dataDir, 'render-input.jsonl');
    writeRenderInput(corpus, input);
    const renderArgs = ['--papers', input, '--out', out, '--format', args.format, ...(args.limit ? ['--limit', String(args.limit)] : [])];
    execFileSync(process.execPath, [render, ...renderArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
    const built = await buildSeedEngine({ dataDir, embedder, dictionary, paths: [out], progress: createProgress() });
    const byArxiv = new Map(built.papers.flatMap((p) => (p.arxivId ? [[p.arxivId, p] as const] : [])));
    const queries = corpusQueries(readCorpus(corpus), (id) => byArxiv.get(id), { perSet: args.perSet });
    // the same engine with every hit confident: what the no-padding rule would have returned
    const unfiltered = createSearchEngine({ papers: built.papers, index: built.index, lexical: built.lexical, embedder, dictionary, confidence: EVERYTHING_CONFIDENT });
    const report = await evaluateQueries(built.engine, queries, args.mode, built.papers.length, unfiltered);
    if (args.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatCorpusReport(report));
    const c = built.calibration;
    if (c) console.log(`\nconfidence cut-offs fitted on the catalogue: semantic cosine >= ${c.confidence.semantic} (null queries confident: ${c.fit.nullConfident}, known items kept: ${c.fit.knownKept}), related cosine >= ${c.confidence.related.semantic}`);
    if (c?.fusion) console.log(formatFusionFit(c.fusion));
    const losses = fusionLosses(report);
    console.log(losses.length ? `hybrid loses:\n- ${losses.join('\n- ')}` : 'hybrid >= the best single channel on every set');
  } else {
    const seed = await buildSeedEngine({ dataDir, embedder, dictionary });
    const report = await evaluateEngine(seed.engine);
    if (args.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatReport(report));
    const misses = checkTargets(report);
    console.log(misses.length ? `targets missed:\n- ${misses.join('\n- ')}` : 'targets met');
    if (args.calibrate) {
      console.log('\n' + formatCalibration(await calibrate({ papers: seed.papers, index: seed.index, embedder, dictionary }), thresholdsFor(embedder.info.id)));
    }
  }
  await embedder.close();
} catch (err) {
  // bad input (a missing corpus or index, a malformed record) is a one-line message naming it, not a stack trace
  console.error(`eval: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

/** Known-item pseudo-queries from a data dir's live generation, searched through the engine the service opens. */
async function evaluateDataDir(dir: string, perSet: number, modes: SearchMode[]) {
  const config = loadConfig({ dataDir: dir });
  const gen = await openGenerationStore(dir).load(undefined, { ef: config.hnsw.ef });
  const { embedder: built } = await openEmbedder(config, { require: gen.manifest.embedder });
  try {
    const dictionary = await openDictionary({ modelsDir: dataPaths(dir).models });
    const engine = await openGenerationEngine(gen, built, { dictionary });
    return await evaluateQueries(engine, catalogueQueries(gen.papers, { perSet }), modes, gen.papers.length);
  } finally {
    await built.close();
  }
}

/** The fitted weight and how the held-out questions fared at each weight tried, for people. */
function formatFusionFit(f: FusionFit): string {
  const asked = Object.entries(f.kinds).map(([kind, k]) => `${k.queries} ${kind}`).join(', ');
  const curve = Object.entries(f.mrr).map(([w, m]) => `${w}: ${m.toFixed(3)}`).join(', ');
  return `hybrid fusion weight fitted on held-out questions (${asked}): semantic ${f.semanticWeight} (MRR@10 by weight: ${curve})`;
}
