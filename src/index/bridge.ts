// Which bridge a new generation is indexed with. A refit (src/search/catalogue-bridge.ts) changes the lexical
// analyzer id, and so rebuilds the BM25 index from every paper (~30 s at 20k papers, against ~2 s for an update), and
// a few new or edited papers barely move what thousands of pairs say. So a build keeps the previous generation's
// bridge until the bilingual papers changed since it was fitted (added, removed or rewritten, summed over the builds
// in between) reach REFIT_DRIFT of those it was fitted from; a full build (`--full`, or no usable previous
// generation) always refits, and gives the same bytes for the same catalogue.
import type { Paper } from '../catalogue/types.js';
import type { Bridge } from '../lang/bridge.js';
import { alignedPair, catalogueBridge, MIN_REFIT_PAIRS } from '../search/catalogue-bridge.js';
import { REFIT_DRIFT } from './drift.js';
import type { LoadedGeneration } from './generations.js';
import { generationBridge } from './open-engine.js';

/** How a generation's bridge was fitted (recorded in its manifest). */
export interface BridgeFit {
  /** Bilingual papers of the catalogue it was fitted from. */
  pairs: number;
  /** Bilingual papers added, removed or rewritten since. */
  drift: number;
}

export interface ChosenBridge extends BridgeFit {
  bridge: Bridge;
  /** Fitted by this build (else kept from the previous generation). */
  refit: boolean;
}

/** The bridge for a build of `papers` that starts from `previous` (absent: a full build). */
export async function chooseBridge(papers: readonly Paper[], previous?: Pick<LoadedGeneration, 'papers' | 'manifest' | 'bridge'>): Promise<ChosenBridge> {
  const fitted = previous?.manifest.bridge;
  if (previous && fitted) {
    const drift = (fitted.drift ?? 0) + changedPairs(previous.papers, papers);
    if (drift < REFIT_DRIFT * Math.max(fitted.pairs, MIN_REFIT_PAIRS)) return { bridge: await generationBridge(previous), refit: false, pairs: fitted.pairs, drift };
  }
  const bridge = catalogueBridge(papers);
  return { bridge, refit: true, pairs: papers.filter((p) => alignedPair(p)).length, drift: 0 };
}

/** Papers whose aligned pair differs between the two catalogues (added, removed or rewritten bilingual papers). */
function changedPairs(before: readonly Paper[], after: readonly Paper[]): number {
  const key = (p: Paper) => {
    const pair = alignedPair(p);
    return pair && `${pair.en}\0${pair.zh}`;
  };
  const old = new Map(before.map((p) => [p.id, p]));
  let changed = 0;
  for (const p of after) {
    const o = old.get(p.id);
    old.delete(p.id);
    if (o === p) continue; // the same object (the catalogue keeps unchanged papers' objects): the same pair
    const [k, was] = [key(p), o && key(o)];
    if (k !== was && (k || was)) changed++;
  }
  for (const o of old.values()) if (key(o)) changed++;
  return changed;
}
