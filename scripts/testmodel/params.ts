// Architecture parameters of a generated BERT encoder, and the two shapes the project uses.

export interface TestModelParams {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  /** Rows of the word-embedding matrix; the tokenizer vocabulary is padded to exactly this size. */
  vocabSize: number;
  /** Longest token sequence (including [CLS]/[SEP]); also the tokenizer's model_max_length. */
  maxPositions: number;
  seed: number;
}

/** Small enough that the whole test suite loads and runs it in milliseconds. */
export const TINY: TestModelParams = { layers: 2, hidden: 32, heads: 2, ffn: 64, vocabSize: 4096, maxPositions: 64, seed: 42 };

/** Shaped like Xenova/multilingual-e5-small (~118M parameters, ~470 MB fp32) for benchmarks only. */
export const E5_SMALL_SHAPE: TestModelParams = {
  layers: 12,
  hidden: 384,
  heads: 12,
  ffn: 1536,
  vocabSize: 250_037,
  maxPositions: 512,
  seed: 42,
};

export function validateParams(p: TestModelParams): void {
  for (const [k, v] of Object.entries(p)) {
    if (!Number.isInteger(v) || v < (k === 'seed' ? 0 : 1)) throw new Error(`test model parameter ${k} must be a positive integer, got ${v}`);
  }
  if (p.hidden % p.heads !== 0) throw new Error(`test model parameter hidden (${p.hidden}) must be divisible by heads (${p.heads})`);
  if (p.maxPositions < 4) throw new Error(`test model parameter maxPositions must be >= 4, got ${p.maxPositions}`);
}
