// Writes a complete transformers.js model directory (config, tokenizer, fp32 + q8 ONNX) for given parameters.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBertOnnx } from './bert-graph.js';
import { configJson, tokenizerConfigJson, tokenizerJson } from './hf-files.js';
import { validateParams, type TestModelParams } from './params.js';
import { buildWordPieceVocab } from './vocab.js';
import { randomBertWeights } from './weights.js';

/** The model id the generated directory is stored under (`<modelsDir>/<TEST_MODEL_ID>/`). */
export const TEST_MODEL_ID = 'papersift-test/bert-random';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '../..');

/** The seed newsletters, concatenated in name order: the corpus the test vocabulary is learned from. */
export async function seedCorpus(seedsDir = join(REPO_ROOT, 'seeds')): Promise<string> {
  const names = (await readdir(seedsDir)).filter((n) => n.endsWith('.txt')).sort();
  const texts = await Promise.all(names.map((n) => readFile(join(seedsDir, n), 'utf8')));
  return texts.join('\n');
}

/** Changes whenever the parameters, the corpus or the generator's own code change, so caches never go stale. */
export async function testModelKey(params: TestModelParams, corpus: string): Promise<string> {
  const h = createHash('sha256').update(JSON.stringify(params)).update(corpus);
  for (const f of (await readdir(HERE)).filter((n) => n.endsWith('.ts')).sort()) h.update(f).update(await readFile(join(HERE, f)));
  return h.digest('hex').slice(0, 16);
}

export interface GenerateLog {
  (message: string): void;
}

/** Writes the model files into `dir` (which must not exist yet). */
export async function writeTestModel(dir: string, params: TestModelParams, corpus: string, log: GenerateLog = () => {}): Promise<void> {
  validateParams(params);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const vocab = buildWordPieceVocab(corpus, params.vocabSize);
  await writeFile(join(dir, 'config.json'), JSON.stringify(configJson(params), null, 2));
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson(params), null, 2));
  log(`tokenizer: ${vocab.length} WordPiece tokens`);
  const weights = randomBertWeights(params);
  log('weights: sampled');
  await writeFile(join(dir, 'onnx', 'model.onnx'), buildBertOnnx(params, weights, 'fp32'));
  log('onnx/model.onnx written');
  await writeFile(join(dir, 'onnx', 'model_quantized.onnx'), buildBertOnnx(params, weights, 'q8'));
  log('onnx/model_quantized.onnx written');
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

export interface EnsuredTestModel {
  /** Pass as `modelsDir` (transformers.js local model root). */
  modelsDir: string;
  /** Pass as `model`. */
  model: string;
  /** The model's own directory (`<modelsDir>/<model>`). */
  dir: string;
  generated: boolean;
}

/**
 * Returns the cached model for these parameters under `cacheRoot/test-model-<key>/`, generating it first if needed.
 * Generation happens in a temporary sibling directory renamed into place, so a crash or a concurrent run never
 * leaves a half-written model where readers look.
 */
export async function ensureTestModel(cacheRoot: string, params: TestModelParams, corpus: string, log?: GenerateLog): Promise<EnsuredTestModel> {
  const modelsDir = join(cacheRoot, `test-model-${await testModelKey(params, corpus)}`);
  const result = { modelsDir, model: TEST_MODEL_ID, dir: join(modelsDir, TEST_MODEL_ID) };
  if (await exists(modelsDir)) return { ...result, generated: false };
  const tmp = `${modelsDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeTestModel(join(tmp, TEST_MODEL_ID), params, corpus, log);
    await rename(tmp, modelsDir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // another process finished first: its copy is identical (same key), use it
    if (await exists(modelsDir)) return { ...result, generated: false };
    throw err;
  }
  return { ...result, generated: true };
}
