// Index generations: each build writes a complete, self-consistent directory `generations/<n>/`
// (hnsw.bin, labels.json, papers-<i>.json segments, bridge.tsv, lexical.bin, then manifest.json last) and the one-line file
// CURRENT names the live one; files identical to the live generation's are hard links to them (src/index/reuse.ts).
// A generation is first written as `<n>.partial-<pid>` and renamed to `<n>` only once complete,
// and CURRENT is replaced atomically, so a crash at any point leaves CURRENT on the previous complete
// generation; leftover partial directories are ignored by readers and removed by the next write or prune.
import type { Calibration } from '../search/calibration.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paper } from '../catalogue/types.js';
import type { EmbedderInfo } from '../embed/types.js';
import { VIEWS_VERSION } from '../embed/views.js';
import { dataPaths } from '../config.js';
import { fsyncDir, naming, writeFileAtomic } from '../util/atomic.js';
import { contentSegments, KnownSegments } from '../util/segments.js';
import { reuseFrom, type PlacedFile } from './reuse.js';
import { HNSW_FILE, HnswIndex, LABELS_FILE } from './hnsw.js';
import { IndexFileError } from './errors.js';
import { checkEmbedder, MANIFEST_FILE, readManifest, startVerification, VerifiedFiles, verifyBytes, writeManifest, type BuildStats, type FileEntry, type Manifest } from './manifest.js';
import { processAlive } from '../util/process.js';
import { readFileFewTurns } from '../util/read-file.js';
import { writeFileWhole } from '../util/write-file.js';
import type { LexicalIndex } from '../search/lexical.js';

/** The papers of generations written before the papers were split into segments. */
export const PAPERS_FILE = 'papers.json';
/**
 * The papers are stored in segments so that a change to a few papers rewrites a few segments and the rest are
 * shared with the previous generation. A segment ends after a paper whose id hashes to 0 modulo this (about this
 * many papers per segment): boundaries depend only on the papers at them, so papers added or removed elsewhere
 * (new newsletters sort in by name) leave the other segments byte-identical, which fixed-size chunks would not.
 */
export const PAPERS_PER_SEGMENT = 512;
export const LEXICAL_FILE = 'lexical.bin';
export const BRIDGE_FILE = 'bridge.tsv';

/** A persisted lexical index: opaque bytes owned by src/search/lexical.ts, stored and checksummed like the rest. */
export interface StoredLexical {
  /** The lexical analyzer that wrote it (recorded in the manifest, so a reader can tell without parsing it). */
  analyzer: string;
  data: Uint8Array;
}

/** The Chinese-English bridge the generation was indexed with (src/search/catalogue-bridge.ts), as its TSV table. */
export interface StoredBridge {
  id: string;
  data: string;
  /** Bilingual papers it was fitted from, and changed since (src/index/bridge.ts). */
  pairs: number;
  drift: number;
}

export interface GenerationBuild {
  index: HnswIndex;
  papers: Paper[]; // the catalogue snapshot the index was built from
  embedder: EmbedderInfo;
  build: BuildStats;
  lexical?: StoredLexical;
  bridge?: StoredBridge;
  /** Confidence cut-offs fitted on this generation's own papers (src/search/calibration.ts), recorded in the manifest. */
  calibration?: Calibration;
  /** The live generation's files as this process verified them (its LoadedGeneration): linked without hashing them again. */
  verified?: VerifiedFiles;
  /**
   * The live generation's papers files as this process read them (its LoadedGeneration's paperFiles). A segment of
   * the same paper objects in the same order is that file: it was written as their JSON.stringify, which gives the
   * same text for what was parsed from it. It is linked without serialising and hashing it again.
   */
  paperFiles?: LoadedGeneration['paperFiles'];
}

export interface LoadedGeneration {
  name: string;
  dir: string;
  manifest: Manifest;
  papers: Paper[];
  index: HnswIndex;
  /** The persisted lexical index, if the generation has one (read on demand: it is the largest file). */
  lexical?: GenerationLexical;
  /** The generation's own bridge, if it has one (generations written before they carried one were built with the shipped bridge). */
  bridge?: GenerationFile;
  /** Its files as this load verified them: read() and the next generation's links skip hashing those unchanged since. */
  verified: VerifiedFiles;
  /** `papers` file by file, with each file's sha256 (the catalogue stores the same papers in the same segments). */
  paperFiles: { sha256: string; papers: Paper[] }[];
}

