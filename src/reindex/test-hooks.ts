// TEST-ONLY fault-injection points. The fault tests (tests/reindex/faults.test.ts) must kill -9 a real
// reindex at exact moments ("while embedding", "while writing the generation"); timing-based kills would be
// flaky. Setting PAPERSIFT_TEST_PAUSE_AT=<point> makes the run print "PAPERSIFT_TEST_PAUSED <point>" on
// stderr when it reaches that point and then wait forever, so the test can kill it there. Unset (always,
// in production) every check is a single environment lookup that does nothing.
import type { Embedder } from '../embed/types.js';

export type PausePoint = 'embedding' | 'writing';

export const PAUSE_ENV = 'PAPERSIFT_TEST_PAUSE_AT';

export function pauseRequested(point: PausePoint): boolean {
  return process.env[PAUSE_ENV] === point;
}

/** Blocks forever (until the process is killed) if PAPERSIFT_TEST_PAUSE_AT names this point. */
export async function pauseIfRequested(point: PausePoint): Promise<void> {
  if (!pauseRequested(point)) return;
  process.stderr.write(`PAPERSIFT_TEST_PAUSED ${point} pid=${process.pid}\n`);
  await new Promise<never>(() => setInterval(() => {}, 1 << 30));
}

/**
 * With PAPERSIFT_TEST_PAUSE_AT=embedding, the first embedding batch is computed and then the run pauses
 * before handing it back: the process is provably in the middle of embedding. Otherwise returns `embedder`.
 */
export function pausingEmbedder(embedder: Embedder): Embedder {
  if (!pauseRequested('embedding')) return embedder;
  return {
    get info() {
      return embedder.info;
    },
    async embedDocuments(texts) {
      const vectors = await embedder.embedDocuments(texts);
      await pauseIfRequested('embedding');
      return vectors;
    },
    embedQuery: (text) => embedder.embedQuery(text),
    close: () => embedder.close(),
  };
}
