// The one place configuration is read. Everything else receives a Config.
import { resolve } from 'node:path';

export type EmbedderChoice = 'auto' | 'static' | string; // any other value is a transformers.js model id

export interface Config {
  port: number;
  host: string;
  dataDir: string; // PAPERSIFT_DATA
  sources: string[]; // PAPERSIFT_SOURCES (newsletter directories / files)
  embedder: EmbedderChoice; // PAPERSIFT_EMBEDDER
  dtype: 'q8' | 'fp32' | 'fp16' | 'q4'; // PAPERSIFT_DTYPE
  offline: boolean; // PAPERSIFT_OFFLINE: never try to download models
  apiKey?: string; // PAPERSIFT_API_KEY: enables write endpoints
  corsOrigin: string; // PAPERSIFT_CORS_ORIGIN
  logLevel: string; // PAPERSIFT_LOG_LEVEL
  keepGenerations: number; // PAPERSIFT_KEEP_GENERATIONS
  hnsw: { M: number; efConstruction: number; ef: number };
  maxQueryChars: number; // PAPERSIFT_MAX_QUERY_CHARS: longest accepted search query / recommend text
  maxLimit: number; // PAPERSIFT_MAX_LIMIT: largest page size (limit) a request may ask for
  maxBodyBytes: number; // PAPERSIFT_MAX_BODY_BYTES: largest accepted request body (413 above it)
  maxConcurrentRecommend: number; // PAPERSIFT_MAX_CONCURRENT_RECOMMEND: recommendations in progress at once (429 above)
  watchIntervalMs: number; // PAPERSIFT_WATCH_INTERVAL_MS: polling fallback for noticing a new index generation
}

export type ConfigOverrides = Partial<Omit<Config, 'hnsw'>> & { hnsw?: Partial<Config['hnsw']> };

function bool(v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new Error(`invalid boolean "${v}" (use true/false)`);
}

function int(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got "${v}"`);
  return n;
}

/** Builds the config from environment variables, then applies explicit overrides (CLI flags, tests). */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(overrides.dataDir ?? env.PAPERSIFT_DATA ?? './index-data');
  const sources = (overrides.sources ?? (env.PAPERSIFT_SOURCES ?? './seeds').split(/[,:]/).filter(Boolean)).map((s) => resolve(s));
  const dtype = (overrides.dtype ?? env.PAPERSIFT_DTYPE ?? 'q8') as Config['dtype'];
  if (!['q8', 'fp32', 'fp16', 'q4'].includes(dtype)) throw new Error(`PAPERSIFT_DTYPE must be q8, fp32, fp16 or q4, got "${dtype}"`);
  return {
    port: overrides.port ?? int('PORT', env.PORT, 0, 65535) ?? 8787,
    host: overrides.host ?? env.HOST ?? '0.0.0.0',
    dataDir,
    sources,
    embedder: overrides.embedder ?? env.PAPERSIFT_EMBEDDER ?? 'auto',
    dtype,
    offline: overrides.offline ?? bool(env.PAPERSIFT_OFFLINE) ?? false,
    apiKey: overrides.apiKey ?? (env.PAPERSIFT_API_KEY || undefined),
    corsOrigin: overrides.corsOrigin ?? env.PAPERSIFT_CORS_ORIGIN ?? '*',
    logLevel: overrides.logLevel ?? env.PAPERSIFT_LOG_LEVEL ?? 'warn',
    keepGenerations: overrides.keepGenerations ?? int('PAPERSIFT_KEEP_GENERATIONS', env.PAPERSIFT_KEEP_GENERATIONS, 1, 1000) ?? 3,
    hnsw: {
      M: overrides.hnsw?.M ?? int('PAPERSIFT_HNSW_M', env.PAPERSIFT_HNSW_M, 4, 128) ?? 16,
      efConstruction: overrides.hnsw?.efConstruction ?? int('PAPERSIFT_HNSW_EF_CONSTRUCTION', env.PAPERSIFT_HNSW_EF_CONSTRUCTION, 10, 2000) ?? 200,
      ef: overrides.hnsw?.ef ?? int('PAPERSIFT_HNSW_EF', env.PAPERSIFT_HNSW_EF, 10, 2000) ?? 96,
    },
    maxQueryChars: overrides.maxQueryChars ?? int('PAPERSIFT_MAX_QUERY_CHARS', env.PAPERSIFT_MAX_QUERY_CHARS, 1, 1000) ?? 500,
    maxLimit: overrides.maxLimit ?? int('PAPERSIFT_MAX_LIMIT', env.PAPERSIFT_MAX_LIMIT, 1, 100) ?? 100,
    maxBodyBytes: overrides.maxBodyBytes ?? int('PAPERSIFT_MAX_BODY_BYTES', env.PAPERSIFT_MAX_BODY_BYTES, 1024, 1 << 30) ?? 2 * 1024 * 1024,
    maxConcurrentRecommend: overrides.maxConcurrentRecommend ?? int('PAPERSIFT_MAX_CONCURRENT_RECOMMEND', env.PAPERSIFT_MAX_CONCURRENT_RECOMMEND, 1, 1000) ?? 2,
    watchIntervalMs: overrides.watchIntervalMs ?? int('PAPERSIFT_WATCH_INTERVAL_MS', env.PAPERSIFT_WATCH_INTERVAL_MS, 50, 3_600_000) ?? 2000,
  };
}

/** Well-known paths inside the data directory. */
export function dataPaths(dataDir: string) {
  return {
    catalogue: resolve(dataDir, 'catalogue.json'),
    cache: resolve(dataDir, 'cache'),
    generations: resolve(dataDir, 'generations'),
    current: resolve(dataDir, 'CURRENT'),
    models: resolve(dataDir, 'models'),
    lock: resolve(dataDir, 'reindex.lock'),
    report: resolve(dataDir, 'reindex-report.json'),
  };
}
