// Finding a paper by any of the ways people write its id: canonical id, bare or versioned arXiv id, arXiv URL,
// DOI (with or without `doi:`) or doi.org URL. Shared by the catalogue and the service's served generation.
import type { Paper } from './types.js';
import { canonicalIdFromRef, parsePaperRef } from './ref.js';

export interface PaperResolver {
  /** By exact key: a canonical id, or `arxiv:<id>` / `doi:<doi>` of a paper filed under another id. */
  get(id: string): Paper | undefined;
  /** Canonical id first, then any arXiv/DOI form. */
  resolve(ref: string): Paper | undefined;
}

export function createPaperResolver(papers: readonly Paper[]): PaperResolver {
  const byKey = new Map<string, Paper>();
  for (const p of papers) {
    byKey.set(p.id, p);
    // a paper whose canonical id is a title hash (or its DOI) may still carry an arXiv id or DOI: both resolve to it
    if (p.arxivId && !byKey.has(`arxiv:${p.arxivId}`)) byKey.set(`arxiv:${p.arxivId}`, p);
    const doiKey = p.doi && `doi:${p.doi.toLowerCase()}`;
    if (doiKey && !byKey.has(doiKey)) byKey.set(doiKey, p);
  }
  return {
    get: (id) => byKey.get(id),
    resolve(ref) {
      const s = ref.trim();
      const exact = byKey.get(s);
      if (exact) return exact;
      const parsed = parsePaperRef(s);
      return parsed ? byKey.get(canonicalIdFromRef(parsed)) : undefined;
    },
  };
}
