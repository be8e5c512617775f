// Which embedder to use: PAPERSIFT_EMBEDDER = auto | static | <transformers.js model id>, or exactly the one an
// index was built with (`require`), since queries must be embedded the same way as the vectors they search.
import { dataPaths, type Config } from '../config.js';
import { silentLogger, type Logger } from '../log.js';
import type { Progress } from '../util/progress.js';
import { ModelUnavailableError } from './errors.js';
import { DEFAULT_MODEL, type Dtype, type ModelSettings } from './models.js';
import { locateModel, openTransformersEmbedder } from './transformers.js';
import type { Embedder, EmbedderInfo } from './types.js';

export interface OpenEmbedderOptions {
  logger?: Logger;
  progress?: Progress;
  /** The embedder recorded in an index manifest: open exactly this one or throw. */
  require?: EmbedderInfo;
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

function openModel(ctx: Ctx, model: string, dtype: Dtype, settings?: Partial<ModelSettings>): Promise<Embedder> {
  const { modelsDir, logger, progress } = ctx;
  return openTransformersEmbedder({ model, dtype, modelsDir, offline: ctx.config.offline, logger, ...(progress ? { progress } : {}), ...(settings ? { settings } : {}) });
}

/** auto: the default model when it is on disk or downloadable, otherwise the offline static embedder. */
async function openAuto(ctx: Ctx): Promise<SelectedEmbedder> {
  const { dtype } = ctx.config;
  const found = await locateModel(DEFAULT_MODEL, dtype, ctx.modelsDir);
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
  const fix = `Rebuild the index with the embedder available here (papersift index), or make ${want.id} available`;
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

/**
 * Opens the embedder the configuration asks for (PAPERSIFT_EMBEDDER, PAPERSIFT_DTYPE, PAPERSIFT_OFFLINE; models
 * under <dataDir>/models), or exactly `opts.require`.
 */
export async function openEmbedder(config: Config, opts: OpenEmbedderOptions = {}): Promise<SelectedEmbedder> {
  const ctx: Ctx = { config, modelsDir: dataPaths(config.dataDir).models, logger: opts.logger ?? silentLogger, ...(opts.progress ? { progress: opts.progress } : {}) };
  let picked: SelectedEmbedder;
  if (opts.require) picked = await openRequired(ctx, opts.require);
  else if (config.embedder === 'auto') picked = await openAuto(ctx);
  else if (config.embedder === 'static') picked = { embedder: await openStatic(ctx), reason: 'PAPERSIFT_EMBEDDER=static' };
  else picked = { embedder: await openModel(ctx, config.embedder, config.dtype), reason: `PAPERSIFT_EMBEDDER=${config.embedder} (${config.dtype})` };
  ctx.logger.info({ embedder: picked.embedder.info.id, reason: picked.reason }, 'embedder selected');
  return picked;
}
