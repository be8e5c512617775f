// `tsx scripts/gen-test-model.ts [--shape tiny|e5-small] [--out <modelsDir>] [--layers N --hidden N ...]`
// Generates a BERT-architecture ONNX model with random seeded weights in the layout transformers.js loads locally.
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { ensureTestModel, seedCorpus } from './testmodel/generate.js';
import { E5_SMALL_SHAPE, TINY, type TestModelParams } from './testmodel/params.js';

const SHAPES: Record<string, TestModelParams> = { tiny: TINY, 'e5-small': E5_SMALL_SHAPE };

function intOption(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--${name} must be a non-negative integer, got "${v}"`);
    return n;
  };
}

const program = new Command()
  .name('gen-test-model')
  .description('Generate a random-weight BERT ONNX model (fp32 + q8) with a WordPiece tokenizer learned from seeds/')
  .option('--shape <name>', `base architecture: ${Object.keys(SHAPES).join(' | ')}`, 'tiny')
  .option('--out <dir>', 'cache root; the model lands in <out>/test-model-<hash>/papersift-test/bert-random', 'node_modules/.cache/papersift')
  .option('--seeds <dir>', 'corpus directory the vocabulary is learned from', 'seeds');
for (const k of ['layers', 'hidden', 'heads', 'ffn', 'vocabSize', 'maxPositions', 'seed'] as const) {
  program.option(`--${k} <n>`, `override ${k}`, intOption(k));
}
program.parse();
const o = program.opts<{ shape: string; out: string; seeds: string } & Partial<TestModelParams>>();
const base = SHAPES[o.shape];
if (!base) {
  console.error(`gen-test-model: unknown --shape "${o.shape}"; use ${Object.keys(SHAPES).join(' or ')}`);
  process.exit(2);
}
const params: TestModelParams = { ...base };
for (const k of Object.keys(base) as (keyof TestModelParams)[]) if (o[k] !== undefined) params[k] = o[k]!;
const started = Date.now();
const m = await ensureTestModel(resolve(o.out), params, await seedCorpus(resolve(o.seeds)), (msg) => console.error(`  ${msg}`));
console.log(JSON.stringify({ ...m, params, seconds: (Date.now() - started) / 1000 }, null, 2));
