// TEST-ONLY fault-injection points. The fault tests (tests/reindex/faults.test.ts, tests/server/writes.test.ts)
// must kill -9 a real reindex or a server mid-upload at exact moments ("while embedding", "while writing the generation"); timing-based kills would be
// flaky. Setting PAPERSIFT_TEST_PAUSE_AT=<point> makes the run print "PAPERSIFT_TEST_PAUSED <point>" on
// stderr when it reaches that point and then wait until killed (or resumed with SIGUSR2). Unset (always,
// in production) every check is a single environment lookup that does nothing.
//   embedding  after the first embedding batch is computed, before it is handed back
//   writing    inside the generation writer: the HNSW files are in generations/<n>.partial-<pid>/, the
//              papers snapshot and the manifest are not
//   switching  the new generation is complete (and evaluated, in a reindex), CURRENT not yet switched
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { Embedder } from '../embed/types.js';

export type PausePoint = 'embedding' | 'writing' | 'switching';

export const PAUSE_ENV = 'PAPERSIFT_TEST_PAUSE_AT';

const paused = new Set<PausePoint>();

export function pauseRequested(point: PausePoint): boolean {
  return process.env[PAUSE_ENV] === point;
}

/**
 * If PAPERSIFT_TEST_PAUSE_AT names this point: announce it and block until the process is killed, or until it
 * receives SIGUSR2, which resumes the run (the concurrency test holds one run mid-way, then lets it finish).
 */
export async function pauseIfRequested(point: PausePoint): Promise<void> {
  if (!pauseRequested(point) || paused.has(point)) return;
  paused.add(point); // once per run: after a resume the run goes on to the end
  await new Promise<void>((resume) => {
    const keepAlive = setInterval(() => {}, 1 << 30);
    process.once('SIGUSR2', () => {
      clearInterval(keepAlive);
      resume();
    });
    process.stderr.write(`PAPERSIFT_TEST_PAUSED ${point} pid=${process.pid}\n`);
  });
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

/**
 * With PAPERSIFT_TEST_PAUSE_AT=writing, pauses when the generation writer (src/index/generations.ts, not ours
 * to instrument) writes a papers segment (papers-<i>.json, src/index/reuse.ts) into a partial generation directory. It patches fs/promises'
 * writeFile and re-syncs the built-in ESM bindings, so the writer's own import sees the patch.
 */
export function installWritePause(): void {
  if (!pauseRequested('writing')) return;
  const fsp = createRequire(import.meta.url)('node:fs/promises') as typeof import('node:fs/promises');
  const original = fsp.writeFile;
  fsp.writeFile = (async (...args: Parameters<typeof original>) => {
    if (/\.partial-\d+[\\/]papers-\d+\.json$/.test(String(args[0]))) await pauseIfRequested('writing');
    return original(...args);
  }) as typeof original;
  syncBuiltinESMExports();
}
