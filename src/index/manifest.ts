// manifest.json: what a generation is (embedder, index parameters, counts, build stats) and the size + sha256
// of every other file in it. It is written last, so its presence marks a complete generation, and its
// checksums let a reader refuse a truncated or altered file instead of serving it.
import type { Calibration } from '../search/calibration.js';
import { statSync, type Stats } from 'node:fs';
import { readFileFewTurns, smallFile } from '../util/read-file.js';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { EmbedderInfo } from '../embed/types.js';
import type { HnswParams } from './hnsw.js';
import { EmbedderMismatchError, IndexFileError } from './errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { hashFiles, HashReadError } from '../util/hash-files.js';

export const MANIFEST_FILE = 'manifest.json';

export interface FileEntry {
  bytes: number;
  sha256: string;
}

/** Counters and timings of the build that produced a generation (see BuildResult). */
export type BuildStats = Record<string, unknown> & { ms: number };

export interface Manifest {
  format: 1;
  generation: string;
  createdAt: string; // ISO timestamp
  embedder: EmbedderInfo;
  index: HnswParams & { library: 'hnswlib-node'; space: 'cosine'; dimensions: number; capacity: number };
  counts: { papers: number; vectors: number; deleted: number };
  build: BuildStats;
  files: Record<string, FileEntry>;
  /** The papers' segment files, in order (also listed in `files`); absent in generations written as one papers.json. */
  papers?: string[];
  /** The persisted lexical (BM25) index, when the generation has one: its file (also listed in `files`) and the
   *  lexical analyzer that wrote it. Generations written before lexical indexes were persisted have none. */
  lexical?: { file: string; analyzer: string };
  /** The Chinese-English bridge the generation was indexed with: its file (also listed in `files`), id, and the
   *  bilingual papers it was fitted from and changed since (src/index/bridge.ts). Generations written before each
   *  carried its own were built with the shipped bridge. */
  bridge?: { file: string; id: string; pairs: number; drift: number };
  /** Confidence cut-offs fitted on the generation's own papers; absent for small catalogues (the priors apply). */
  calibration?: Calibration;
  /** The rules its papers' view texts were made by (VIEWS_VERSION); absent in generations written before it was recorded. */
  views?: number;
}

/** A file's size and sha256; a large file is hashed on a worker thread (src/util/hash-files.ts). */
export async function fileEntry(path: string): Promise<FileEntry> {
  if (smallFile(statSync(path).size)) {
    const bytes = await readFileFewTurns(path);
    return { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  return hashFiles([path])[0]!;
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
}

export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE);
  const text = await readFileFewTurns(path).then((b) => b.toString('utf8')).catch((e: NodeJS.ErrnoException) => {
    throw new IndexFileError(path, e.code === 'ENOENT' ? 'missing (the generation is incomplete or damaged)' : e.message);
  });
  let m: Partial<Manifest>;
  try {
    m = JSON.parse(text) as Partial<Manifest>;
  } catch (e) {
    throw new IndexFileError(path, `not valid JSON (${(e as Error).message})`);
  }
  if (m.format !== 1 || !m.embedder?.id || !m.index || !m.files || !m.generation) {
    throw new IndexFileError(path, 'not a papersift manifest (format 1 with embedder, index, files, generation)');
  }
  return m as Manifest;
}

/**
 * Files whose sha256 matched their manifest, with the stat each had just before it was hashed. Any change to a
 * file's bytes through the file system (a write, a truncation, a file renamed over it) changes its inode or its
 * ctime, which no system call sets back, so a file whose stat is unchanged still holds the bytes that were hashed:
 * a run that verified the live generation need not hash a file of it again to read it or to link it into the next
 * generation. Not trusted, and hashed again: a file changed less than RACY_MS before it was hashed (file times tick
 * coarsely, so a change right after could keep the same times) and a check older than TRUST_MS (a long-lived process
 * does not lean on what it hashed long ago). Damage below the file system (a failing disk returning other bytes for
 * an unchanged file) is caught by a full hash at every load, not in between.
 */
export class VerifiedFiles {
  static readonly RACY_MS = 100;
  static readonly TRUST_MS = 15 * 60_000;
  private readonly stamps = new Map<string, { sha256: string; stat: Stats; at: number }>();

