// The catalogue file: a lowdb adapter that writes atomically (temp file, fsync, rename) and refuses to read
// anything that is not a papersift catalogue, naming the file, instead of starting over with an empty one.
import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { writeFileAtomic } from '../util/atomic.js';
import type { DocumentRecord, Paper } from './types.js';

export const CATALOGUE_VERSION = 1;

export interface CatalogueData {
  version: number;
  documents: DocumentRecord[];
  papers: Paper[];
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
 * lowdb's own JSONFile adapter (steno) renames a fixed ".name.tmp" without fsync; this one uses the project's
 * writeFileAtomic (unique temp name, fsync, rename, directory fsync) so a crash leaves the old file or the new one.
 */
export class AtomicJsonAdapter implements Adapter<CatalogueData> {
  constructor(
    readonly path: string,
    private readonly writeFile: WriteFile = writeFileAtomic,
  ) {}

  async read(): Promise<CatalogueData | null> {
    let raw: string;
    try {
      raw = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new CatalogueError(this.path, `cannot read catalogue (${(err as Error).message})`);
    }
    return parseCatalogue(this.path, raw);
  }

  async write(data: CatalogueData): Promise<void> {
    await this.writeFile(this.path, `${JSON.stringify(data)}\n`);
  }
}

export function parseCatalogue(path: string, raw: string): CatalogueData {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new CatalogueError(path, `corrupt catalogue, not valid JSON (${(err as Error).message}); it was left untouched — restore it from a backup or move it away to rebuild`);
  }
  const d = data as Partial<CatalogueData> | null;
  if (!d || typeof d !== 'object' || !Array.isArray(d.documents) || !Array.isArray(d.papers))
    throw new CatalogueError(path, 'not a papersift catalogue (expected an object with "documents" and "papers" arrays); it was left untouched');
  if (d.version !== CATALOGUE_VERSION)
    throw new CatalogueError(path, `catalogue version ${String(d.version)} is not supported (expected ${CATALOGUE_VERSION})`);
  for (const [i, doc] of d.documents.entries()) {
    if (!doc || typeof doc.name !== 'string' || typeof doc.sha256 !== 'string' || !Array.isArray(doc.items))
      throw new CatalogueError(path, `documents[${i}] is malformed (needs name, sha256, items)`);
  }
  for (const [i, p] of d.papers.entries()) {
    if (!p || typeof p.id !== 'string' || !Array.isArray(p.sources)) throw new CatalogueError(path, `papers[${i}] is malformed (needs id, sources)`);
  }
  return d as CatalogueData;
}
