// The one place configuration is read. Everything else receives a Config.
// Every setting is checked by a zod schema; a bad value is a ConfigError naming the variable (and its flag), the
// value given and the accepted values, so the CLI can exit 2 before anything starts.
import { resolve } from 'node:path';
import { z } from 'zod';

export type EmbedderChoice = 'auto' | 'static' | string; // any other value is a transformers.js model id

export interface Config {
  port: number;
  host: string;
  dataDir: string; // PAPERSIFT_DATA
  sources: string[]; // PAPERSIFT_SOURCES (newsletter directories / files)
  embedder: EmbedderChoice; // PAPERSIFT_EMBEDDER
  dtype: 'q8' | 'fp32' | 'fp16' | 'q4'; // PAPERSIFT_DTYPE
  offline: boolean; // PAPERSIFT_OFFLINE: never try to download models
  hfEndpoint?: string; // HF_ENDPOINT: a Hugging Face Hub mirror to download models from (e.g. https://hf-mirror.com)
  localModels?: string; // PAPERSIFT_LOCAL_MODELS: a pre-downloaded model root (<dir>/<model id>/...), searched first
  apiKey?: string; // PAPERSIFT_API_KEY: enables write endpoints
  corsOrigin: string; // PAPERSIFT_CORS_ORIGIN
  logLevel: LogLevel; // PAPERSIFT_LOG_LEVEL
  keepGenerations: number; // PAPERSIFT_KEEP_GENERATIONS
  hnsw: { M: number; efConstruction: number; ef: number };
  maxQueryChars: number; // PAPERSIFT_MAX_QUERY_CHARS: longest accepted search query / recommend text
  maxLimit: number; // PAPERSIFT_MAX_LIMIT: largest page size (limit) a request may ask for
  maxBodyBytes: number; // PAPERSIFT_MAX_BODY_BYTES: largest accepted request body (413 above it)
  maxConcurrentExpensive: number; // PAPERSIFT_MAX_CONCURRENT_EXPENSIVE: recommendations, related-papers requests, deep searches and paper pages in progress at once (429 above)
  watchIntervalMs: number; // PAPERSIFT_WATCH_INTERVAL_MS: polling fallback for noticing a new index generation
  /** PAPERSIFT_RATE_LIMIT (requests per window per client address; absent = off) and PAPERSIFT_RATE_LIMIT_LOOPBACK. */
  rateLimit?: RateLimit;
}

export interface RateLimit {
  max: number;
  windowSeconds: number;
  /** Limit loopback clients too (off by default: local scripts, and a reverse proxy on the same host). */
  loopback: boolean;
}

export type ConfigOverrides = Partial<Omit<Config, 'hnsw' | 'logLevel' | 'rateLimit'>> & {
  hnsw?: Partial<Config['hnsw']>;
  logLevel?: string;
  rateLimit?: RateLimit | 'off';
};

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const DTYPES = ['q8', 'fp32', 'fp16', 'q4'] as const;
const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/** Invalid settings, one line per problem; the CLI prints them and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly exitCode = 2;
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

// Settings arrive as strings (environment) or already typed (flags, tests): schemas accept both.
const int = (min: number, max: number) =>
  z
    .union([z.number(), z.string().trim().regex(/^-?\d+$/).transform(Number)])
    .pipe(z.number().int().min(min).max(max));

const bool = z.union([
  z.boolean(),
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => TRUE.includes(v) || FALSE.includes(v))
    .transform((v) => TRUE.includes(v)),
]);

const text = z.string().trim().min(1);

const httpUrl = text.refine((v) => /^https?:$/.test(parseUrl(v)?.protocol ?? ''));

/** "*", "none", or origins exactly as browsers send them (scheme://host[:port], no path or trailing slash). */
const corsOrigin = text.refine((v) => v === '*' || v === 'none' || v.split(',').every((o) => isOrigin(o.trim())));

function parseUrl(v: string): URL | undefined {
  try {
    return new URL(v); // not URL.parse: Node 20 before 20.18 lacks it
  } catch {
    return undefined;
  }
}

