// Cross-lingual evaluation of the offline static embedder over every seed paper (issue 4).
// Prints P@1 / MRR per direction for: the embedder, ablations, a plain unweighted average of word vectors,
// and the random baseline. Usage: npm run eval:crosslingual [-- --models <dir>] [--markdown]
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument } from '../src/ingest/document.ts';
import { loadConfig, dataPaths } from '../src/config.ts';
import { createProgress } from '../src/util/progress.ts';
import { createLogger } from '../src/log.ts';
import { ensureStaticModel, StaticEmbedder } from '../src/embed/static/index.ts';
import type { LoadedModel } from '../src/embed/static/model.ts';
import { Lexicon } from '../src/embed/static/lexicon.ts';
import { fitStatistics } from '../src/embed/static/statistics.ts';
import { DEFAULT_SENTENCE_OPTIONS, type SentenceOptions } from '../src/embed/static/sentence.ts';
import {
  DIRECTIONS,
  FIELD_LABEL,
  combineFolds,
  evaluateDirection,
  randomBaseline,
  type DirectionResult,
} from '../src/embed/static/crosslingual-eval.ts';
import type { DocumentRecord, Paper } from '../src/catalogue/types.ts';
import { derivePapers } from '../src/catalogue/merge.ts';

const USAGE = `Usage: npm run eval:crosslingual [-- --models <dir>] [--seeds <dir>] [--markdown]

Cross-lingual retrieval (P@1 / MRR per direction) of the offline static embedder over the seed papers, with ablations,
a plain word-vector average and the random baseline.

Options:
  --models <dir>  where the static model is built/cached (default <PAPERSIFT_DATA>/models)
  --seeds <dir>   newsletter directory (default seeds)
  --markdown      print Markdown tables
  -h, --help      show this help
`;

function parseFlags() {
  try {
    return parseArgs({
      options: { models: { type: 'string' }, seeds: { type: 'string', default: 'seeds' }, markdown: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (err) {
    process.stderr.write(`eval:crosslingual: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exit(2);
  }
}

const values = parseFlags();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

/** The seed papers as the catalogue sees them: parsed with the ingest parser, merged with derivePapers. */
async function seedPapers(dir: string): Promise<Paper[]> {
  const docs: DocumentRecord[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.txt')).sort()) {
    docs.push(parseDocument(name, await readFile(join(dir, name), 'utf8')).record);
  }
  return derivePapers(docs);
}

const VARIANTS: [string, SentenceOptions][] = [
  ['static embedder (SIF weights, per-language centring, common component removed)', DEFAULT_SENTENCE_OPTIONS],
  ['  without per-language centring', { ...DEFAULT_SENTENCE_OPTIONS, center: false }],
  ['  without SIF weights (uniform)', { ...DEFAULT_SENTENCE_OPTIONS, weighted: false }],
  ['  without common component removal', { ...DEFAULT_SENTENCE_OPTIONS, removeComponent: false }],
  ['plain unweighted average of word vectors', { weighted: false, center: false, removeComponent: false }],
];

/**
 * The shipped statistics are fitted on all seed papers, i.e. also on the evaluated ones. This re-fits them
 * once per newsletter on the papers of the other newsletters only (a paper recommended by two newsletters counts
 * as seen) and queries that newsletter's papers (all papers stay candidates): an out-of-sample estimate for newsletters the build has never seen.
 */
async function heldOut(model: LoadedModel, papers: Paper[]): Promise<DirectionResult[]> {
  const lexicon = new Lexicon(model.en, model.zh);
  const inDoc = (p: Paper, doc: string) => p.sources.some((s) => s.document === doc);
  const documents = [...new Set(papers.flatMap((p) => p.sources.map((s) => s.document)))].sort();
  const perDirection = DIRECTIONS.map(() => [] as DirectionResult[]);
  for (const doc of documents) {
    const texts = papers
      .filter((p) => !inDoc(p, doc))
      .flatMap((p) => [p.title.en, p.title.zh, p.summary.en, p.summary.zh])
      .filter((t): t is string => !!t);
    const embedder = new StaticEmbedder({ ...model, stats: fitStatistics(lexicon, texts, DEFAULT_SENTENCE_OPTIONS) });
    for (const [i, [from, to]] of DIRECTIONS.entries()) {
      perDirection[i]!.push(await evaluateDirection(embedder, papers, from, to, (p) => inDoc(p, doc)));
    }
  }
  return perDirection.map(combineFolds);
}

async function main(): Promise<void> {
  const modelsDir = resolve(values.models ?? dataPaths(loadConfig().dataDir).models);
  const model = await ensureStaticModel({ modelsDir, progress: createProgress(), logger: createLogger('info') });
  const papers = await seedPapers(resolve(values.seeds!));
  const rows: { name: string; results: DirectionResult[] }[] = [];
  for (const [name, opts] of VARIANTS) {
    const embedder = new StaticEmbedder(model, opts);
    const results: DirectionResult[] = [];
    for (const [from, to] of DIRECTIONS) results.push(await evaluateDirection(embedder, papers, from, to));
    rows.push({ name, results });
  }
  const first = rows[0]!.results;
  rows.splice(1, 0, { name: '  same, statistics fitted on the other newsletters only (held out)', results: await heldOut(model, papers) });
  rows.push({ name: 'random baseline (expected)', results: first.map((r) => ({ ...r, ...randomBaseline(r.n) })) });
  console.log(`${papers.length} seed papers (parseDocument + derivePapers); model ${model.manifest.name} ${model.manifest.hash}\n`);
  const header = first.map((r) => `${FIELD_LABEL[r.from]} -> ${FIELD_LABEL[r.to]} (n=${r.n})`);
  if (values.markdown) {
    console.log(`| method | ${header.join(' | ')} |`);
    console.log(`| --- | ${header.map(() => '---').join(' | ')} |`);
    for (const r of rows) console.log(`| ${r.name.trim()} | ${r.results.map((x) => `${x.p1.toFixed(2)} / ${x.mrr.toFixed(2)}`).join(' | ')} |`);
  } else {
    console.log('P@1 / MRR');
    for (const [i, h] of header.entries()) {
      console.log(`\n${h}`);
      for (const r of rows) console.log(`  ${r.name.padEnd(100)} ${r.results[i]!.p1.toFixed(3)} / ${r.results[i]!.mrr.toFixed(3)}`);
    }
  }
}

await main();
