// The lowdb-backed Catalogue: documents are the source of truth, papers are re-derived from them on every commit
// and stored alongside so readers need not re-parse. Commits are serialised and written atomically.
import { stat } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { resolve as resolvePath } from 'node:path';
import { Low } from 'lowdb';
import { createPaperResolver, type PaperResolver } from './resolve.js';
import { deriveChange } from './incremental.js';
import { DERIVATION, deriveCatalogue } from './merge.js';
import { diffPapers, mergedIds } from './report.js';
import { SegmentedCatalogueAdapter, CATALOGUE_VERSION, type CatalogueData, type ParsedSegments, type WriteFile } from './store.js';
import type { Catalogue, DocumentRecord, IngestReport, Paper } from './types.js';

export { CatalogueError } from './store.js';

export interface OpenOptions {
  /** Replaces the atomic file writer (tests use it to simulate a crash mid-write). */
  writeFile?: WriteFile;
  /** Segments already parsed elsewhere (the live index generation's papers), used instead of reading them. */
  parsed?: ParsedSegments;
}

/** Opens (or starts) the catalogue at `path`; throws CatalogueError naming the file if it is corrupt. */
export async function openCatalogue(path: string, opts: OpenOptions = {}): Promise<Catalogue> {
  const file = resolvePath(path);
  const db = new Low<CatalogueData>(new SegmentedCatalogueAdapter(file, opts.writeFile, opts.parsed), emptyData());
  await db.read();
  return new LowCatalogue(file, db, await signature(file));
}

function emptyData(): CatalogueData {
  return { version: CATALOGUE_VERSION, documents: [], papers: [] };
}

class LowCatalogue implements Catalogue {
  private resolver: PaperResolver = createPaperResolver([]);
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly db: Low<CatalogueData>,
    private diskSignature: string | undefined,
  ) {
    this.reindex();
  }

  // copies, so a caller sorting or filtering in place cannot change what is stored
  papers(): Paper[] {
    return [...this.db.data.papers];
  }

  documents(): DocumentRecord[] {
    return [...this.db.data.documents];
  }

  get(id: string): Paper | undefined {
    return this.resolver.get(id);
  }

  resolve(idOrRef: string): Paper | undefined {
    return this.resolver.resolve(idOrRef);
  }

  commit(change: { upsert: DocumentRecord[]; remove: string[] }): Promise<IngestReport> {
    // one commit at a time: each builds on the state the previous one wrote
    const run = this.queue.then(() => this.commitNow(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async commitNow(change: { upsert: DocumentRecord[]; remove: string[] }): Promise<IngestReport> {
    await this.reloadIfChangedOnDisk();
    const before = this.db.data;
    const { documents, statuses, restated, replaced } = applyChange(before.documents, change);
    if (!statuses.some((s) => s.status !== 'unchanged')) {
      // no document changed: no re-derivation; only new file paths or stats, if any, are written
      if (restated) await this.write({ ...before, documents }, before);
      const ids = before.papers.map((p) => p.id);
      return { documents: statuses, added: [], updated: [], unchanged: ids, removed: [], merged: mergedIds(before.papers), warnings: [] };
    }
    // notes on documents this commit brought in; older ones were reported when those documents came in
    const touched = new Set(change.upsert.map((d) => d.name));
    // the first build derives everything, and so does the first commit under other merge rules than the stored
    // papers were derived under; others only the papers the change can reach (incremental.ts)
    const incremental = before.documents.length > 0 && before.derivation === DERIVATION;
    const derived = (incremental && deriveChange({ documents, papers: before.papers, replaced, touched })) || deriveCatalogue(documents);
    const papers = keepUnchanged(before.papers, derived.papers);
    const { notes } = derived;
    const warnings = notes.filter((n) => touched.has(n.document)).map((n) => ({ file: n.document, line: n.line, message: n.message }));
    const report: IngestReport = { documents: statuses, ...diffPapers(before.papers, papers), warnings };
    await this.write({ version: CATALOGUE_VERSION, derivation: DERIVATION, documents, papers }, before);
    return report;
  }

  private async write(data: CatalogueData, before: CatalogueData): Promise<void> {
    this.db.data = data;
    try {
      await this.db.write();
    } catch (err) {
      this.db.data = before; // the file still holds `before`; keep memory in step with it
      throw err;
    }
    this.diskSignature = await signature(this.file);
    this.reindex();
  }

  // Another process (the server's upload endpoint, a manual `papersift ingest`) may have committed since we read.
  private async reloadIfChangedOnDisk(): Promise<void> {
    const now = await signature(this.file);
    if (now === this.diskSignature) return;
    const before = this.db.data;
    this.db.data = emptyData();
    try {
      await this.db.read();
    } catch (err) {
      this.db.data = before;
      throw err;
    }
    this.diskSignature = now;
    this.reindex();
  }

  private reindex(): void {
    this.resolver = createPaperResolver(this.db.data.papers);
  }
}

/**
 * The documents after removing and upserting by name (sorted by name), with what happened to each and the records
 * the change replaced or removed.
 */
function applyChange(current: DocumentRecord[], change: { upsert: DocumentRecord[]; remove: string[] }) {
  const byName = new Map(current.map((d) => [d.name, d]));
  const statuses: IngestReport['documents'] = [];
  const replaced: DocumentRecord[] = [];
  let restated = false;
  let order = Math.max(0, ...current.map((d) => d.ingestOrder ?? 0));
  for (const name of new Set(change.remove)) {
    const doc = byName.get(name);
    if (!doc || !byName.delete(name)) continue;
    statuses.push({ name, status: 'removed', papers: doc.items.length });
    replaced.push(doc);
  }
  for (const doc of change.upsert) {
    const old = byName.get(doc.name);
    const status = !old ? 'new' : old.sha256 === doc.sha256 ? 'unchanged' : 'changed';
    statuses.push({ name: doc.name, status, papers: doc.items.length });
    // an edited document keeps its place in ingest order (so its papers keep their display titles) and its first
    // ingest time (so they keep their firstSeen)
    if (status === 'changed') {
      replaced.push(old!);
      byName.set(doc.name, { ...doc, ingestedAt: old!.ingestedAt, ...(old!.ingestOrder ? { ingestOrder: old!.ingestOrder } : {}) });
    } else if (status === 'new') byName.set(doc.name, { ...doc, ingestOrder: ++order });
    else if (doc.path !== old!.path || !isDeepStrictEqual(doc.stat, old!.stat)) {
      byName.set(doc.name, { ...old!, ...(doc.path ? { path: doc.path } : {}), ...(doc.stat ? { stat: doc.stat } : {}) });
      restated = true;
    }
  }
  const documents = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { documents, statuses, restated, replaced };
}

/**
 * The derived papers, each one deep-equal to a stored paper replaced by the stored object: unchanged papers stay the
 * objects the live index generation shares (see ParsedSegments), so the comparisons a reindex makes next are by reference.
 */
function keepUnchanged(before: Paper[], after: Paper[]): Paper[] {
  const old = new Map(before.map((p) => [p.id, p]));
  return after.map((p) => {
    const o = old.get(p.id);
    return o && isDeepStrictEqual(o, p) ? o : p;
  });
}

async function signature(file: string): Promise<string | undefined> {
  const s = await stat(file).catch(() => undefined);
  return s ? `${s.size}:${s.mtimeMs}:${s.ino}` : undefined;
}