/** A generation file read on demand. */
export interface GenerationFile {
  path: string;
  /** The sha256 the manifest records for it: what its content is, without reading it. */
  sha256?: string;
  /** The file's bytes, verified again against the manifest's size and sha256 (IndexFileError if it changed). */
  read(): Promise<Buffer>;
}

export interface GenerationLexical extends GenerationFile {
  analyzer: string;
  /** The index this process wrote into the file (a generation opened with openWritten): its bytes, not yet decoded. */
  written?: LexicalIndex;
}

/**
 * What this process wrote into a generation and still holds (a reindex gating the generation it just built). Its
 * files are verified as always and hold exactly these, so they are not read back: the papers are not parsed, the
 * HNSW graph is not loaded, the lexical postings are not decoded.
 */
export interface WrittenGeneration {
  papers: Paper[];
  index: HnswIndex;
  lexical?: LexicalIndex;
}

export interface LoadOptions {
  /** Refuse the generation (EmbedderMismatchError) unless it was built by this embedder. */
  embedder?: EmbedderInfo;
  /** Search-time ef; defaults to the one recorded in the manifest. */
  ef?: number;
}

export interface GenerationStore {
  readonly dir: string;
  /** The live generation's name, or undefined before the first build. */
  current(): string | undefined;
  /** Complete generations (those with a manifest), oldest first. */
  list(): string[];
  /**
   * Complete generations to fall back on, newest first, when `current` cannot be loaded: those older than it (a
   * newer one was never switched to), or every other one when `current` is not a generation number (a bad CURRENT).
   */
  fallbacks(current: string): string[];
  /**
   * The embedder the live generation was built with, from the newest readable manifest (the live one's, else its
   * fallbacks'): the index keeps it even when other files of the live generation are damaged.
   */
  recordedEmbedder(): Promise<EmbedderInfo | undefined>;
  /** Verifies sizes and checksums, then loads; throws IndexFileError / EmbedderMismatchError. */
  load(name?: string, opts?: LoadOptions): Promise<LoadedGeneration>;
  /**
   * A generation this process just wrote, usable at once while its files are verified: what they hold is taken from
   * `written` (nothing is read back), and a file read on demand is hashed as it is read. `verified` settles once every
   * file matched the manifest (IndexFileError otherwise): await it before trusting anything measured on the generation.
   */
  openWritten(name: string, written: WrittenGeneration, opts?: Pick<LoadOptions, 'ef'>): Promise<{ generation: LoadedGeneration; verified: Promise<VerifiedFiles> }>;
  /** Writes a new complete generation and returns its name; does not switch to it. */
  write(build: GenerationBuild): Promise<string>;
  /** Atomically makes `name` the live generation. */
  switchTo(name: string): Promise<void>;
  /** Removes all but the `keep` newest complete generations (never the current one) and stale partial dirs. */
  prune(keep: number): Promise<string[]>;
}

const COMPLETE = /^\d+$/;
const PARTIAL = /^(\d+)\.partial-(\d+)$/;

