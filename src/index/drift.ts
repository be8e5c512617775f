// How far a catalogue moved between two builds, for what a build fits on the whole catalogue (the bridge, the
// calibration) and keeps while few papers changed: a fit on thousands of papers barely moves for a handful.

/** Share of the papers a fit was made on that must have changed before a build fits again. */
export const REFIT_DRIFT = 0.1;

/**
 * Papers whose `key` differs between the two catalogues: added, removed or changed. A paper `key` gives undefined
 * for (one without a bilingual pair, say) does not count unless it had a key on the other side.
 */
export function changedPapers<P extends { id: string }>(before: readonly P[], after: readonly P[], key: (p: P) => string | undefined): number {
  const old = new Map(before.map((p) => [p.id, key(p)]));
  let changed = 0;
  for (const p of after) {
    const k = key(p);
    if (k !== old.get(p.id) && (k || old.get(p.id))) changed++;
    old.delete(p.id);
  }
  for (const k of old.values()) if (k) changed++;
  return changed;
}
