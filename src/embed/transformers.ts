// The transformers.js (@huggingface/transformers) embedding backend: a local ONNX encoder run through the library's
// own feature-extraction pipeline, with explicit dtype, model prefixes, pooling + normalisation, sentence windows
// for long texts, batching and a bound on concurrent model calls.
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { env, LogLevel, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import pLimit, { type LimitFunction } from 'p-limit';
import { silentLogger, type Logger } from '../log.js';
import type { Progress } from '../util/progress.js';
import { ModelUnavailableError } from './errors.js';
import { locateModel, type ModelLocation } from './locate.js';
import { onnxFileFor, resolveModelSettings, type Dtype, type ModelSettings } from './models.js';
import type { Embedder, EmbedderInfo } from './types.js';
import { combineWindowVectors, splitIntoWindows } from './windows.js';

export interface TransformersEmbedderOptions {
  /** Hugging Face model id, e.g. "Xenova/multilingual-e5-small". */
  model: string;
  dtype: Dtype;
  /** Where models live and where downloads go: `<modelsDir>/<model id>/` (e.g. index-data/models). */
  modelsDir: string;
  /** Never try the network; a missing model is an error. */
  offline: boolean;
  /** An extra local model root searched before modelsDir (same `<root>/<model id>/` layout). */
  localModelPath?: string;
  /** Where downloads come from: a Hugging Face Hub mirror (HF_ENDPOINT), default the hub itself. */
  remoteHost?: string;
  settings?: Partial<ModelSettings>;
  logger?: Logger;
  /** Shows model downloads (bytes, rate, ETA per file); loading from disk reports nothing. */
  progress?: Progress;
}

const LONG_TEXT_POLICY = 'sentence-windows/token-weighted-mean';

/** Cheap identity of the model files: config + tokenizer content and the ONNX file's size, head and tail. */
async function modelFingerprint(dir: string, dtype: Dtype): Promise<string> {
  const h = createHash('sha256');
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) h.update(await readFile(join(dir, f)));
  const onnxPath = join(dir, onnxFileFor(dtype));
  const { size } = await stat(onnxPath);
  const fh = await open(onnxPath, 'r');
  try {
    const n = Math.min(size, 1 << 20);
    const head = Buffer.alloc(n);
    const tail = Buffer.alloc(n);
    await fh.read(head, 0, n, 0);
    await fh.read(tail, 0, n, size - n);
    h.update(String(size)).update(head).update(tail);
  } finally {
    await fh.close();
  }
  return h.digest('hex').slice(0, 16);
}

// transformers.js keeps its paths in one global `env`; loads are serialised so two embedders opened at once with
// different directories cannot see each other's settings.
let envLock: Promise<unknown> = Promise.resolve();
function withEnv<T>(fn: () => Promise<T>): Promise<T> {
  const run = envLock.then(fn, fn);
  envLock = run.catch(() => undefined);
  return run;
}