function isOrigin(o: string): boolean {
  const url = parseUrl(o);
  return url !== undefined && /^https?:$/.test(url.protocol) && url.origin === o;
}

/** "off" or <requests>/<seconds>, e.g. 300/60. */
const rateLimit = z.union([
  z.literal('off'),
  z.object({ max: z.number(), windowSeconds: z.number(), loopback: z.boolean() }),
  text.regex(/^(off|[1-9]\d{0,6}\/[1-9]\d{0,5})$/).transform((v) => {
    if (v === 'off') return 'off' as const;
    const [max, windowSeconds] = v.split('/').map(Number) as [number, number];
    return { max, windowSeconds };
  }),
]);

// A model id as on the hub ("org/name"), or auto / static; local paths go through PAPERSIFT_LOCAL_MODELS instead.
const embedder = text.regex(/^(auto|static|[\w.-]+\/[\w.-]+)$/);

interface Setting {
  env: string;
  flag?: string;
  accepted: string;
  schema: z.ZodType;
}

const SETTINGS = {
  port: { env: 'PORT', flag: 'serve --port', accepted: 'an integer in [0, 65535]', schema: int(0, 65535) },
  host: { env: 'HOST', flag: 'serve --host', accepted: 'an interface name or address', schema: text },
  embedder: { env: 'PAPERSIFT_EMBEDDER', flag: '--embedder', accepted: 'auto, static, or a model id like Xenova/multilingual-e5-small', schema: embedder },
  dtype: { env: 'PAPERSIFT_DTYPE', accepted: DTYPES.join(', '), schema: z.enum(DTYPES) },
  offline: { env: 'PAPERSIFT_OFFLINE', accepted: `${TRUE.join(', ')} or ${FALSE.join(', ')}`, schema: bool },
  hfEndpoint: { env: 'HF_ENDPOINT', accepted: 'an http(s) URL of a Hugging Face Hub mirror, e.g. https://hf-mirror.com', schema: httpUrl },
  localModels: { env: 'PAPERSIFT_LOCAL_MODELS', accepted: 'a directory holding <model id>/ folders', schema: text },
  apiKey: { env: 'PAPERSIFT_API_KEY', accepted: 'any non-empty token', schema: z.string().min(1) },
  corsOrigin: {
    env: 'PAPERSIFT_CORS_ORIGIN',
    accepted: '*, none, or a comma-separated list of origins like https://example.org,http://localhost:3000 (scheme://host[:port], no path)',
    schema: corsOrigin,
  },
  logLevel: { env: 'PAPERSIFT_LOG_LEVEL', flag: '--log-level', accepted: LOG_LEVELS.join(', '), schema: z.enum(LOG_LEVELS) },
  keepGenerations: { env: 'PAPERSIFT_KEEP_GENERATIONS', flag: 'reindex --keep', accepted: 'an integer in [1, 1000]', schema: int(1, 1000) },
  M: { env: 'PAPERSIFT_HNSW_M', accepted: 'an integer in [4, 128]', schema: int(4, 128) },
  efConstruction: { env: 'PAPERSIFT_HNSW_EF_CONSTRUCTION', accepted: 'an integer in [10, 2000]', schema: int(10, 2000) },
  ef: { env: 'PAPERSIFT_HNSW_EF', accepted: 'an integer in [10, 2000]', schema: int(10, 2000) },
  maxQueryChars: { env: 'PAPERSIFT_MAX_QUERY_CHARS', accepted: 'an integer in [1, 1000]', schema: int(1, 1000) },
  maxLimit: { env: 'PAPERSIFT_MAX_LIMIT', accepted: 'an integer in [1, 100]', schema: int(1, 100) },
  maxBodyBytes: { env: 'PAPERSIFT_MAX_BODY_BYTES', accepted: `an integer in [1024, ${1 << 30}]`, schema: int(1024, 1 << 30) },
  maxConcurrentExpensive: { env: 'PAPERSIFT_MAX_CONCURRENT_EXPENSIVE', accepted: 'an integer in [1, 1000]', schema: int(1, 1000) },
  watchIntervalMs: { env: 'PAPERSIFT_WATCH_INTERVAL_MS', accepted: 'an integer in [50, 3600000]', schema: int(50, 3_600_000) },
  rateLimit: { env: 'PAPERSIFT_RATE_LIMIT', accepted: 'off, or <requests>/<seconds> per client address, e.g. 300/60', schema: rateLimit },
  rateLimitLoopback: { env: 'PAPERSIFT_RATE_LIMIT_LOOPBACK', accepted: `${TRUE.join(', ')} or ${FALSE.join(', ')}`, schema: bool },
} satisfies Record<string, Setting>;

