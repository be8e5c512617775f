// The catalogue on disk: a small index file (`catalogue.json`) naming segment files in `catalogue-segments/`, one per
// document and one per ~512 derived papers, each named by the hash of its content. A commit writes only segments
// that do not exist yet (the changed documents and the paper segments around changed papers), then the index file
// atomically (temp file, fsync, rename, directory fsync), so a crash leaves the old catalogue or the new one and a
// nightly run that changed 1% of the documents writes about that much. Segments no catalogue names any more are
// removed by pruneCatalogueSegments, run when nothing is staged (src/reindex/staging.ts). Reads refuse anything that
// is not a papersift catalogue, naming the file, instead of starting over with an empty one. Version 1 catalogues
// (everything in catalogue.json) are still read; the next commit writes them as segments.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { fsyncDir, writeFileAtomic } from '../util/atomic.js';
import { contentSegments, KnownSegments } from '../util/segments.js';
import type { DocumentRecord, Paper } from './types.js';

export const CATALOGUE_VERSION = 2;
/** Derived papers per segment, about (content-defined boundaries: see contentSegments). */
export const CATALOGUE_PAPERS_PER_SEGMENT = 512;

export interface CatalogueData {
  version: number;
  /** The merge rules the papers were derived under (DERIVATION in merge.ts); absent in catalogues from before it. */
  derivation?: number;
  documents: DocumentRecord[];
  papers: Paper[];
}

/** What catalogue.json holds: the segment files, in order, and the merge rules of the papers'. */
interface CatalogueIndex {
  version: number;
  derivation?: number;
  documents: string[];
  papers: string[];
}

export class CatalogueError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'CatalogueError';
  }
}

export type WriteFile = (path: string, data: string) => Promise<void>;

/**
 * Segments already parsed elsewhere, by segment file name: an index generation stores the same papers in the same
 * segments (same cut, same JSON), so a reader holding one parsed need not read and parse the catalogue's copy.
 */
export type ParsedSegments = ReadonlyMap<string, readonly unknown[]>;

/** The name of the segment file holding exactly the bytes whose sha256 (hex) this is. */
export function segmentFile(sha256: string): string {
  return `${sha256.slice(0, 32)}.json`;
}

/** The directory of a catalogue's segments, next to its index file. */
export function segmentsDir(cataloguePath: string): string {
  return join(dirname(cataloguePath), `${basename(cataloguePath, '.json')}-segments`);
}

/**
 * lowdb adapter for the segmented catalogue. `writeFile` writes the index file (the staging of src/reindex writes
 * it elsewhere); segments always go to segmentsDir(path), where the live catalogue and a staged one share them.
 */
export class SegmentedCatalogueAdapter implements Adapter<CatalogueData> {
  /** The segment each document was read from or written as: an unchanged document is not serialised again. */
  private readonly written = new WeakMap<DocumentRecord, string>();
  /** The segments of papers read or written: a run of papers cut the same way again, as the very same objects, is
   *  that segment's content, so it is not serialised and hashed again. */
  private readonly paperSegments = new KnownSegments<Paper, string>();

  constructor(
    readonly path: string,
    private readonly writeFile: WriteFile = writeFileAtomic,
    private readonly parsed: ParsedSegments = new Map(),
  ) {}

  async read(): Promise<CatalogueData | null> {
    let raw: string;
    try {
      raw = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new CatalogueError(this.path, `cannot read catalogue (${(err as Error).message})`);
    }
    const index = parseJson(this.path, raw);
    if ((index as Partial<CatalogueIndex> | null)?.version !== CATALOGUE_VERSION) return parseCatalogue(this.path, raw, index);
    const files = checkIndex(this.path, index);
    const [documents, papers] = await Promise.all([
      Promise.all(files.documents.map((f) => readSegment(this.path, f))),
      Promise.all(files.papers.map(async (f) => this.parsed.get(f) ?? readSegment(this.path, f))),
    ]);
    const derivation = typeof files.derivation === 'number' ? { derivation: files.derivation } : {};
    const checked = validate(this.path, { version: CATALOGUE_VERSION, ...derivation, documents: documents!.flat() as DocumentRecord[], papers: papers!.flat() as Paper[] });
    documents!.forEach((docs, i) => this.remember(docs, files.documents[i]!));
    papers!.forEach((chunk, i) => this.paperSegments.remember(chunk as Paper[], files.papers[i]!));
    return checked;
  }

