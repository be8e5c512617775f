// Fitting the sentence statistics: each language's mean word vector and the dominant common component.
// They are fitted once at build time on a reference corpus the build owns (see build.ts), never on the
// catalogue being indexed, so ingesting papers cannot change the embedder.
import { tokens, type TokenLang } from '../../lang/text.ts';
import type { Lexicon } from './lexicon.ts';
import { SentenceEncoder, type Statistics, type SentenceOptions } from './sentence.ts';

/** SIF-weighted mean word vector per language over the corpus tokens. */
export function fitMeans(lexicon: Lexicon, texts: string[]): Record<TokenLang, Float32Array> {
  const d = lexicon.en.dimensions;
  const sum = { en: new Float64Array(d), zh: new Float64Array(d) };
  const total = { en: 0, zh: 0 };
  for (const text of texts) {
    for (const token of tokens(text)) {
      for (const ref of lexicon.resolve(token)) {
        const t = lexicon.table(ref.lang);
        const w = t.weights[ref.row]! * ref.factor;
        const s = t.scales[ref.row]! * w;
        const acc = sum[ref.lang];
        for (let i = 0; i < d; i++) acc[i]! += t.vectors[ref.row * d + i]! * s;
        total[ref.lang] += w;
      }
    }
  }
  for (const lang of ['en', 'zh'] as const) {
    if (total[lang] === 0) throw new Error(`reference corpus has no ${lang} words to fit the ${lang} mean on`);
  }
  return {
    en: Float32Array.from(sum.en, (x) => x / total.en),
    zh: Float32Array.from(sum.zh, (x) => x / total.zh),
  };
}

/** First principal direction (uncentred, as in SIF) of the corpus sentence vectors, by power iteration. */
export function fitComponent(vectors: Float32Array[], iterations = 100): Float32Array {
  const d = vectors[0]?.length ?? 0;
  // deterministic start: the mean direction (plus a tiny tilt so it is never orthogonal to the answer)
  let u = new Float64Array(d).map((_, i) => 1e-3 * (i + 1));
  for (const v of vectors) for (let i = 0; i < d; i++) u[i]! += v[i]!;
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(d);
    for (const v of vectors) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += v[i]! * u[i]!;
      for (let i = 0; i < d; i++) next[i]! += dot * v[i]!;
    }
    const n = Math.hypot(...next);
    if (n === 0) break;
    u = next.map((x) => x / n);
  }
  return Float32Array.from(u);
}

export function fitStatistics(lexicon: Lexicon, texts: string[], opts: SentenceOptions): Statistics {
  const mean = fitMeans(lexicon, texts);
  const d = lexicon.en.dimensions;
  const encoder = new SentenceEncoder(lexicon, { mean, component: new Float32Array(d) }, { ...opts, removeComponent: false });
  const vectors = texts.map((t) => encoder.rawMean(t)).filter((r) => r.weight > 0).map((r) => r.vector);
  return { mean, component: fitComponent(vectors) };
}
