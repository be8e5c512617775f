// Tests that run `npm start` (bin/papersift.js) build the checkout's dist/ first, outside their timed waits: a start
// on stale sources would build it itself (scripts/dist.mjs), 10-30 s on a busy machine.
import { build, staleness } from '../../scripts/dist.mjs';

export function ensureBuilt(): void {
  if (staleness()) build();
}
