// The papers of one served generation, indexed for the lookups the API needs: by canonical id, by arXiv id
// or DOI in any of their written forms, and by filter for browsing.
import type { Paper } from '../catalogue/types.js';
import type { SearchFilters } from '../search/types.js';
import type { ViewName } from '../embed/types.js';
import { compileFilters } from '../search/filters.js';
import { createPaperResolver } from '../catalogue/resolve.js';

export interface PaperDirectory {
  readonly size: number;
  /** Canonical id, bare arXiv id (any version / URL form), DOI (with or without `doi:`), or doi.org URL. */
  resolve(ref: string): Paper | undefined;
  /** Papers matching the filters, newest first (undated last), then by id for a stable order. */
  browse(filters: SearchFilters): Paper[];
  /** How many papers carry each category tag (computed once per directory). */
  categoryCounts(): Readonly<Record<string, number>>;
  /** Distinct source document names, sorted (computed once per directory). */
  documentNames(): readonly string[];
}

export function createPaperDirectory(papers: readonly Paper[]): PaperDirectory {
  const resolver = createPaperResolver(papers);
  const sorted = [...papers].sort(newestFirst);
  // A served generation's papers never change, and the web page's form asks for both on every request.
  let counts: Readonly<Record<string, number>> | undefined;
  let names: readonly string[] | undefined;
  return {
    size: papers.length,
    resolve: (ref) => resolver.resolve(ref),
    browse(filters) {
      // the search engine's own filter compiler, so browsing and searching agree on what a filter means
      const keep = compileFilters(filters, (id, view) => {
        const p = resolver.get(id);
        return p !== undefined && hasView(p, view);
      });
      return keep ? sorted.filter(keep) : sorted;
    },
    categoryCounts: () => (counts ??= countCategories(papers)),
    documentNames: () => (names ??= [...new Set(papers.flatMap((p) => p.sources.map((s) => s.document)))].sort()),
  };
}

function countCategories(papers: readonly Paper[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of papers) for (const c of p.categories) counts[c] = (counts[c] ?? 0) + 1;
  return counts;
}

function newestFirst(a: Paper, b: Paper): number {
  if (a.date !== b.date) {
    if (!a.date) return 1;
    if (!b.date) return -1;
    return a.date < b.date ? 1 : -1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Language views a paper has text for (what the index embeds), for the `views` filter. */
function hasView(p: Paper, view: ViewName): boolean {
  return Boolean(view === 'en' ? p.title.en || p.summary.en : p.title.zh || p.summary.zh);
}
