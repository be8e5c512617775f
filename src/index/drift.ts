// The rule for what a build fits on the whole catalogue (the bridge, src/index/bridge.ts; the calibration,
// src/index/calibration.ts) and keeps while few papers changed: a fit on thousands of papers barely moves for a
// handful, and fitting again costs as much as the rest of a nightly run.

/** Share of the papers a fit was made on that must have changed (summed over the builds since) before a build fits again. */
export const REFIT_DRIFT = 0.1;
