// The pages are clients of the JSON API: they ask /api/search and /api/recommend in-process (app.request, no
// socket), so a page shows exactly what the API answers for the same parameters and cannot drift from it. The
// search contract's newer fields (facets, parsed, totalCapped) are optional here: a page renders without them.
import type { Hono } from 'hono';
import type { Hit, SearchResponse } from '../../search/types.js';
import type { AppEnv } from '../context.js';
import type { ErrorBody } from '../errors.js';

export interface FacetCount {
  value: string;
  count: number;
}

export type FacetName = 'category' | 'source' | 'year';

export interface ParsedQuery {
  text?: string;
  authors?: string[];
  title?: string[];
  categories?: string[];
  years?: string[];
  phrases?: string[];
  exclude?: string[];
}

/** What GET /api/search answers, with the contract's newer fields optional (the page also renders without them). */
export type SearchAnswer = Omit<SearchResponse, 'facets' | 'parsed' | 'totalCapped'> & {
  facets?: Partial<Record<FacetName, FacetCount[]>>;
  parsed?: ParsedQuery;
  totalCapped?: boolean;
};

export interface RecommendAnswer {
  results: Hit[];
  unknownIds: string[];
}

/** A refusal's Retry-After (seconds) is passed on, so a page refused for the same reason says when to come back. */
export type ApiResult<T> = { ok: true; body: T } | { ok: false; status: number; message: string; retryAfter?: number };

type App = Pick<Hono<AppEnv>, 'request'>;

async function answer<T>(res: Response): Promise<ApiResult<T>> {
  if (res.ok) return { ok: true, body: (await res.json()) as T };
  const body = (await res.json().catch(() => undefined)) as ErrorBody | undefined;
  const message = body?.error?.message ?? `the API answered ${res.status}`;
  const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
  return { ok: false, status: res.status, message, ...(Number.isFinite(retryAfter) ? { retryAfter } : {}) };
}

export async function apiSearch(app: App, params: URLSearchParams): Promise<ApiResult<SearchAnswer>> {
  return answer(await app.request(`/api/search?${params.toString()}`));
}

/** The body is passed on as the reader's browser sent it: /api/recommend validates it and names what is wrong. */
export async function apiRecommend(app: App, body: string): Promise<ApiResult<RecommendAnswer>> {
  return answer(await app.request('/api/recommend', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } }));
}
