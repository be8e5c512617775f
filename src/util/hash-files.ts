// sha256 of files on a worker thread. Verifying an index generation hashes ~100 MB at 20k papers (~0.2 s of one
// core); on a worker it overlaps with the main thread parsing what it reads instead of adding to it, and a server
// verifying a new generation keeps answering meanwhile. The worker is plain JavaScript (no loader needed) and exits
// once every file is hashed.
import { Worker } from 'node:worker_threads';

export interface FileHash {
  bytes: number;
  sha256: string;
}

/** A file the worker could not read: the errno code (ENOENT...) and message of the failed read. */
export class HashReadError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'HashReadError';
  }
}

// reads in large chunks into one reused buffer: constant memory whatever the file size
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const chunk = Buffer.allocUnsafe(8 << 20);
workerData.forEach((path, i) => {
  try {
    const fd = openSync(path, 'r');
    try {
      const hash = createHash('sha256');
      let bytes = 0;
      for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; bytes += n) hash.update(chunk.subarray(0, n));
      parentPort.postMessage({ i, bytes, sha256: hash.digest('hex') });
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    parentPort.postMessage({ i, message: e.message, code: e.code });
  }
});
`;

type Answer = { i: number } & (FileHash | { message: string; code?: string });

/**
 * Hashes `paths` in order on one worker thread. One promise per path, settling as soon as that file is hashed
 * (rejecting with HashReadError when it cannot be read): a caller can use the first files while the rest are hashed.
 * Every promise settles, also when the worker dies (then with its error).
 */
export function hashFiles(paths: readonly string[]): Promise<FileHash>[] {
  const pending = paths.map(() => {
    let resolve!: (h: FileHash) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<FileHash>((ok, ko) => ((resolve = ok), (reject = ko)));
    return { promise, resolve, reject };
  });
  if (paths.length === 0) return [];
  let settled = 0;
  // no inherited flags: --input-type=module would make the script a module (no require), --import tsx would load a loader
  const worker = new Worker(WORKER, { eval: true, workerData: paths, execArgv: [] });
  worker.on('message', (m: Answer) => {
    settled++;
    if ('sha256' in m) pending[m.i]!.resolve({ bytes: m.bytes, sha256: m.sha256 });
    else pending[m.i]!.reject(new HashReadError(paths[m.i]!, m.message, m.code));
  });
  const failAll = (err: Error) => pending.forEach((p) => p.reject(err)); // settled ones ignore it
  worker.on('error', failAll);
  worker.on('exit', (code) => {
    if (settled < paths.length) failAll(new Error(`the hashing worker exited (code ${code}) before hashing ${paths.length - settled} of ${paths.length} files`));
  });
  // awaited in any order: a file that fails before its caller gets to it is not an unhandled rejection
  for (const p of pending) p.promise.catch(() => undefined);
  return pending.map((p) => p.promise);
}
