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

/** The filter groups a facet can ignore (disjunctive faceting): each facet's counts leave out its own group. */
export type FilterGroup = 'category' | 'source' | 'date' | 'other';

/** Validated filters as one predicate per group (a group without a filter is absent). */
export type GroupedFilters = Partial<Record<FilterGroup, PaperPredicate>>;

/**
 * Validates filters and returns a predicate, or undefined when nothing is filtered.
 * `hasView` tells whether the index holds a paper's language view (the `views` filter asks for indexed views).
 */
export function compileFilters(
  filters: SearchFilters | undefined,
  hasView: (paperId: string, view: ViewName) => boolean,
  name = 'filters',
): PaperPredicate | undefined {
  return allOf(Object.values(groupFilters(filters, hasView, name)));
}

/** Validates filters into their groups (see FilterGroup). */
export function groupFilters(filters: SearchFilters | undefined, hasView: (paperId: string, view: ViewName) => boolean, name = 'filters'): GroupedFilters {
  if (filters === undefined || filters === null) return {};
  if (typeof filters !== 'object') throw new SearchInputError(name, 'expected an object');
  const categories = stringList(filters.category, `${name}.category`)?.map((c) => c.toLowerCase());
  const sources = stringList(filters.source, `${name}.source`);
  const from = month(filters.from, `${name}.from`);
  const to = month(filters.to, `${name}.to`);
  if (from && to && from > to) throw new SearchInputError(`${name}.from`, `${filters.from} is after ${name}.to ${filters.to}`);
  const views = stringList(filters.views, `${name}.views`);
  const bad = views?.find((v) => !VIEWS.includes(v as ViewName));
  if (bad !== undefined) throw new SearchInputError(`${name}.views`, `unknown view "${bad}" (use ${VIEWS.join(' or ')})`);

  const groups: GroupedFilters = {};
  if (categories?.length) groups.category = (p) => p.categories.some((c) => categories.includes(c.toLowerCase()));
  if (sources?.length) groups.source = (p) => p.sources.some((s) => sources.some((want) => sourceMatches(s.document, s.format, want)));
  const date = allOf([from ? (p) => p.date !== undefined && p.date.slice(0, 7) >= from : undefined, to ? (p) => p.date !== undefined && p.date.slice(0, 7) <= to : undefined]);
  if (date) groups.date = date;
  const other = allOf([views?.length ? (p) => views.every((v) => hasView(p.id, v as ViewName)) : undefined, sinceTest(filters.since, `${name}.since`)]);
  if (other) groups.other = other;
  return groups;
}

/** A `since` instant: an ISO timestamp with a time zone (2026-11-30T09:15:00Z), as a client remembers a visit. */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `since`: papers first seen (Paper.firstSeen) after a date (YYYY-MM-DD or YYYY-MM: after that whole day or month)
 * or after an instant (an ISO timestamp).
 */
function sinceTest(value: unknown, name: string): PaperPredicate | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && ISO_DATE.test(value)) return (p) => p.firstSeen !== undefined && p.firstSeen.slice(0, value.length) > value;
  const instant = typeof value === 'string' && ISO_TIMESTAMP.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(instant)) {
    throw new SearchInputError(name, `expected a date YYYY-MM-DD or YYYY-MM, or an ISO timestamp, got ${JSON.stringify(value)}`);
  }
  return (p) => p.firstSeen !== undefined && Date.parse(p.firstSeen) > instant;
}

/** The conjunction of the predicates given (undefined for none). */
export function allOf(tests: readonly (PaperPredicate | undefined)[]): PaperPredicate | undefined {
  const defined = tests.filter((t): t is PaperPredicate => t !== undefined);
  if (defined.length <= 1) return defined[0];
  return (p) => defined.every((t) => t(p));
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
