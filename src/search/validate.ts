// Request validation with errors that name the parameter, and the defaults the engine applies.
import { SearchInputError } from './errors.js';
import { FACETS, type FacetName, type RecommendRequest, type SearchFilters, type SearchMode, type SearchRequest, type SearchSort } from './types.js';

export const MAX_LIMIT = 100;
export const MAX_OFFSET = 10_000;
export const MAX_QUERY_CHARS = 1000;
/**
 * Most positive (and, separately, negative) seed papers one recommendation takes: each seed is its own retrieval
 * (HNSW + BM25), so the work per request grows with them; 100 + 100 seeds at 1.3k papers blocked the service ~2 s.
 */
export const MAX_RECOMMEND_SEEDS = 10;
const MODES: readonly SearchMode[] = ['hybrid', 'semantic', 'lexical'];
const SORTS: readonly SearchSort[] = ['relevance', 'date'];

export interface ValidSearch {
  q: string;
  mode: SearchMode;
  limit: number;
  offset: number;
  /** Only when the caller gave one; otherwise hybrid fusion weighs the channels by their confidence (fusion.ts). */
  semanticWeight?: number;
  filters?: SearchFilters;
  sort: SearchSort;
  facets: FacetName[];
}

export interface ValidRecommend {
  positive: string[];
  negative: string[];
  exclude: string[];
  text?: string;
  filters?: SearchFilters;
  limit: number;
  diversity: number;
}

function int(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SearchInputError(name, `expected an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}

function fraction(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new SearchInputError(name, `expected a number in [0, 1], got ${JSON.stringify(value)}`);
  }
  return value;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new SearchInputError(name, 'expected a non-empty string');
  if (value.length > MAX_QUERY_CHARS) throw new SearchInputError(name, `longer than ${MAX_QUERY_CHARS} characters`);
  return value.trim();
}

function ids(value: unknown, name: string, max = Infinity): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new SearchInputError(name, 'expected a list of paper ids');
  const distinct = [...new Set(value as string[])];
  if (distinct.length > max) throw new SearchInputError(name, `at most ${max} paper ids, got ${distinct.length}`);
  return distinct;
}

export function validateSearch(req: Partial<SearchRequest>): ValidSearch {
  if (req === null || typeof req !== 'object') throw new SearchInputError('request', 'expected an object');
  const mode = req.mode ?? 'hybrid';
  if (!MODES.includes(mode)) throw new SearchInputError('mode', `expected one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  return {
    q: text(req.q, 'q'),
    mode,
    limit: int(req.limit, 'limit', 1, MAX_LIMIT, 10),
    offset: int(req.offset, 'offset', 0, MAX_OFFSET, 0),
    ...(req.semanticWeight !== undefined ? { semanticWeight: fraction(req.semanticWeight, 'semanticWeight', 0.5) } : {}),
    ...(req.filters !== undefined ? { filters: req.filters } : {}),
    sort: oneOf(req.sort ?? 'relevance', SORTS, 'sort'),
    facets: facetList(req.facets),
  };
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value as T)) throw new SearchInputError(name, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function facetList(value: unknown): FacetName[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SearchInputError('facets', `expected a list of ${FACETS.join(', ')}`);
  return [...new Set(value.map((f) => oneOf(f, FACETS, 'facets')))];
}

export function validateRecommend(req: RecommendRequest): ValidRecommend {
  if (req === null || typeof req !== 'object') throw new SearchInputError('request', 'expected an object');
  const positive = ids(req.positive, 'positive', MAX_RECOMMEND_SEEDS);
  const t = req.text === undefined ? undefined : text(req.text, 'text');
  if (positive.length === 0 && t === undefined) throw new SearchInputError('positive', 'give at least one positive paper id or a text');
  return {
    positive,
    negative: ids(req.negative, 'negative', MAX_RECOMMEND_SEEDS),
    exclude: ids(req.exclude, 'exclude'),
    ...(t !== undefined ? { text: t } : {}),
    ...(req.filters !== undefined ? { filters: req.filters } : {}),
    limit: int(req.limit, 'limit', 1, MAX_LIMIT, 10),
    diversity: fraction(req.diversity, 'diversity', 0),
  };
}

export function validateRelated(id: unknown, o: { limit?: number }): { limit: number } {
  if (typeof id !== 'string' || id.trim() === '') throw new SearchInputError('id', 'expected a paper id, arXiv id or DOI');
  return { limit: int(o.limit, 'limit', 1, MAX_LIMIT, 10) };
}
