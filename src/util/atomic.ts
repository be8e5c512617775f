import { open, rename, mkdir, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file so readers see either the old or the new content, never a mix:
 * write a temp file in the same directory, fsync it, rename over the target, fsync the directory. `syncDir: false`
 * leaves the directory fsync to a caller writing many files into one directory (one fsync after them all).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: { syncDir?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw naming(err, `writing ${path} (via ${tmp}) failed`);
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  if (opts.syncDir !== false) await fsyncDir(dir);
}

/**
 * The error with `what` in front of its message (ENOSPC from a write says neither the file nor the operation), its
 * errno code kept so callers can still tell kinds apart.
 */
export function naming(err: unknown, what: string): Error {
  const e = err as NodeJS.ErrnoException;
  return Object.assign(new Error(`${what}: ${e instanceof Error ? e.message : String(err)}`, { cause: err }), e?.code ? { code: e.code } : {});
}

export async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r').catch(() => undefined);
  if (!dh) return;
  try {
    await dh.sync();
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  } finally {
    await dh.close();
  }
}

/** Flushes a file's data to disk (before a rename makes it the live copy). */
export async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
