// Generations share unchanged data: a file of a new generation whose bytes equal a file of the generation it follows
// (same size and sha256, whatever its name) becomes a hard link to that file instead of a second copy. A nightly run
// that changed little writes little, and keeping 3 generations costs one copy plus what changed. Nothing is ever
// modified in place (a generation is written once, as new files), so a shared file never changes under a reader;
// removing a generation removes its links, and the data stays while another generation links it. A previous file is
// checked against its manifest before it is linked, so damage to it is not carried into the new generation.
import { link, rename, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fsyncFile } from '../util/atomic.js';
import { fileEntry, type FileEntry, type Manifest, type VerifiedFiles } from './manifest.js';
import { hashFiles } from '../util/hash-files.js';

export interface PlacedFile {
  entry: FileEntry;
  /** Linked to the previous generation's copy rather than written. */
  shared: boolean;
}

export interface FileReuse {
  /** Writes `data` as `dir/name`, or links the previous generation's identical file there; either way durable. */
  write(dir: string, name: string, data: string | Uint8Array): Promise<PlacedFile>;
  /**
   * Links the previous generation's file with this sha256 as `dir/name`: the caller knows its bytes are `data()`'s
   * (it holds what was parsed from them), so nothing is serialised or hashed. Writes `data()` when that file is gone,
   * damaged or cannot be linked.
   */
  same(dir: string, name: string, sha256: string, data: () => string): Promise<PlacedFile>;
  /**
   * For files already written into `dir` (by hnswlib, or large files written first so that they are hashed off this
   * thread, all of them on one worker): each replaced by a link to an identical previous file, else fsynced.
   */
  adopt(dir: string, names: readonly string[]): Promise<PlacedFile>[];
}

/** Errors from link(2) that mean "this filesystem cannot hard-link here": write a copy instead. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'EXDEV']);

/**
 * Reuses the files of `previous` (a complete generation's directory and manifest), or none when there is none.
 * Those `verified` holds unchanged (this process hashed them when it loaded that generation) are not hashed again.
 */
export function reuseFrom(previous?: { dir: string; manifest: Manifest }, verified?: VerifiedFiles): FileReuse {
  const bySha = new Map<string, { path: string; entry: FileEntry }>();
  for (const [name, entry] of Object.entries(previous?.manifest.files ?? {})) bySha.set(entry.sha256, { path: join(previous!.dir, name), entry });

  /** The previous file with exactly these bytes, if it is still intact on disk. */
  async function twin(entry: FileEntry): Promise<string | undefined> {
    const found = bySha.get(entry.sha256);
    if (!found || found.entry.bytes !== entry.bytes) return undefined;
    if (verified?.holds(found.path, found.entry)) return found.path;
    const now = await fileEntry(found.path).catch(() => undefined);
    return now?.sha256 === entry.sha256 && now.bytes === entry.bytes ? found.path : undefined;
  }

  async function linkOrFalse(from: string, to: string): Promise<boolean> {
    try {
      await link(from, to);
      return true;
    } catch (e) {
      if (NO_LINKS.has((e as NodeJS.ErrnoException).code ?? '')) return false;
      throw e;
    }
  }

  async function write(dir: string, name: string, data: string | Uint8Array): Promise<PlacedFile> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const entry = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    const from = await twin(entry);
    const path = join(dir, name);
    if (from && (await linkOrFalse(from, path))) return { entry, shared: true };
    await writeFile(path, bytes);
    await fsyncFile(path);
    return { entry, shared: false };
  }

  return {
    write,
    async same(dir, name, sha256, data) {
      const known = bySha.get(sha256)?.entry;
      const from = known && (await twin(known));
      if (from && (await linkOrFalse(from, join(dir, name)))) return { entry: known, shared: true };
      return write(dir, name, data());
    },
    adopt(dir, names) {
      const paths = names.map((n) => join(dir, n));
      return hashFiles(paths).map(async (hashed, i) => adopted(paths[i]!, await hashed));
    },
  };

  /** A file already written, with its size and sha256: replaced by a link to an identical previous file, else fsynced. */
  async function adopted(path: string, entry: FileEntry): Promise<PlacedFile> {
    const from = await twin(entry);
    const aside = `${path}.link`;
    if (from && (await linkOrFalse(from, aside))) {
      await rename(aside, path); // the written copy's inode goes; the shared one takes its name
      return { entry, shared: true };
    }
    await fsyncFile(path); // hnswlib writes without fsync; the manifest must not outlive its data
    return { entry, shared: false };
  }
}
