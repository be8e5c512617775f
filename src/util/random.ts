// Seeded randomness for reproducible synthetic data (test models, benchmark corpora, test vectors):
// Math.random cannot be seeded.

/** mulberry32: tiny and fast, with statistical quality good enough for synthetic data. Uniform in [0, 1). */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
