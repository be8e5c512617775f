import type { Link, Paper, SourceRef } from '../catalogue/types.js';
import type { ViewName } from '../embed/types.js';
import type { ParsedQuery } from './query-syntax.js';

export type SearchMode = 'hybrid' | 'semantic' | 'lexical';

export interface SearchFilters {
  category?: string[]; // any of these tags, e.g. ['CV']
  source?: string[]; // document names or newsletter kind ('weekly' | 'daily')
  from?: string; // ISO date (YYYY-MM or YYYY-MM-DD), inclusive; papers with no known date never match a date filter
  to?: string;
  views?: ViewName[]; // only papers that have all of these language views
  since?: string; // YYYY-MM-DD, YYYY-MM or an ISO timestamp: only papers first seen (Paper.firstSeen) after it
}

export type SearchSort = 'relevance' | 'date';
export const FACETS = ['category', 'source', 'year', 'month'] as const;
export type FacetName = (typeof FACETS)[number];
export interface FacetValue {
  value: string;
  count: number;
}

export interface SearchRequest {
  q: string;
  mode?: SearchMode; // default hybrid
  limit?: number; // default 10
  offset?: number; // default 0
  filters?: SearchFilters;
  /** Weight of the semantic channel in hybrid fusion, 0..1 (lexical gets 1 - w), used as given. Default: the engine's (DEFAULT_SEMANTIC_WEIGHT, see fusion.ts). */
  semanticWeight?: number;
  sort?: SearchSort; // default relevance; date = newest first, ties by relevance, undated papers last
  /** Value counts to return: each respects the query and every filter except its own (disjunctive faceting). */
  facets?: FacetName[];
}

export interface ChannelMatch {
  rank: number; // 1-based rank within the channel
  score: number; // channel-native score (cosine or BM25)
  view?: ViewName; // semantic: best matching language view
}

export interface Explanation {
  semantic?: ChannelMatch & { views: { view: ViewName; score: number }[] };
  lexical?: ChannelMatch;
  idMatch?: string; // the arXiv id / DOI the query resolved to
  matchedTerms: string[];
  snippets: { en?: string; zh?: string }; // matched terms wrapped in <mark>…</mark>, other text HTML-escaped
}

export interface Hit {
  id: string;
  arxivId?: string;
  doi?: string;
  title: { en?: string; zh?: string };
  authors: string[];
  categories: string[];
  links: Link[];
  sources: SourceRef[];
  score: number; // fused score, higher is better
  lowConfidence: boolean;
  explanation: Explanation;
}

export interface SearchResponse {
  query: string;
  mode: SearchMode;
  /** The answers in one ranking computed once per query (pages are slices of it), at most MAX_DEPTH. */
  total: number;
  totalCapped: boolean; // the ranking stopped at MAX_DEPTH: more papers may match
  parsed: ParsedQuery;
  facets?: Partial<Record<FacetName, FacetValue[]>>;
  lowConfidence: boolean; // true when every returned hit is weak
  tookMs: number;
  embedder: string;
  results: Hit[];
}

/** What a search answers, as paper ids: the results' ids in their order, and whether every one is weak. */
export interface RankedIds {
  ids: string[];
  lowConfidence: boolean;
}

export interface RecommendRequest {
  positive: string[];
  negative?: string[];
  text?: string;
  exclude?: string[];
  filters?: SearchFilters;
  limit?: number;
  diversity?: number; // 0 = pure relevance, 1 = maximal MMR diversity
}

export interface SearchEngine {
  readonly embedder: string;
  /** The paper a canonical id, arXiv id or DOI names, when this engine has it. */
  paper(id: string): Paper | undefined;
  search(req: SearchRequest): Promise<SearchResponse>;
  /** Exactly `search(req)`'s result ids and lowConfidence, without building hits, snippets, explanations or facets,
   *  and without keeping the ranking for further pages (evaluation and the reindex gate ask each query once). */
  searchIds(req: SearchRequest): Promise<RankedIds>;
  related(id: string, opts?: { limit?: number; filters?: SearchFilters }): Promise<{ paper: Paper; results: Hit[] } | undefined>;
  recommend(req: RecommendRequest): Promise<{ results: Hit[]; unknownIds: string[] }>;
}
