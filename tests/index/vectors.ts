// Seeded synthetic embeddings for index tests. Real text embeddings cluster by topic, so the data is a
// mixture: 50 random unit "topic" directions plus Gaussian noise (per-dimension sd 0.1, i.e. the noise is about
// twice the length of the topic vector), normalised. Uniform random 384-d vectors would be an unrealistically
// hard case for any ANN index (every point is nearly equidistant from every other).
import { seededUniform } from '../../src/util/random.js';


export function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return v.map((x) => x / n);
}

export function vectorSource(dimensions: number, seed = 1, topics = 50, noise = 0.1): () => Float32Array {
  const rand = seededUniform(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const centres = Array.from({ length: topics }, () => unit(Float32Array.from({ length: dimensions }, gauss)));
  return () => unit(centres[Math.floor(rand() * topics)]!.map((c) => c + gauss() * noise));
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Exact top-k ids by cosine (inputs are unit vectors). */
export function bruteForce(items: Map<string, Float32Array>, query: Float32Array, k: number): string[] {
  return [...items]
    .map(([id, v]) => [id, dot(v, query)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([id]) => id);
}
