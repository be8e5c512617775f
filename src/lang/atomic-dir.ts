// Builds a directory of generated files so readers see either no directory or a complete one: fill a temp
// directory next to the target, fsync, then rename it into place. A crash mid-build leaves only a temp dir.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsyncDir } from '../util/atomic.ts';
import { processAlive } from '../util/process.js';

/**
 * Runs `fill(tmpDir)` and moves the result to `target`, replacing any existing directory there (a stale or
 * corrupt build). If another process installs the same target concurrently, its result wins and ours is dropped.
 */
export async function buildDirAtomic(target: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `.${basename(target)}.${tag}.tmp`);
  await mkdir(tmp);
  try {
    await fill(tmp);
    await fsyncDir(tmp);
    const old = join(parent, `.${basename(target)}.${tag}.old`);
    // move a previous build aside first: rename() cannot replace a non-empty directory
    const hadOld = await rename(target, old).then(() => true, () => false);
    await rename(tmp, target);
    if (hadOld) await rm(old, { recursive: true, force: true });
    await fsyncDir(parent);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const LOCK_POLL_MS = 250;

/**
 * Runs `fn` while holding `<target>.lock` (created exclusively, holding our pid), so parallel processes
 * (test workers, a server and a CLI) do not all build the same multi-second model at once: the others wait
 * and then find the finished build. A lock left by a dead process is taken over.
 */
export async function withBuildLock<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${target}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (owner > 0 && owner !== process.pid && !processAlive(owner)) {
        await rm(lock, { force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}