export function openGenerationStore(dataDir: string): GenerationStore {
  const paths = dataPaths(dataDir);
  const root = paths.generations;
  const entries = () => (existsSync(root) ? readdirSync(root) : []);
  const list = () =>
    entries()
      .filter((n) => COMPLETE.test(n) && existsSync(join(root, n, MANIFEST_FILE)))
      .sort((a, b) => Number(a) - Number(b));
  const current = () => (existsSync(paths.current) ? readFileSync(paths.current, 'utf8').trim() || undefined : undefined);

  async function load(name = current(), opts: LoadOptions = {}): Promise<LoadedGeneration> {
    const opened = await opening(name, opts);
    const { dir, manifest } = opened;
    // checksums on a worker thread while this one parses the papers; hnswlib gets its two files once they verified
    const verification = startVerification(dir, manifest, [HNSW_FILE, LABELS_FILE]);
    const { M, efConstruction } = manifest.index;
    // read side by side (fewer event-loop turns for a server loading under load)
    const reading = Promise.all([
      readPaperSegments(dir, manifest),
      Promise.all([verification.file(HNSW_FILE), verification.file(LABELS_FILE)]).then(() => HnswIndex.load(dir, { M, efConstruction, ef: opts.ef ?? manifest.index.ef })),
    ]);
    // a checksum error is the one to report (a corrupt papers file also fails to parse); nothing read is used unverified
    const verified = await verification.done.catch(async (err: unknown) => {
      await reading.catch(() => undefined);
      throw err;
    });
    const [paperFiles, index] = await reading;
    return assemble(opened, { papers: paperFiles.flatMap((f) => f.papers), index }, paperFiles, verified);
  }

  async function openWritten(name: string, written: WrittenGeneration, opts: Pick<LoadOptions, 'ef'> = {}) {
    const opened = await opening(name, {});
    const { dir, manifest } = opened;
    const verified = startVerification(dir, manifest).done;
    verified.catch(() => undefined); // the caller awaits it
    const paperFiles = writtenSegments(dir, manifest, written.papers);
    const index = writtenIndex(written.index, opts.ef ?? manifest.index.ef);
    // verified files are recorded by no one here: until `verified` settles, a file read is hashed as it is read
    return { generation: assemble(opened, { ...written, index }, paperFiles, new VerifiedFiles()), verified };
  }

  /** A generation's directory and manifest, refused when it does not exist or another embedder built it. */
  async function opening(name: string | undefined, opts: LoadOptions): Promise<{ name: string; dir: string; manifest: Manifest }> {
    if (!name) throw new Error(`no index in ${dataDir} yet (${paths.current} is missing): run \`papersift index\``);
    const dir = join(root, name);
    if (!existsSync(dir)) throw new IndexFileError(dir, `generation "${name}" does not exist`);
    const manifest = await readManifest(dir);
    if (opts.embedder) checkEmbedder(manifest, opts.embedder, dir);
    return { name, dir, manifest };
  }

  async function write(build: GenerationBuild): Promise<string> {
    await mkdir(root, { recursive: true });
    await removeStalePartials();
    const name = String(Math.max(0, ...entries().map(generationNumber)) + 1);
    const tmp = join(root, `${name}.partial-${process.pid}`);
    await mkdir(tmp);
    const placed = new Map<string, FileEntry>();
    const place = async (file: string, how: Promise<PlacedFile>) => void placed.set(file, (await how).entry);
    let large: Promise<string[]> = Promise.resolve([]);
    try {
      const reuse = reuseFrom(await liveFiles(), build.verified);
      // the large files are written at once, then hashed together on one worker thread (adopt) while this thread
      // serialises the papers
      const writing = [build.index.save(tmp), build.lexical ? writeFileWhole(join(tmp, LEXICAL_FILE), build.lexical.data).then(() => [LEXICAL_FILE]) : Promise.resolve([])];
      large = Promise.allSettled(writing).then(async (settled) => {
        const [indexFiles, lexicalFiles] = settled.map((w) => {
          if (w.status === 'rejected') throw w.reason;
          return w.value;
        });
        const names = [...indexFiles!, ...lexicalFiles!];
        await Promise.all(reuse.adopt(tmp, names).map((how, i) => place(names[i]!, how)));
        return indexFiles!;
      });
      large.catch(() => undefined); // awaited below, or before the directory is removed when a segment fails first
      const segments = paperSegments(build.papers).map((papers, i) => ({ file: `papers-${i}.json`, papers }));
      const unchanged = new KnownSegments<Paper, string>();
      for (const f of build.paperFiles ?? []) unchanged.remember(f.papers, f.sha256);
      for (const s of segments) {
        const json = () => JSON.stringify(s.papers);
        const sha256 = unchanged.find(s.papers);
        await place(s.file, sha256 ? reuse.same(tmp, s.file, sha256, json) : reuse.write(tmp, s.file, json()));
      }
      if (build.bridge) await place(BRIDGE_FILE, reuse.write(tmp, BRIDGE_FILE, build.bridge.data));
      const indexFiles = await large;
      const order = [...indexFiles, ...segments.map((s) => s.file), BRIDGE_FILE, LEXICAL_FILE].filter((f) => placed.has(f));
      const files = Object.fromEntries(order.map((f) => [f, placed.get(f)!]));
      await writeManifest(tmp, manifestFor(name, build, files, segments.map((s) => s.file)));
      await rename(tmp, join(root, name));
      await fsyncDir(root);
      return name;
    } catch (err) {
      await large.catch(() => undefined); // nothing may still be writing into the directory
      await rm(tmp, { recursive: true, force: true });
      throw naming(err, `writing index generation ${name} in ${tmp} failed (removed it)`);
    }
  }

  /** The live generation's directory and manifest, to share files with; none when CURRENT names no readable one. */
  async function liveFiles(): Promise<{ dir: string; manifest: Manifest } | undefined> {
    const live = current();
    if (!live || !list().includes(live)) return undefined;
    const dir = join(root, live);
    const manifest = await readManifest(dir).catch(() => undefined); // a damaged one: nothing to share
    return manifest && { dir, manifest };
  }

  async function switchTo(name: string): Promise<void> {
    if (!list().includes(name)) throw new Error(`cannot switch to generation "${name}": no complete generation by that name in ${root}`);
    await writeFileAtomic(paths.current, `${name}\n`);
  }

  async function prune(keep: number): Promise<string[]> {
    if (!Number.isInteger(keep) || keep < 1) throw new Error(`prune: keep must be an integer >= 1, got ${keep}`);
    const live = current();
    const complete = list();
    const doomed = complete.slice(0, Math.max(0, complete.length - keep)).filter((n) => n !== live);
    for (const n of doomed) await rm(join(root, n), { recursive: true, force: true });
    return [...doomed, ...(await removeStalePartials())];
  }

  /** Partial dirs whose writer process is gone (a crash); a running writer's dir is left alone. */
  async function removeStalePartials(): Promise<string[]> {
    const stale = entries().filter((n) => {
      const m = PARTIAL.exec(n);
      return m && !writerAlive(Number(m[2]));
    });
    for (const n of stale) await rm(join(root, n), { recursive: true, force: true });
    return stale;
  }

  function fallbacks(live: string): string[] {
    const newestFirst = list().reverse();
    return COMPLETE.test(live) ? newestFirst.filter((n) => Number(n) < Number(live)) : newestFirst;
  }

  async function recordedEmbedder(): Promise<EmbedderInfo | undefined> {
    const live = current();
    for (const name of live ? [live, ...fallbacks(live)] : []) {
      const manifest = await readManifest(join(root, name)).catch(() => undefined); // damaged: an older one may say
      if (manifest) return manifest.embedder;
    }
    return undefined;
  }

  return { dir: root, current, list, fallbacks, recordedEmbedder, load, openWritten, write, switchTo, prune };
}

