// Loads the hnswlib-node native addon. hnswlib-node's stock build compiles without -march, so its distance
// code is SSE-only; scripts/postinstall-hnswlib-avx2.mjs may build a second copy with AVX2/FMA. We use that
// copy only when this CPU reports both flags (the binary would crash with SIGILL elsewhere) and fall back to
// the stock build otherwise, so installs on machines without AVX2 keep working.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
// The postinstall script writes the AVX2 build and decides whether to build it; the same path and CPU check
// decide whether to load it here. cpuHasAvx2Fma: /proc/cpuinfo lists both avx2 and fma (Linux only).
import { AVX2_ADDON as AVX2_ADDON_PATH, cpuHasAvx2Fma } from '../../scripts/postinstall-hnswlib-avx2.mjs';

export { AVX2_ADDON_PATH, cpuHasAvx2Fma };

const require = createRequire(import.meta.url);

export type Hnswlib = typeof import('hnswlib-node');
export type HnswlibVariant = 'avx2' | 'default';

/** Loads an addon from an explicit path (benchmarks compare builds side by side). */
export function loadHnswlibFrom(addonPath: string): Hnswlib {
  return require(addonPath) as Hnswlib;
}

let loaded: { lib: Hnswlib; variant: HnswlibVariant } | undefined;

/**
 * The addon this process uses. PAPERSIFT_HNSWLIB=default forces the stock build (for comparisons or if the
 * AVX2 build misbehaves); otherwise the AVX2 build wins when present and supported.
 */
export function hnswlib(): { lib: Hnswlib; variant: HnswlibVariant } {
  if (loaded) return loaded;
  const wantDefault = process.env.PAPERSIFT_HNSWLIB === 'default';
  if (!wantDefault && existsSync(AVX2_ADDON_PATH) && cpuHasAvx2Fma()) {
    try {
      loaded = { lib: loadHnswlibFrom(AVX2_ADDON_PATH), variant: 'avx2' };
      return loaded;
    } catch {
      // a stale build for another Node ABI: the stock build below still works
    }
  }
  loaded = { lib: require('hnswlib-node') as Hnswlib, variant: 'default' };
  return loaded;
}
