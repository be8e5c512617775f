// What a commit did to the papers: ids added, updated, unchanged, removed, and those combining several documents.
import { isDeepStrictEqual } from 'node:util';
import type { IngestReport, Paper } from './types.js';

export function diffPapers(before: Paper[], after: Paper[]): Pick<IngestReport, 'added' | 'updated' | 'unchanged' | 'removed' | 'merged'> {
  const old = new Map(before.map((p) => [p.id, p]));
  const now = new Set(after.map((p) => p.id));
  const added: string[] = [];
  const updated: string[] = [];
  const unchanged: string[] = [];
  for (const p of after) {
    const prev = old.get(p.id);
    if (!prev) added.push(p.id);
    else if (isDeepStrictEqual(prev, p)) unchanged.push(p.id);
    else updated.push(p.id);
  }
  return {
    added,
    updated,
    unchanged,
    removed: before.filter((p) => !now.has(p.id)).map((p) => p.id),
    merged: mergedIds(after),
  };
}

/** Papers combining items from more than one document. */
export function mergedIds(papers: Paper[]): string[] {
  return papers.filter((p) => p.sources.some((s) => s.document !== p.sources[0]!.document)).map((p) => p.id);
}
