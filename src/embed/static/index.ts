// The offline bilingual static embedder (issue 4): 100-d vectors from GloVe-derived English word vectors and
// CC-CEDICT/glossary-derived Chinese word vectors. No model download; built once under
// <modelsDir>/static-zh-en-v1/, then loaded in a fraction of a second.
import { join } from 'node:path';
import type { Embedder, EmbedderInfo } from '../types.ts';
import type { Logger } from '../../log.ts';
import { silentLogger } from '../../log.ts';
import type { Progress } from '../../util/progress.ts';
import { noProgress } from '../../util/progress.ts';
import { buildDirAtomic, withBuildLock } from '../../lang/atomic-dir.ts';
import { buildModel, currentSources } from './build.ts';
import { loadModel, MODEL_NAME, type LoadedModel } from './model.ts';
import { referenceFingerprint } from './reference.ts';
import { Lexicon } from './lexicon.ts';
import { SentenceEncoder, DEFAULT_SENTENCE_OPTIONS, type SentenceOptions } from './sentence.ts';

export { loadModel };

export interface StaticEmbedderOptions {
  modelsDir: string;
  progress?: Progress;
  logger?: Logger;
}

export function staticModelDir(modelsDir: string): string {
  return join(modelsDir, MODEL_NAME);
}

/**
 * Opens the static embedder, building its model first when it is missing, stale (different source packages,
 * glossary or reference corpus) or corrupt. A corrupt model is logged with the reason and rebuilt.
 */
export async function openStaticEmbedder(opts: StaticEmbedderOptions): Promise<Embedder> {
  return new StaticEmbedder(await ensureStaticModel(opts));
}

export async function ensureStaticModel(opts: StaticEmbedderOptions): Promise<LoadedModel> {
  const dir = staticModelDir(opts.modelsDir);
  const logger = opts.logger ?? silentLogger;
  const first = await tryLoad(dir);
  if (first.model) return first.model;
  return withBuildLock(dir, async () => {
    const again = await tryLoad(dir); // another process may have built it while we waited for the lock
    if (again.model) return again.model;
    const log = again.corrupt ? logger.warn.bind(logger) : logger.info.bind(logger);
    log({ dir }, `static embedder: building the model because ${again.why}`);
    await buildDirAtomic(dir, async (tmp) => {
      await buildModel(tmp, { modelsDir: opts.modelsDir, progress: opts.progress ?? noProgress, logger });
    });
    return loadModel(dir);
  });
}

type LoadAttempt = { model: LoadedModel; why?: undefined; corrupt?: undefined } | { model?: undefined; why: string; corrupt: boolean };

async function tryLoad(dir: string): Promise<LoadAttempt> {
  let model: LoadedModel;
  try {
    model = await loadModel(dir);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return missing ? { why: 'it is not built yet', corrupt: false } : { why: `it is unusable: ${(err as Error).message}`, corrupt: true };
  }
  const want = await currentSources(await referenceFingerprint());
  if (JSON.stringify(model.manifest.sources) !== JSON.stringify(want)) return { why: 'its sources changed', corrupt: false };
  return { model };
}

export class StaticEmbedder implements Embedder {
  readonly info: EmbedderInfo;
  private readonly encoder: SentenceEncoder;

  constructor(model: LoadedModel, sentence: SentenceOptions = DEFAULT_SENTENCE_OPTIONS) {
    const m = model.manifest;
    this.encoder = new SentenceEncoder(new Lexicon(model.en, model.zh), model.stats, sentence);
    const ablation = sentence === DEFAULT_SENTENCE_OPTIONS ? '' : `:${JSON.stringify(sentence)}`;
    this.info = {
      id: `static:zh-en-v1:${m.hash}${ablation}`,
      dimensions: m.dimensions,
      settings: { model: m.name, format: m.format, hash: m.hash, sources: m.sources, params: m.params, sentence },
    };
  }

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.encoder.embed(t));
  }

  // the same vectors as documents: this model has no query/passage asymmetry
  async embedQuery(text: string): Promise<Float32Array> {
    return this.encoder.embed(text);
  }

  /** Synchronous form: the static-embedder benchmark times the encoder with it, without promise overhead. */
  embedSync(text: string): Float32Array {
    return this.encoder.embed(text);
  }

  async close(): Promise<void> {}
}
