// Known transformers.js embedding models and the settings that make their vectors right. Any other model id
// works too: pass its settings (pooling, prefixes), otherwise generic defaults (mean pooling, no prefixes) apply.

export type Pooling = 'mean' | 'cls';
export type Dtype = 'q8' | 'fp32' | 'fp16' | 'q4';

export interface ModelSettings {
  /** How token vectors become one vector: e5 / MiniLM use the attention-masked mean, bge-m3 the [CLS] token. */
  pooling: Pooling;
  /** Prepended to search queries (e5: "query: "). */
  queryPrefix: string;
  /** Prepended to documents (e5: "passage: "). */
  passagePrefix: string;
  /**
   * Longest window in tokens, special tokens included. Texts longer than this are split into sentence windows
   * that each fit; their vectors are averaged (weighted by token count) and re-normalised. Capped at what the
   * model's tokenizer allows.
   */
  maxLength: number;
  /** Texts per model call inside embedDocuments (does not change the vectors). */
  batchSize: number;
  /** Model calls in flight at once (does not change the vectors). */
  concurrency: number;
}

export interface KnownModel {
  dimensions: number;
  description: string;
  settings: Omit<ModelSettings, 'batchSize' | 'concurrency'>;
}

export const DEFAULT_MODEL = 'Xenova/multilingual-e5-small';

export const KNOWN_MODELS: Readonly<Record<string, KnownModel>> = {
  'Xenova/multilingual-e5-small': {
    dimensions: 384,
    description: 'multilingual E5 small (12 layers, 384-d, ~100 languages); default',
    settings: { pooling: 'mean', queryPrefix: 'query: ', passagePrefix: 'passage: ', maxLength: 512 },
  },
  'Xenova/paraphrase-multilingual-MiniLM-L12-v2': {
    dimensions: 384,
    description: 'sentence-transformers multilingual MiniLM (12 layers, 384-d); trained on 128-token inputs',
    settings: { pooling: 'mean', queryPrefix: '', passagePrefix: '', maxLength: 128 },
  },
  'Xenova/bge-m3': {
    dimensions: 1024,
    description: 'BGE-M3 dense vectors (24 layers, 1024-d, long inputs); CLS pooling; large and slow on CPU',
    settings: { pooling: 'cls', queryPrefix: '', passagePrefix: '', maxLength: 8192 },
  },
};

// On 2 CPU cores batching barely helps (onnxruntime already uses both cores inside one call; see `npm run bench -- embed`);
// 8 keeps padding waste low, and one call in flight avoids two calls fighting over the same cores.
const RUNTIME_DEFAULTS = { batchSize: 8, concurrency: 1 };
const GENERIC: KnownModel['settings'] = { pooling: 'mean', queryPrefix: '', passagePrefix: '', maxLength: 512 };

export function isKnownModel(model: string): boolean {
  return Object.hasOwn(KNOWN_MODELS, model);
}

/** Registry settings for `model`, overridden by `overrides`; validated so bad values fail here, not mid-index. */
export function resolveModelSettings(model: string, overrides: Partial<ModelSettings> = {}): ModelSettings {
  const base = isKnownModel(model) ? KNOWN_MODELS[model]!.settings : GENERIC;
  const s: ModelSettings = { ...RUNTIME_DEFAULTS, ...base, ...stripUndefined(overrides) };
  if (s.pooling !== 'mean' && s.pooling !== 'cls') throw new Error(`settings.pooling must be "mean" or "cls", got "${String(s.pooling)}"`);
  for (const k of ['maxLength', 'batchSize', 'concurrency'] as const) {
    if (!Number.isInteger(s[k]) || s[k] < 1) throw new Error(`settings.${k} must be a positive integer, got ${String(s[k])}`);
  }
  if (s.maxLength < 8) throw new Error(`settings.maxLength must be at least 8 tokens, got ${s.maxLength}`);
  for (const k of ['queryPrefix', 'passagePrefix'] as const) {
    if (typeof s[k] !== 'string') throw new Error(`settings.${k} must be a string, got ${typeof s[k]}`);
  }
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The ONNX file transformers.js loads for a dtype (its DEFAULT_DTYPE_SUFFIX_MAPPING). */
export function onnxFileFor(dtype: Dtype): string {
  const suffix = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' }[dtype];
  return `onnx/model${suffix}.onnx`;
}

/** Files a local model directory needs for feature extraction. */
export function requiredModelFiles(dtype: Dtype): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFileFor(dtype)];
}