/** A loaded generation from its parts; its lexical and bridge files are read on demand. */
function assemble({ name, dir, manifest }: { name: string; dir: string; manifest: Manifest }, held: { papers: Paper[]; index: HnswIndex; lexical?: LexicalIndex }, paperFiles: LoadedGeneration['paperFiles'], verified: VerifiedFiles): LoadedGeneration {
  const { papers, index } = held;
  if (index.dimensions !== manifest.embedder.dimensions) {
    throw new IndexFileError(join(dir, 'labels.json'), `has ${index.dimensions}-d vectors but the embedder is ${manifest.embedder.dimensions}-d`);
  }
  const lexical = manifest.lexical && { analyzer: manifest.lexical.analyzer, ...fileOf(dir, manifest, manifest.lexical.file, 'lexical index', verified), ...(held.lexical ? { written: held.lexical } : {}) };
  const bridge = manifest.bridge && fileOf(dir, manifest, manifest.bridge.file, 'bridge', verified);
  return { name, dir, manifest, papers, index, verified, paperFiles, ...(lexical ? { lexical } : {}), ...(bridge ? { bridge } : {}) };
}

function manifestFor(name: string, build: GenerationBuild, files: Record<string, FileEntry>, papers: string[]): Manifest {
  const { index } = build;
  return {
    format: 1,
    generation: name,
    createdAt: new Date().toISOString(),
    embedder: build.embedder,
    index: { library: 'hnswlib-node', space: 'cosine', dimensions: index.dimensions, capacity: index.capacity, ...index.hnswParams },
    counts: { papers: build.papers.length, vectors: index.size, deleted: index.deletedCount },
    build: build.build,
    files,
    papers,
    ...(build.lexical ? { lexical: { file: LEXICAL_FILE, analyzer: build.lexical.analyzer } } : {}),
    ...(build.bridge ? { bridge: { file: BRIDGE_FILE, id: build.bridge.id, pairs: build.bridge.pairs, drift: build.bridge.drift } } : {}),
    ...(build.calibration ? { calibration: build.calibration } : {}),
    views: VIEWS_VERSION,
  };
}

