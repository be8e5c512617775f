// Which embedder to use: PAPERSIFT_EMBEDDER = auto | static | <transformers.js model id>, or exactly the one an
// index was built with (`require`), since queries must be embedded the same way as the vectors they search.
// With `auto`, an existing index keeps the embedder it was built with (`built`): a model download that happens to
// succeed one night must not re-embed everything; switching takes an explicit --embedder / PAPERSIFT_EMBEDDER.
// Both backends are imported on demand, so a process using the static embedder never loads onnxruntime.
import { dataPaths, type Config } from '../config.js';
import { silentLogger, type Logger } from '../log.js';
import type { Progress } from '../util/progress.js';
import { ModelUnavailableError } from './errors.js';
import { locateModel } from './locate.js';
import { DEFAULT_MODEL, type Dtype, type ModelSettings } from './models.js';
import type { Embedder, EmbedderInfo } from './types.js';

export interface OpenEmbedderOptions {
  logger?: Logger;
  progress?: Progress;
  /** The embedder recorded in an index manifest: open exactly this one or throw. */
  require?: EmbedderInfo;
  /** The embedder the live index was built with: `auto` keeps it (and says what it would switch to). */
  built?: EmbedderInfo;
}

export interface SelectedEmbedder {
  embedder: Embedder;
  /** One sentence saying which embedder was picked and why (for logs and `papersift index` output). */
  reason: string;
}

interface Ctx {
  config: Config;
  modelsDir: string;
  logger: Logger;
  progress?: Progress;
}

async function openStatic(ctx: Ctx): Promise<Embedder> {
  // loaded lazily: the static tables are only read when this embedder is actually chosen
  const { openStaticEmbedder } = await import('./static/index.js');
  return openStaticEmbedder({ modelsDir: ctx.modelsDir, ...(ctx.progress ? { progress: ctx.progress } : {}), logger: ctx.logger });
}

async function openModel(ctx: Ctx, model: string, dtype: Dtype, settings?: Partial<ModelSettings>): Promise<Embedder> {
  const { modelsDir, logger, progress, config } = ctx;
  // loaded lazily: @huggingface/transformers brings onnxruntime (~100 MB resident) that the static embedder never needs
  const { openTransformersEmbedder } = await import('./transformers.js');
  return openTransformersEmbedder({
    model,
    dtype,
    modelsDir,
    offline: config.offline,
    logger,
    ...(config.localModels ? { localModelPath: config.localModels } : {}),
    ...(config.hfEndpoint ? { remoteHost: config.hfEndpoint } : {}),
    ...(progress ? { progress } : {}),
    ...(settings ? { settings } : {}),
  });
}

/** auto: the default model when it is on disk or downloadable, otherwise the offline static embedder. */
async function openAuto(ctx: Ctx): Promise<SelectedEmbedder> {
  const { dtype } = ctx.config;
  const found = await locateModel(DEFAULT_MODEL, dtype, ctx.modelsDir, ctx.config.localModels);
  if (!found.dir && ctx.config.offline) {
    const reason = `auto: ${DEFAULT_MODEL} (${dtype}) is not in ${found.searchedDirs.join(', ')} and PAPERSIFT_OFFLINE forbids downloading, so the offline static embedder is used`;
    return { embedder: await openStatic(ctx), reason };
  }
  try {
    const embedder = await openModel(ctx, DEFAULT_MODEL, dtype);
    const where = found.dir ? `found in ${found.dir}` : `downloaded into ${found.searchedDirs.at(-1)}`;
    return { embedder, reason: `auto: ${DEFAULT_MODEL} (${dtype}) ${where}` };
  } catch (err) {
    if (!(err instanceof ModelUnavailableError)) throw err;
    const reason = `auto: ${DEFAULT_MODEL} (${dtype}) is not in ${found.searchedDirs.join(', ')} and could not be downloaded (${err.reason}), so the offline static embedder is used`;
    ctx.logger.warn({ model: DEFAULT_MODEL }, reason);
    return { embedder: await openStatic(ctx), reason };
  }
}

