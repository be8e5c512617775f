// Search filters compiled into one paper predicate. The same predicate runs inside both channels (HNSW filter
// callback, the BM25 scorer) so a filtered query still fills its page when enough matching papers exist.
import type { Paper } from '../catalogue/types.js';
import type { ViewName } from '../embed/types.js';
import { SearchInputError } from './errors.js';
import type { SearchFilters } from './types.js';

/** A filter date: YYYY-MM or YYYY-MM-DD (the HTTP schemas validate with the same pattern). */
export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;
const VIEWS: readonly ViewName[] = ['en', 'zh'];

export type PaperPredicate = (paper: Paper) => boolean;

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '')) {
    throw new SearchInputError(name, 'expected a list of non-empty strings');
  }
  return value as string[];
}

function month(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !ISO_DATE.test(value)) {
    throw new SearchInputError(name, `expected an ISO date YYYY-MM or YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  // Paper dates are month-precise (from arXiv ids), so a day-precise bound is compared by its month.
  return value.slice(0, 7);
}

/**
 * Validates filters and returns a predicate, or undefined when nothing is filtered.
 * `hasView` tells whether the index holds a paper's language view (the `views` filter asks for indexed views).
 */
export function compileFilters(
  filters: SearchFilters | undefined,
  hasView: (paperId: string, view: ViewName) => boolean,
  name = 'filters',
): PaperPredicate | undefined {
  if (filters === undefined || filters === null) return undefined;
  if (typeof filters !== 'object') throw new SearchInputError(name, 'expected an object');
  const categories = stringList(filters.category, `${name}.category`)?.map((c) => c.toLowerCase());
  const sources = stringList(filters.source, `${name}.source`);
  const from = month(filters.from, `${name}.from`);
  const to = month(filters.to, `${name}.to`);
  if (from && to && from > to) throw new SearchInputError(`${name}.from`, `${filters.from} is after ${name}.to ${filters.to}`);
  const views = stringList(filters.views, `${name}.views`);
  const bad = views?.find((v) => !VIEWS.includes(v as ViewName));
  if (bad !== undefined) throw new SearchInputError(`${name}.views`, `unknown view "${bad}" (use ${VIEWS.join(' or ')})`);

  const tests: PaperPredicate[] = [];
  if (categories?.length) tests.push((p) => p.categories.some((c) => categories.includes(c.toLowerCase())));
  if (sources?.length) tests.push((p) => p.sources.some((s) => sources.some((want) => sourceMatches(s.document, s.format, want))));
  if (from) tests.push((p) => p.date !== undefined && p.date.slice(0, 7) >= from);
  if (to) tests.push((p) => p.date !== undefined && p.date.slice(0, 7) <= to);
  if (views?.length) tests.push((p) => views.every((v) => hasView(p.id, v as ViewName)));
  if (tests.length === 0) return undefined;
  return (p) => tests.every((t) => t(p));
}

/** A source filter names a newsletter kind ('weekly' | 'daily') or a document, with or without its extension. */
function sourceMatches(document: string, format: string, want: string): boolean {
  if (want === format) return true;
  return document === want || document.replace(/\.[^.]+$/, '') === want;
}

/** Memoises a predicate per paper id: HNSW calls the filter for many (paper, view) entries of the same paper. */
export function memoByPaper(predicate: PaperPredicate, papers: ReadonlyMap<string, Paper>): (paperId: string) => boolean {
  const memo = new Map<string, boolean>();
  return (id) => {
    let ok = memo.get(id);
    if (ok === undefined) {
      const paper = papers.get(id);
      ok = paper !== undefined && predicate(paper);
      memo.set(id, ok);
    }
    return ok;
  };
}
