// `papersift models check`: is a transformers.js model complete and loadable where papersift looks for it?
// Meant for machines that cannot reach the Hugging Face Hub (a mirror, or files copied by hand), so it never
// downloads: it lists what is missing in each directory searched, then parses the JSON files and loads the ONNX
// file and embeds one sentence, naming the file that fails.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { locateModel } from './locate.js';
import { requiredModelFiles, type Dtype } from './models.js';
import type { EmbedderInfo } from './types.js';

export interface ModelCheck {
  model: string;
  dtype: Dtype;
  /** Each directory searched, in order, with the required files it lacks. */
  searched: { dir: string; missing: string[] }[];
  /** The directory the model loads from, when one holds every file. */
  dir?: string;
  /** Required files and their sizes in `dir`. */
  files: { file: string; bytes: number }[];
  /** One line per missing or unusable file; empty when the model is usable. */
  problems: string[];
  /** The embedder the files give (id, dimensions), when they load. */
  embedder?: EmbedderInfo;
}

export interface CheckOptions {
  modelsDir: string;
  localModels?: string;
}

export async function checkModel(model: string, dtype: Dtype, o: CheckOptions): Promise<ModelCheck> {
  const required = requiredModelFiles(dtype);
  const location = await locateModel(model, dtype, o.modelsDir, o.localModels);
  const searched = await Promise.all(location.searchedDirs.map(async (dir) => ({ dir, missing: await missingFiles(dir, required) })));
  const check: ModelCheck = { model, dtype, searched, files: [], problems: [] };
  if (!location.dir) {
    check.problems = searched.map((s) => `${s.dir}: missing ${s.missing.join(', ')}`);
    return check;
  }
  const dir = location.dir;
  check.dir = dir;
  check.files = await Promise.all(required.map(async (file) => ({ file, bytes: (await stat(join(dir, file))).size })));
  for (const file of required.filter((f) => f.endsWith('.json'))) {
    const problem = await jsonProblem(join(dir, file));
    if (problem) check.problems.push(problem);
  }
  if (check.problems.length === 0) await tryLoad(check, o);
  return check;
}

async function missingFiles(dir: string, files: string[]): Promise<string[]> {
  const present = await Promise.all(files.map((f) => stat(join(dir, f)).then((s) => s.isFile(), () => false)));
  return files.filter((_, i) => !present[i]);
}

async function jsonProblem(path: string): Promise<string | undefined> {
  try {
    JSON.parse(await readFile(path, 'utf8'));
    return undefined;
  } catch (err) {
    return `${path}: not valid JSON (${err instanceof Error ? err.message : String(err)}); download it again`;
  }
}

/** Loads the model offline from exactly the checked directory and embeds one sentence. */
async function tryLoad(check: ModelCheck, o: CheckOptions): Promise<void> {
  const { openTransformersEmbedder } = await import('./transformers.js'); // the heavy runtime, only when files look right
  const onnx = join(check.dir!, requiredModelFiles(check.dtype).at(-1)!);
  try {
    const embedder = await openTransformersEmbedder({ model: check.model, dtype: check.dtype, modelsDir: o.modelsDir, offline: true, ...(o.localModels ? { localModelPath: o.localModels } : {}) });
    try {
      const v = await embedder.embedQuery('pretrained language models 预训练语言模型');
      if (v.length !== embedder.info.dimensions || !v.every(Number.isFinite)) throw new Error(`the model gave a ${v.length}-d vector with non-finite values`);
      check.embedder = embedder.info;
    } finally {
      await embedder.close();
    }
  } catch (err) {
    check.problems.push(`${onnx} (with config.json and the tokenizer files): cannot be loaded or run (${err instanceof Error ? err.message : String(err)}); download it again`);
  }
}
