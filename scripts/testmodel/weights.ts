// Random-but-seeded BERT weights (BERT's own initialisation: N(0, 0.02), LayerNorm gamma 1 / beta 0).
import { normalArray } from './rng.js';
import { seededUniform } from '../../src/util/random.js';
import type { TestModelParams } from './params.js';

export interface Linear {
  /** Row-major [inFeatures, outFeatures], i.e. already transposed for x @ W. */
  w: Float32Array;
  b: Float32Array;
  inFeatures: number;
  outFeatures: number;
}

export interface LayerNormWeights {
  gamma: Float32Array;
  beta: Float32Array;
}

export interface EncoderLayerWeights {
  q: Linear;
  k: Linear;
  v: Linear;
  attnOut: Linear;
  attnLn: LayerNormWeights;
  ffnIn: Linear;
  ffnOut: Linear;
  ffnLn: LayerNormWeights;
}

export interface BertWeights {
  word: Float32Array; // [vocabSize, hidden]
  position: Float32Array; // [maxPositions, hidden]
  tokenType: Float32Array; // [2, hidden]
  embLn: LayerNormWeights;
  layers: EncoderLayerWeights[];
}

const INIT_STD = 0.02;

export function randomBertWeights(p: TestModelParams): BertWeights {
  const rand = seededUniform(p.seed);
  const linear = (inFeatures: number, outFeatures: number): Linear => ({
    w: normalArray(rand, inFeatures * outFeatures, INIT_STD),
    // small non-zero biases so the bias path is exercised (and quantisation error is visible)
    b: normalArray(rand, outFeatures, INIT_STD),
    inFeatures,
    outFeatures,
  });
  const layerNorm = (): LayerNormWeights => ({ gamma: new Float32Array(p.hidden).fill(1), beta: new Float32Array(p.hidden) });
  return {
    word: normalArray(rand, p.vocabSize * p.hidden, INIT_STD),
    position: normalArray(rand, p.maxPositions * p.hidden, INIT_STD),
    tokenType: normalArray(rand, 2 * p.hidden, INIT_STD),
    embLn: layerNorm(),
    layers: Array.from({ length: p.layers }, () => ({
      q: linear(p.hidden, p.hidden),
      k: linear(p.hidden, p.hidden),
      v: linear(p.hidden, p.hidden),
      attnOut: linear(p.hidden, p.hidden),
      attnLn: layerNorm(),
      ffnIn: linear(p.hidden, p.ffn),
      ffnOut: linear(p.ffn, p.hidden),
      ffnLn: layerNorm(),
    })),
  };
}