async function loadPipeline(o: TransformersEmbedderOptions, found: ModelLocation, logger: Logger): Promise<FeatureExtractionPipeline> {
  return withEnv(async () => {
    env.localModelPath = o.localModelPath ?? o.modelsDir;
    env.cacheDir = o.modelsDir; // downloads land in <modelsDir>/<model id>/..., the same layout local loading reads
    env.allowLocalModels = true;
    env.allowRemoteModels = !o.offline;
    env.remoteHost = remoteHostOf(o);
    env.logLevel = LogLevel.ERROR; // a missing local file before a download is expected, not worth a warning
    try {
      return await pipeline('feature-extraction', o.model, {
        dtype: o.dtype,
        device: 'cpu',
        progress_callback: downloadReporter(o.model, logger, o.progress),
      });
    } catch (err) {
      if (!found.dir) {
        const why = `it is not in the local directories and downloading from ${remoteHostOf(o)} failed (${err instanceof Error ? err.message : String(err)})`;
        throw new ModelUnavailableError(o.model, o.dtype, found.searchedDirs, found.missingFiles, why, { cause: err });
      }
      throw new Error(`failed to load embedding model "${o.model}" (dtype ${o.dtype}) from ${found.dir}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  });
}

const HUB = 'https://huggingface.co/';

function remoteHostOf(o: TransformersEmbedderOptions): string {
  return o.remoteHost ?? HUB;
}

interface DownloadEvent {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

/** Turns transformers.js download events into a per-file progress bar (bytes) and info logs. */
function downloadReporter(model: string, logger: Logger, progress?: Progress): (e: DownloadEvent) => void {
  let file: string | undefined;
  let loaded = 0;
  return (e) => {
    if (e.status === 'download') logger.info({ model, file: e.file }, 'downloading model file');
    if (!progress || e.status !== 'progress' || !e.total || e.loaded === undefined) return;
    if (e.file !== file) {
      if (file) progress.stop();
      file = e.file;
      loaded = 0;
      progress.start(e.total, `download ${model}/${e.file ?? ''} (bytes)`);
    }
    progress.tick(e.loaded - loaded);
    loaded = e.loaded;
    if (e.loaded >= e.total) {
      progress.stop();
      file = undefined;
    }
  };
}

/** The longest window the model accepts: the configured maxLength, capped by the tokenizer and position table. */
function effectiveMaxLength(pipe: FeatureExtractionPipeline, configured: number): number {
  const tokenizerMax = pipe.tokenizer.model_max_length;
  const positions = (pipe.model.config as { max_position_embeddings?: number }).max_position_embeddings;
  return Math.min(configured, Number.isFinite(tokenizerMax) ? tokenizerMax : Infinity, positions ?? Infinity);
}

/**
 * Opens the model: local directories first, then the Hugging Face Hub unless offline (downloads are cached under
 * modelsDir). Throws ModelUnavailableError naming the model, the directories searched and the fixes when it
 * cannot be found.
 */
export async function openTransformersEmbedder(o: TransformersEmbedderOptions): Promise<Embedder> {
  const logger = o.logger ?? silentLogger;
  const settings = resolveModelSettings(o.model, o.settings);
  let found = await locateModel(o.model, o.dtype, o.modelsDir, o.localModelPath);
  if (!found.dir && o.offline) {
    throw new ModelUnavailableError(o.model, o.dtype, found.searchedDirs, found.missingFiles, 'it is not in the local directories and offline mode (PAPERSIFT_OFFLINE) forbids downloading');
  }
  const started = Date.now();
  const pipe = await loadPipeline(o, found, logger);
  found = found.dir ? found : await locateModel(o.model, o.dtype, o.modelsDir, o.localModelPath);
  const fingerprint = found.dir ? await modelFingerprint(found.dir, o.dtype) : 'unknown';
  const embedder = new TransformersEmbedder(pipe, o.model, o.dtype, { ...settings, maxLength: effectiveMaxLength(pipe, settings.maxLength) }, fingerprint);
  logger.info({ id: embedder.info.id, dir: found.dir, ms: Date.now() - started }, 'embedding model loaded');
  return embedder;
}

interface Chunk {
  owner: number;
  text: string;
  tokens: number;
}

class TransformersEmbedder implements Embedder {
  readonly info: EmbedderInfo;
  private readonly limit: LimitFunction;
  private readonly specialTokens: number;

  constructor(
    private readonly pipe: FeatureExtractionPipeline,
    model: string,
    dtype: Dtype,
    private readonly settings: ModelSettings,
    fingerprint: string,
  ) {
    const hidden = (pipe.model.config as { hidden_size?: number }).hidden_size;
    if (!hidden) throw new Error(`embedding model "${model}": config.json has no hidden_size, cannot tell the vector dimensions`);
    // everything that changes the vectors; batchSize/concurrency do not, so they stay out of the id
    const vectorSettings = {
      backend: 'transformers',
      model,
      dtype,
      pooling: settings.pooling,
      normalize: true,
      queryPrefix: settings.queryPrefix,
      passagePrefix: settings.passagePrefix,
      maxLength: settings.maxLength,
      longText: LONG_TEXT_POLICY,
      modelFingerprint: fingerprint,
    };
    const digest = createHash('sha256').update(JSON.stringify(vectorSettings)).digest('hex').slice(0, 12);
    this.info = { id: `transformers:${model}:${dtype}:${digest}`, dimensions: hidden, settings: vectorSettings };
    this.limit = pLimit(settings.concurrency);
    this.specialTokens = this.countTokens('', true);
  }

  embedDocuments(texts: string[]): Promise<Float32Array[]> {
    return this.embedAll(texts, this.settings.passagePrefix, 'embedDocuments');
  }

  async embedQuery(text: string): Promise<Float32Array> {
    return (await this.embedAll([text], this.settings.queryPrefix, 'embedQuery'))[0]!;
  }

  async close(): Promise<void> {
    await this.pipe.dispose();
  }

  private countTokens(text: string, withSpecial = false): number {
    return this.pipe.tokenizer.encode(text, { add_special_tokens: withSpecial }).length;
  }

  private async embedAll(texts: string[], prefix: string, where: string): Promise<Float32Array[]> {
    texts.forEach((t, i) => {
      if (typeof t !== 'string' || t.trim() === '') throw new TypeError(`${where}: texts[${i}] must be a non-empty string, got ${JSON.stringify(t)}`);
    });
    const budget = this.settings.maxLength - this.specialTokens - this.countTokens(prefix);
    const chunks: Chunk[] = texts.flatMap((t, owner) =>
      splitIntoWindows(t, budget, (s) => this.countTokens(s)).map((w) => ({ owner, text: prefix + w.text, tokens: w.tokens })),
    );
    const vectors = await this.embedChunks(chunks);
    const byOwner = texts.map((): number[] => []);
    chunks.forEach((c, k) => byOwner[c.owner]!.push(k));
    return byOwner.map((mine) =>
      mine.length === 1
        ? vectors[mine[0]!]!
        : combineWindowVectors(
            mine.map((k) => vectors[k]!),
            mine.map((k) => chunks[k]!.tokens),
          ),
    );
  }

  /** Batches similar lengths together (less padding), runs at most `concurrency` batches at once. */
  private async embedChunks(chunks: Chunk[]): Promise<Float32Array[]> {
    const order = chunks.map((_, i) => i).sort((a, b) => chunks[a]!.tokens - chunks[b]!.tokens);
    const out = new Array<Float32Array>(chunks.length);
    const { batchSize } = this.settings;
    const batches: number[][] = [];
    for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
    await Promise.all(
      batches.map((batch) =>
        this.limit(async () => {
          const vecs = await this.runModel(batch.map((k) => chunks[k]!.text));
          batch.forEach((k, j) => (out[k] = vecs[j]!));
        }),
      ),
    );
    return out;
  }

  private async runModel(texts: string[]): Promise<Float32Array[]> {
    const result = await this.pipe(texts, { pooling: this.settings.pooling, normalize: true });
    const data = result.data as Float32Array;
    const dim = this.info.dimensions;
    if (data.length !== texts.length * dim) throw new Error(`embedding model returned ${data.length} values for ${texts.length} texts x ${dim} dimensions`);
    return texts.map((_, i) => data.slice(i * dim, (i + 1) * dim));
  }
}
