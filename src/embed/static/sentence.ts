// Sentence vectors: SIF-weighted mean of word vectors, each word centred by its own language's mean (so a
// Chinese and an English text about the same thing land together, and mixed text works), then the common
// component removed and the result scaled to unit length.
import { tokens, type TokenLang } from '../../lang/text.ts';
import type { Lexicon } from './lexicon.ts';

export interface Statistics {
  mean: Record<TokenLang, Float32Array>;
  component: Float32Array; // unit vector, or all zeros for none
}

export interface SentenceOptions {
  weighted: boolean; // SIF weights (false = plain average: the evaluation's ablation)
  center: boolean;
  removeComponent: boolean;
}

export const DEFAULT_SENTENCE_OPTIONS: SentenceOptions = { weighted: true, center: true, removeComponent: true };

export class SentenceEncoder {
  constructor(
    private readonly lexicon: Lexicon,
    private readonly stats: Statistics,
    private readonly opts: SentenceOptions = DEFAULT_SENTENCE_OPTIONS,
  ) {}

  get dimensions(): number {
    return this.lexicon.en.dimensions;
  }

  /** The weighted, centred mean before component removal and normalisation (for fitting statistics). */
  rawMean(text: string): { vector: Float32Array; weight: number } {
    const d = this.dimensions;
    const acc = new Float32Array(d);
    const langWeight = { en: 0, zh: 0 };
    for (const token of tokens(text)) {
      for (const ref of this.lexicon.resolve(token)) {
        const t = ref.lang === 'en' ? this.lexicon.en : this.lexicon.zh;
        const w = (this.opts.weighted ? t.weights[ref.row]! : 1) * ref.factor;
        const scale = t.scales[ref.row]! * w;
        const vectors = t.vectors;
        const base = ref.row * d;
        for (let i = 0; i < d; i++) acc[i]! += vectors[base + i]! * scale;
        langWeight[ref.lang] += w;
      }
    }
    // centring each word by its language's mean = subtracting each mean once, scaled by that language's weight
    if (this.opts.center) {
      for (const lang of ['en', 'zh'] as const) {
        const m = this.stats.mean[lang];
        const w = langWeight[lang];
        if (w > 0) for (let i = 0; i < d; i++) acc[i]! -= m[i]! * w;
      }
    }
    const total = langWeight.en + langWeight.zh;
    if (total > 0) for (let i = 0; i < d; i++) acc[i]! /= total;
    return { vector: acc, weight: total };
  }

  embed(text: string): Float32Array {
    const v = this.rawMean(text).vector;
    if (this.opts.removeComponent) removeProjection(v, this.stats.component);
    return normalise(v);
  }
}

export function removeProjection(v: Float32Array, u: Float32Array): void {
  let dot = 0;
  for (let i = 0; i < v.length; i++) dot += v[i]! * u[i]!;
  for (let i = 0; i < v.length; i++) v[i]! -= dot * u[i]!;
}

/** Unit length; a text with no usable words gets the same fixed unit vector (so the contract always holds). */
export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (n < 1e-9) return v.fill(1 / Math.sqrt(v.length));
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}