  record(path: string, sha256: string, stat: Stats, at: number): void {
    if (stat.ctimeMs <= at - VerifiedFiles.RACY_MS) this.stamps.set(path, { sha256, stat, at });
  }

  /** Whether `path` was verified as `want` and is unchanged since (stat now). */
  holds(path: string, want: FileEntry): boolean {
    const s = this.stamps.get(path);
    if (!s || s.sha256 !== want.sha256 || Date.now() - s.at > VerifiedFiles.TRUST_MS) return false;
    const now = statOrUndefined(path);
    return now !== undefined && ['ino', 'dev', 'size', 'mtimeMs', 'ctimeMs'].every((k) => now[k as keyof Stats] === s.stat[k as keyof Stats]);
  }
}

/** A generation's files being verified on a worker thread (src/util/hash-files.ts), in the order asked for. */
export interface Verification {
  /** Settles when `file` is verified (IndexFileError if not); at once for a file the manifest does not list. */
  file(name: string): Promise<void>;
  /** Every listed file verified. */
  done: Promise<VerifiedFiles>;
}

/**
 * Checks every listed file's size at once (cheap, catches truncation; throws IndexFileError), then starts checking
 * their sha256 (catches any change), `first` first. Await `done` before using anything read from the files, and
 * hand a file to native code (hnswlib) only after `file(name)` settled.
 */
export function startVerification(dir: string, manifest: Manifest, first: readonly string[] = []): Verification {
  const names = Object.keys(manifest.files).sort((a, b) => rankIn(first, a) - rankIn(first, b));
  const paths = names.map((n) => join(dir, n));
  const stats = paths.map((path, i) => {
    const stat = statOrUndefined(path); // blocking: microseconds, not an event-loop turn
    if (stat === undefined) throw new IndexFileError(path, 'missing');
    checkSize(path, stat.size, manifest.files[names[i]!]!);
    return stat;
  });
  const at = Date.now();
  const checks = hashFiles(paths).map((hashed, i) =>
    hashed.then(
      (h) => checkSha256(paths[i]!, h.sha256, manifest.files[names[i]!]!),
      (e: Error) => {
        throw new IndexFileError(paths[i]!, e instanceof HashReadError && e.code === 'ENOENT' ? 'missing' : e.message);
      },
    ),
  );
  const done = Promise.all(checks).then(() => {
    const verified = new VerifiedFiles();
    paths.forEach((path, i) => verified.record(path, manifest.files[names[i]!]!.sha256, stats[i]!, at));
    return verified;
  });
  return { file: (name) => checks[names.indexOf(name)] ?? Promise.resolve(), done };
}

function rankIn(first: readonly string[], name: string): number {
  const i = first.indexOf(name);
  return i < 0 ? first.length : i;
}

function statOrUndefined(path: string): Stats | undefined {
  return statSync(path, { throwIfNoEntry: false });
}

/** The same checks for a file already read into memory. */
export function verifyBytes(path: string, bytes: Buffer, want: FileEntry): void {
  checkSize(path, bytes.length, want);
  checkSha256(path, createHash('sha256').update(bytes).digest('hex'), want);
}

function checkSize(path: string, size: number, want: FileEntry): void {
  if (size !== want.bytes) throw new IndexFileError(path, `is ${size} bytes but the manifest records ${want.bytes} (truncated or replaced)`);
}

function checkSha256(path: string, sha256: string, want: FileEntry): void {
  if (sha256 !== want.sha256) throw new IndexFileError(path, 'content does not match the sha256 in the manifest (corrupted)');
}

/** Everything that changes the vectors must match: id, dimensions and settings. */
export function embedderDifference(built: EmbedderInfo, requested: EmbedderInfo): string | undefined {
  if (built.id !== requested.id) return 'different model';
  if (built.dimensions !== requested.dimensions) return 'different dimensions';
  const keys = [...new Set([...Object.keys(built.settings), ...Object.keys(requested.settings)])].sort();
  const changed = keys.filter((k) => stableJson(built.settings[k]) !== stableJson(requested.settings[k]));
  return changed.length ? `settings differ: ${changed.join(', ')}` : undefined;
}

export function checkEmbedder(manifest: Manifest, requested: EmbedderInfo, where: string): void {
  const diff = embedderDifference(manifest.embedder, requested);
  if (diff) throw new EmbedderMismatchError(manifest.embedder, requested, where, diff);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}