  async write(data: CatalogueData): Promise<void> {
    const dir = segmentsDir(this.path);
    await mkdir(dir, { recursive: true });
    const documents: string[] = [];
    for (const doc of data.documents) {
      // a known segment is reused while it exists (a prune since it was read would have removed an unnamed one)
      const known = this.written.get(doc);
      documents.push(known && existsSync(join(dir, known)) ? known : this.remember([doc], await writeSegment(dir, JSON.stringify([doc]))));
    }
    const papers: string[] = [];
    for (const chunk of contentSegments(data.papers, (p) => p.id, CATALOGUE_PAPERS_PER_SEGMENT)) {
      const known = this.paperSegments.find(chunk);
      papers.push(known && existsSync(join(dir, known)) ? known : this.paperSegments.remember(chunk, await writeSegment(dir, JSON.stringify(chunk))));
    }
    await fsyncDir(dir); // the segments' renames are durable before an index names them
    const index: CatalogueIndex = { version: CATALOGUE_VERSION, ...(data.derivation !== undefined ? { derivation: data.derivation } : {}), documents, papers };
    await this.writeFile(this.path, `${JSON.stringify(index)}\n`);
  }

  private remember(docs: unknown[], file: string): string {
    for (const d of docs) if (d && typeof d === 'object') this.written.set(d as DocumentRecord, file);
    return file;
  }
}

/** Writes a segment unless one with this content exists (names are content hashes, written atomically). */
async function writeSegment(dir: string, json: string): Promise<string> {
  const name = segmentFile(createHash('sha256').update(json).digest('hex'));
  if (!existsSync(join(dir, name))) await writeFileAtomic(join(dir, name), json, { syncDir: false });
  return name;
}

async function readSegment(cataloguePath: string, file: string): Promise<unknown[]> {
  const path = join(segmentsDir(cataloguePath), file);
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    throw new CatalogueError(cataloguePath, `cannot read its segment ${path} (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (err as Error).message}); it was left untouched — restore the data directory from a backup or move the catalogue away to rebuild`);
  }
  const items = parseJson(path, raw);
  if (!Array.isArray(items)) throw new CatalogueError(path, 'not a catalogue segment (expected an array)');
  return items;
}

/**
 * Removes segments the catalogue at `cataloguePath` does not name: those of replaced documents and papers, and those
 * of a staged change that was dropped or of a write that was killed. Only when no other catalogue (a staged one)
 * may name them: under the data lock, with nothing staged.
 */
export async function pruneCatalogueSegments(cataloguePath: string): Promise<string[]> {
  const dir = segmentsDir(cataloguePath);
  if (!existsSync(dir)) return [];
  const named = new Set(await namedSegments(cataloguePath));
  const doomed = (await readdir(dir)).filter((f) => !named.has(f));
  for (const f of doomed) await unlink(join(dir, f));
  return doomed;
}

async function namedSegments(path: string): Promise<string[]> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const index = parseJson(path, raw) as Partial<CatalogueIndex> | null;
  if (index?.version !== CATALOGUE_VERSION) return []; // a version-1 file holds everything itself
  const files = checkIndex(path, index);
  return [...files.documents, ...files.papers];
}

function parseJson(path: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new CatalogueError(path, `corrupt catalogue, not valid JSON (${(err as Error).message}); it was left untouched — restore it from a backup or move it away to rebuild`);
  }
}

function checkIndex(path: string, data: unknown): CatalogueIndex {
  const d = data as Partial<CatalogueIndex>;
  const names = (xs: unknown) => Array.isArray(xs) && xs.every((x) => typeof x === 'string' && /^[0-9a-f]{32}\.json$/.test(x));
  if (!names(d.documents) || !names(d.papers)) throw new CatalogueError(path, 'not a papersift catalogue (expected "documents" and "papers" lists of segment files); it was left untouched');
  return d as CatalogueIndex;
}

/** A version-1 catalogue: documents and papers in the file itself. */
export function parseCatalogue(path: string, raw: string, data: unknown = parseJson(path, raw)): CatalogueData {
  const d = data as Partial<CatalogueData> | null;
  if (!d || typeof d !== 'object' || !Array.isArray(d.documents) || !Array.isArray(d.papers))
    throw new CatalogueError(path, 'not a papersift catalogue (expected an object with "documents" and "papers" arrays); it was left untouched');
  if (d.version !== 1) throw new CatalogueError(path, `catalogue version ${String(d.version)} is not supported (expected ${CATALOGUE_VERSION} or 1)`);
  return validate(path, { version: CATALOGUE_VERSION, documents: d.documents, papers: d.papers });
}

function validate(path: string, d: CatalogueData): CatalogueData {
  for (const [i, doc] of d.documents.entries()) {
    if (!doc || typeof doc.name !== 'string' || typeof doc.sha256 !== 'string' || !Array.isArray(doc.items))
      throw new CatalogueError(path, `documents[${i}] is malformed (needs name, sha256, items)`);
  }
  for (const [i, p] of d.papers.entries()) {
    if (!p || typeof p.id !== 'string' || !Array.isArray(p.sources)) throw new CatalogueError(path, `papers[${i}] is malformed (needs id, sources)`);
  }
  return d;
}