type Key = keyof typeof SETTINGS;

/** Checks one setting: the override if given, else the environment variable (unset or "" = the default). */
function read(key: Key, override: unknown, env: NodeJS.ProcessEnv, problems: string[]): unknown {
  const s: Setting = SETTINGS[key];
  const raw = override ?? (env[s.env] === '' ? undefined : env[s.env]);
  if (raw === undefined) return undefined;
  const parsed = s.schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const from = override !== undefined && s.flag ? s.flag : s.env;
  problems.push(`${from}=${JSON.stringify(raw)} is not accepted: expected ${s.accepted}${from === s.env && s.flag ? ` (flag ${s.flag})` : ''}`);
  return undefined;
}

/** Builds the config from environment variables, then applies explicit overrides (CLI flags, tests). */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const get = <T>(key: Key, override: unknown, fallback: T): T => (read(key, override, env, problems) as T | undefined) ?? fallback;
  const optional = <T>(key: Key, override: unknown): T | undefined => read(key, override, env, problems) as T | undefined;
  const o = overrides;
  const config: Config = {
    port: get('port', o.port, 8787),
    host: get('host', o.host, '0.0.0.0'),
    dataDir: resolve(o.dataDir ?? (env.PAPERSIFT_DATA || './index-data')),
    sources: (o.sources ?? (env.PAPERSIFT_SOURCES || './seeds').split(/[,:]/).filter(Boolean)).map((s) => resolve(s)),
    embedder: get('embedder', o.embedder, 'auto'),
    dtype: get('dtype', o.dtype, 'q8'),
    offline: get('offline', o.offline, false),
    corsOrigin: get('corsOrigin', o.corsOrigin, '*'),
    logLevel: get('logLevel', o.logLevel, 'warn'),
    keepGenerations: get('keepGenerations', o.keepGenerations, 3),
    hnsw: { M: get('M', o.hnsw?.M, 16), efConstruction: get('efConstruction', o.hnsw?.efConstruction, 200), ef: get('ef', o.hnsw?.ef, 96) },
    maxQueryChars: get('maxQueryChars', o.maxQueryChars, 500),
    maxLimit: get('maxLimit', o.maxLimit, 100),
    maxBodyBytes: get('maxBodyBytes', o.maxBodyBytes, 2 * 1024 * 1024),
    maxConcurrentExpensive: get('maxConcurrentExpensive', o.maxConcurrentExpensive, 2),
    watchIntervalMs: get('watchIntervalMs', o.watchIntervalMs, 2000),
  };
  const apiKey = optional<string>('apiKey', o.apiKey);
  const hfEndpoint = optional<string>('hfEndpoint', o.hfEndpoint);
  const localModels = optional<string>('localModels', o.localModels);
  const limit = get<'off' | { max: number; windowSeconds: number; loopback?: boolean }>('rateLimit', o.rateLimit, { max: 300, windowSeconds: 60 });
  const loopback = get('rateLimitLoopback', undefined, false);
  if (problems.length) throw new ConfigError(problems);
  return {
    ...config,
    ...(apiKey ? { apiKey } : {}),
    ...(hfEndpoint ? { hfEndpoint } : {}),
    ...(localModels ? { localModels: resolve(localModels) } : {}),
    ...(limit === 'off' ? {} : { rateLimit: { loopback, ...limit } }),
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
