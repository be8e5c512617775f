// The built model on disk: model.json (format, sources, parameters, statistics, file digests) plus one
// word table per language. Loading verifies every file so a torn or edited model is refused with its path.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { TokenLang } from '../../lang/text.ts';
import { readTable, type FileDigest, type WordTable } from './table.ts';
import type { Statistics } from './sentence.ts';

export const MODEL_NAME = 'static-zh-en-v1';
export const MODEL_FORMAT = 1;

/** Everything the build reads; a difference from the stored value means the model is stale. */
export interface ModelSources {
  builder: number;
  wink: string;
  cedict: string;
  jieba: string;
  glossarySha256: string;
  referenceSha256: string;
}

export interface ModelManifest {
  name: string;
  format: number;
  dimensions: number;
  sources: ModelSources;
  params: Record<string, number | string>;
  counts: Record<TokenLang, number>;
  files: Record<string, FileDigest>;
  stats: { mean: Record<TokenLang, number[]>; component: number[] };
  hash: string; // of files + stats: identifies the vectors exactly
}

export interface LoadedModel {
  manifest: ModelManifest;
  en: WordTable;
  zh: WordTable;
  stats: Statistics;
}

export function modelHash(files: Record<string, FileDigest>, stats: ModelManifest['stats'], params: ModelManifest['params']): string {
  const h = createHash('sha256');
  for (const name of Object.keys(files).sort()) h.update(`${name}:${files[name]!.sha256}\n`);
  h.update(JSON.stringify(stats));
  h.update(JSON.stringify(params));
  return h.digest('hex').slice(0, 16);
}

export async function writeManifest(dir: string, m: ModelManifest): Promise<void> {
  await writeFile(join(dir, 'model.json'), JSON.stringify(m, null, 1) + '\n');
}

export async function readManifest(dir: string): Promise<ModelManifest> {
  const path = join(dir, 'model.json');
  const text = await readFile(path, 'utf8');
  let m: ModelManifest;
  try {
    m = JSON.parse(text) as ModelManifest;
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (m.name !== MODEL_NAME || m.format !== MODEL_FORMAT || !m.stats?.mean || !m.files || !(m.dimensions > 0)) {
    throw new Error(`${path}: not a ${MODEL_NAME} format ${MODEL_FORMAT} manifest`);
  }
  if (modelHash(m.files, m.stats, m.params) !== m.hash) throw new Error(`${path}: hash does not match its contents (edited or corrupt)`);
  return m;
}

/** Loads and verifies a built model; throws an error naming the bad file. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const manifest = await readManifest(dir);
  const d = manifest.dimensions;
  const [en, zh] = await Promise.all([readTable(dir, 'en', d, manifest.files), readTable(dir, 'zh', d, manifest.files)]);
  const vec = (a: number[], what: string) => {
    if (!Array.isArray(a) || a.length !== d) throw new Error(`${join(dir, 'model.json')}: ${what} must have ${d} numbers`);
    return Float32Array.from(a);
  };
  const stats: Statistics = {
    mean: { en: vec(manifest.stats.mean.en, 'stats.mean.en'), zh: vec(manifest.stats.mean.zh, 'stats.mean.zh') },
    component: vec(manifest.stats.component, 'stats.component'),
  };
  return { manifest, en, zh, stats };
}
