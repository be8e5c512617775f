// Paper lookup by canonical id, arXiv id (any version/URL form) or DOI (or doi.org URL).
import type { Paper } from '../catalogue/types.js';
import { parsePaperRef } from '../ingest/links.js';

export class PaperLookup {
  readonly byId = new Map<string, Paper>();
  private readonly byArxiv = new Map<string, Paper>();
  private readonly byDoi = new Map<string, Paper>();

  constructor(papers: readonly Paper[]) {
    for (const p of papers) {
      this.byId.set(p.id, p);
      if (p.arxivId) this.byArxiv.set(p.arxivId, p);
      if (p.doi) this.byDoi.set(p.doi.toLowerCase(), p);
    }
  }

  /** The paper an id query names, with the id it matched, or undefined when the text is no id or names no known paper. */
  resolveRef(text: string): { paper: Paper; matched: string } | undefined {
    const ref = parsePaperRef(text);
    if (!ref) return undefined;
    if (ref.arxivId) {
      const paper = this.byArxiv.get(ref.arxivId);
      return paper && { paper, matched: `arXiv:${ref.arxivId}` };
    }
    const paper = ref.doi ? this.byDoi.get(ref.doi) : undefined;
    return paper && { paper, matched: `doi:${ref.doi}` };
  }

  /** Canonical id first, then any arXiv/DOI form. */
  resolve(idOrRef: string): Paper | undefined {
    return this.byId.get(idOrRef) ?? this.resolveRef(idOrRef)?.paper;
  }
}
