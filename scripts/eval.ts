// `npm run eval [-- --calibrate] [--models <dir>] [--json]`: builds an index from the seed newsletters in a temp
// data dir with the offline static embedder and prints MRR@10 / nDCG@10 / Recall@10 per query language and mode,
// the related-paper clusters and junk-query flagging. --calibrate also prints the confidence cut-offs the labelled
// set suggests (see README "Search" for how they are chosen).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStaticEmbedder } from '../src/embed/static/index.js';
import { openDictionary } from '../src/lang/dictionary.js';
import { createProgress } from '../src/util/progress.js';
import { buildSeedEngine, MODELS_CACHE } from '../src/eval/seed-engine.js';
import { checkTargets, evaluateEngine, formatReport } from '../src/eval/evaluate.js';
import { calibrate, formatCalibration } from '../src/eval/calibrate.js';
import { thresholdsFor } from '../src/search/confidence.js';

const { values: args } = parseArgs({
  options: { calibrate: { type: 'boolean', default: false }, models: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const modelsDir = args.models ?? MODELS_CACHE;
const dataDir = await mkdtemp(join(tmpdir(), 'papersift-eval-'));
try {
  const embedder = await openStaticEmbedder({ modelsDir, progress: createProgress() });
  const dictionary = await openDictionary({ modelsDir });
  const seed = await buildSeedEngine({ dataDir, embedder, dictionary });
  const report = await evaluateEngine(seed.engine);
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else console.log(formatReport(report));
  const misses = checkTargets(report);
  console.log(misses.length ? `targets missed:\n- ${misses.join('\n- ')}` : 'targets met');
  if (args.calibrate) {
    console.log('\n' + formatCalibration(await calibrate({ papers: seed.papers, index: seed.index, embedder, dictionary }), thresholdsFor(embedder.info.id)));
  }
  await embedder.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
