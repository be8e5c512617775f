// Builds a directory of generated files so readers see either no directory or a complete one: fill a temp
// directory next to the target, fsync, then rename it into place. A crash mid-build leaves only a temp dir.
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsyncDir } from '../util/atomic.ts';

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
