import type { Link, Paper, SourceRef } from '../catalogue/types.js';
import type { ViewName } from '../embed/types.js';

export type SearchMode = 'hybrid' | 'semantic' | 'lexical';

export interface SearchFilters {
  category?: string[]; // any of these tags, e.g. ['CV']
  source?: string[]; // document names or newsletter kind ('weekly' | 'daily')
  from?: string; // ISO date (YYYY-MM or YYYY-MM-DD), inclusive; papers with no known date never match a date filter
  to?: string;
  views?: ViewName[]; // only papers that have all of these language views
}

export interface SearchRequest {
  q: string;
  mode?: SearchMode; // default hybrid
  limit?: number; // default 10
  offset?: number; // default 0
  filters?: SearchFilters;
  /** Weight of the semantic channel in hybrid fusion, 0..1 (lexical gets 1 - w), used as given. Default: the engine's (DEFAULT_SEMANTIC_WEIGHT, see fusion.ts). */
  semanticWeight?: number;
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
  total: number; // matches above the engine's cut-off (for pagination)
  lowConfidence: boolean; // true when every returned hit is weak
  tookMs: number;
  embedder: string;
  results: Hit[];
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
  related(id: string, opts?: { limit?: number; filters?: SearchFilters }): Promise<{ paper: Paper; results: Hit[] } | undefined>;
  recommend(req: RecommendRequest): Promise<{ results: Hit[]; unknownIds: string[] }>;
}
