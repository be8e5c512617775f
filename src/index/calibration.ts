// Which calibration (confidence cut-offs and fusion weight, src/search/calibration.ts) a new generation is served
// with. Fitting them asks a few thousand null, known-item and held-out questions of the catalogue: ~2.3 s at 20k
// papers, a quarter of a nightly run that changed 1% of it, for cut-offs that a handful of changed papers among
// thousands barely move. So an incremental build keeps the previous generation's calibration until the papers
// changed since it was fitted (added, removed or rewritten, summed over the builds in between) reach REFIT_DRIFT of
// those it was fitted on. A full build, a new embedder, a lexical index built from every paper (a refitted bridge or
// analyzer) or a calibration without a fusion weight (written before weights were fitted) fits again.
import type { Calibration } from '../search/calibration.js';
import { REFIT_DRIFT } from './drift.js';
import type { LoadedGeneration } from './generations.js';

export interface ChosenCalibration {
  calibration?: Calibration;
  /** Fitted by this build (else kept from the previous generation, or none: a catalogue too small to fit). */
  refit: boolean;
}

/**
 * The calibration for a build. `previous` is the generation an incremental build starts from (absent for a full
 * build), `changed` the papers whose indexed text that build added, removed or rewritten (the lexical update counts
 * them); `fit` fits on the new generation.
 */
export async function chooseCalibration(
  previous: Pick<LoadedGeneration, 'manifest'> | undefined,
  changed: number,
  fit: () => Promise<Calibration | undefined>,
): Promise<ChosenCalibration> {
  const kept = previous?.manifest.calibration;
  if (kept?.fusion) {
    const drift = (kept.drift ?? 0) + changed;
    if (drift < REFIT_DRIFT * kept.fit.papers) return { calibration: { ...kept, drift }, refit: false };
  }
  const calibration = await fit();
  return { ...(calibration ? { calibration } : {}), refit: calibration !== undefined };
}
