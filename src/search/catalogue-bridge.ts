// The Chinese-English bridge a catalogue is indexed and searched with: the shipped counts (src/lang/bridge.ts) plus
// the catalogue's own bilingual papers, each an aligned pair, so the terms of the user's field translate as their
// papers use them. Only the catalogue's text is used (what a user has at index time). Catalogues with few bilingual
// papers keep the shipped bridge unchanged: a handful of pairs barely moves the 4,870 counted ones, and any change to
// the bridge changes the lexical analyzer id, which rebuilds the lexical index from every paper.
import type { Paper } from '../catalogue/types.js';
import { learnBridge, loadShippedBridge, loadShippedCounts, type AlignedPair, type Bridge } from '../lang/bridge.js';

/** Bilingual papers a catalogue needs before its bridge is refitted. */
export const MIN_REFIT_PAIRS = 100;

/** The bridge for these papers: refitted on top of the shipped counts, or the shipped bridge for small catalogues. */
export function catalogueBridge(papers: readonly Paper[]): Bridge {
  const pairs = papers.flatMap((p) => alignedPair(p) ?? []);
  return pairs.length < MIN_REFIT_PAIRS ? loadShippedBridge() : learnBridge(pairs, { base: loadShippedCounts() });
}

/** A paper's English and Chinese text as an aligned pair, when it has both (titles and summaries alike). */
export function alignedPair(p: Paper): AlignedPair | undefined {
  const en = [p.title.en, p.summary.en].filter(Boolean).join('\n');
  const zh = [p.title.zh, p.summary.zh].filter(Boolean).join('\n');
  return en && zh ? { en, zh } : undefined;
}