/** Re-opens the embedder an index was built with, from the settings its manifest recorded. */
async function openRequired(ctx: Ctx, want: EmbedderInfo): Promise<SelectedEmbedder> {
  const s = want.settings as Partial<ModelSettings> & { backend?: string; model?: string; dtype?: Dtype };
  const fix = `Make ${want.id} available (papersift models check), or rebuild the index with another embedder (papersift reindex --embedder <auto|static|model id>)`;
  let embedder: Embedder;
  try {
    if (want.id.startsWith('static:')) embedder = await openStatic(ctx);
    else if (s.backend === 'transformers' && s.model && s.dtype) {
      const { pooling, queryPrefix, passagePrefix, maxLength } = s;
      embedder = await openModel(ctx, s.model, s.dtype, { pooling, queryPrefix, passagePrefix, maxLength });
    } else throw new Error(`the recorded settings name no known backend (${JSON.stringify(want.settings)})`);
  } catch (err) {
    throw new Error(`the index was built with embedder ${want.id}, which cannot be opened here: ${err instanceof Error ? err.message : String(err)}. ${fix}.`, { cause: err });
  }
  if (embedder.info.id !== want.id || embedder.info.dimensions !== want.dimensions) {
    await embedder.close();
    throw new Error(
      `the index was built with embedder ${want.id} (${want.dimensions}-d) but the same settings now give ${embedder.info.id} (${embedder.info.dimensions}-d): the model files changed. ${fix}.`,
    );
  }
  const wantName = want.id.startsWith('static:') ? 'static' : s.model;
  const configured = ctx.config.embedder;
  const override = configured !== 'auto' && configured !== wantName ? ` (PAPERSIFT_EMBEDDER=${configured} applies to the next rebuild)` : '';
  return { embedder, reason: `the index was built with ${want.id}${override}` };
}

/** auto with an existing index: the embedder it was built with, and what a fresh `auto` would pick instead. */
async function keepBuilt(ctx: Ctx, built: EmbedderInfo): Promise<SelectedEmbedder> {
  const { embedder } = await openRequired(ctx, built);
  return { embedder, reason: `auto keeps ${built.id}, the embedder the index was built with${await autoAlternative(ctx, built)}` };
}

/** "" when a fresh `auto` would pick the built embedder again, else how to switch (never done silently). */
async function autoAlternative(ctx: Ctx, built: EmbedderInfo): Promise<string> {
  const { dtype, offline, localModels, hfEndpoint } = ctx.config;
  const found = await locateModel(DEFAULT_MODEL, dtype, ctx.modelsDir, localModels);
  const target = found.dir || !offline ? DEFAULT_MODEL : 'static';
  const same = target === 'static' ? built.id.startsWith('static:') : built.settings.model === DEFAULT_MODEL && built.settings.dtype === dtype;
  if (same) return '';
  const what =
    target === 'static'
      ? 'the offline static embedder'
      : `${DEFAULT_MODEL} (${dtype}, ${found.dir ? `found in ${found.dir}` : `to be downloaded from ${hfEndpoint ?? 'the Hugging Face Hub'}`})`;
  return `; a new index would use ${what}: switch with --embedder ${target} (or PAPERSIFT_EMBEDDER=${target}), which re-embeds every paper`;
}

/**
 * Opens the embedder the configuration asks for (PAPERSIFT_EMBEDDER, PAPERSIFT_DTYPE, PAPERSIFT_OFFLINE; models
 * under <dataDir>/models), or exactly `opts.require`; with `auto`, `opts.built` when given.
 */
export async function openEmbedder(config: Config, opts: OpenEmbedderOptions = {}): Promise<SelectedEmbedder> {
  const ctx: Ctx = { config, modelsDir: dataPaths(config.dataDir).models, logger: opts.logger ?? silentLogger, ...(opts.progress ? { progress: opts.progress } : {}) };
  let picked: SelectedEmbedder;
  if (opts.require) picked = await openRequired(ctx, opts.require);
  else if (config.embedder === 'auto' && opts.built) picked = await keepBuilt(ctx, opts.built);
  else if (config.embedder === 'auto') picked = await openAuto(ctx);
  else if (config.embedder === 'static') picked = { embedder: await openStatic(ctx), reason: 'PAPERSIFT_EMBEDDER=static' };
  else picked = { embedder: await openModel(ctx, config.embedder, config.dtype), reason: `PAPERSIFT_EMBEDDER=${config.embedder} (${config.dtype})` };
  ctx.logger.info({ embedder: picked.embedder.info.id, reason: picked.reason }, 'embedder selected');
  return picked;
}