/** A file the manifest names as `what` (it must list it, so it was verified with the rest). */
function fileOf(dir: string, manifest: Manifest, file: string, what: string, verified: VerifiedFiles): GenerationFile {
  const path = join(dir, file);
  const want = manifest.files[file];
  if (!want || file.includes('/') || file.includes('\\')) throw new IndexFileError(join(dir, MANIFEST_FILE), `names ${what} "${file}" but lists no such file`);
  return {
    path,
    sha256: want.sha256,
    async read() {
      const bytes = await readFileFewTurns(path).catch((e: NodeJS.ErrnoException) => {
        throw new IndexFileError(path, e.code === 'ENOENT' ? 'missing' : e.message);
      });
      // unchanged since the load hashed it (checked after reading): these are the bytes that were hashed
      if (!verified.holds(path, want)) verifyBytes(path, bytes, want);
      return bytes;
    },
  };
}

function generationNumber(entry: string): number {
  const n = Number(COMPLETE.test(entry) ? entry : PARTIAL.exec(entry)?.[1]);
  return Number.isFinite(n) ? n : 0;
}

/** Cuts the papers into segments at content-defined boundaries (see PAPERS_PER_SEGMENT); always at least one. */
export function paperSegments(papers: Paper[]): Paper[][] {
  return contentSegments(papers, (p) => p.id, PAPERS_PER_SEGMENT);
}

/** The papers of a complete generation alone (no index, no checksums): e.g. to compare them with a catalogue. */
export async function generationPapers(store: Pick<GenerationStore, 'dir'>, name: string): Promise<Paper[]> {
  const dir = join(store.dir, name);
  return (await readPaperSegments(dir, await readManifest(dir))).flatMap((f) => f.papers);
}

/** The generation's papers files with their sha256, each of which the manifest must list (so it was verified with the rest). */
function paperFileEntries(dir: string, manifest: Manifest): { file: string; sha256: string }[] {
  const files = manifest.papers ?? [PAPERS_FILE];
  const unlisted = files.find((f) => !manifest.files[f] || f.includes('/') || f.includes('\\'));
  if (unlisted !== undefined) throw new IndexFileError(join(dir, MANIFEST_FILE), `names papers file "${unlisted}" but lists no such file`);
  return files.map((file) => ({ file, sha256: manifest.files[file]!.sha256 }));
}

/** The papers from their segment files. */
async function readPaperSegments(dir: string, manifest: Manifest): Promise<{ sha256: string; papers: Paper[] }[]> {
  return Promise.all(paperFileEntries(dir, manifest).map(async ({ file, sha256 }) => ({ sha256, papers: await readPapers(join(dir, file)) })));
}

/** The papers this process wrote into the generation, in the segments write() cut them into (not parsed again). */
function writtenSegments(dir: string, manifest: Manifest, papers: Paper[]): { sha256: string; papers: Paper[] }[] {
  const files = paperFileEntries(dir, manifest);
  const segments = paperSegments(papers);
  if (segments.length !== files.length) {
    throw new IndexFileError(join(dir, MANIFEST_FILE), `lists papers files ${files.map((f) => f.file).join(', ')}, not the ${segments.length} segment(s) written`);
  }
  return segments.map((p, i) => ({ sha256: files[i]!.sha256, papers: p }));
}

/** The HNSW index this process wrote into the generation, searched with the ef a load would give it. */
function writtenIndex(index: HnswIndex, ef: number): HnswIndex {
  index.setEf(ef);
  return index;
}

async function readPapers(path: string): Promise<Paper[]> {
  try {
    const papers = JSON.parse((await readFileFewTurns(path)).toString('utf8')) as unknown;
    if (!Array.isArray(papers)) throw new Error('expected an array of papers');
    return papers as Paper[];
  } catch (e) {
    throw new IndexFileError(path, `unreadable (${(e as Error).message})`);
  }
}

/** A write in this process may be under way (failed writes clean up after themselves), so treat it as live. */
function writerAlive(pid: number): boolean {
  return pid === process.pid || processAlive(pid);
}
