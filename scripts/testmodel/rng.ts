// Deterministic random numbers so a given seed always produces byte-identical model weights.

/** Fills a new Float32Array with N(0, std^2) samples (Box-Muller, both outputs used). */
export function normalArray(uniform: () => number, length: number, std: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const u1 = Math.max(uniform(), 1e-12);
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    const theta = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(theta);
    if (i + 1 < length) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}
