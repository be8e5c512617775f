// What every request of one engine shares, read-only: the types the engine's parts (retrieve, hits, related) take,
// kept apart from engine.ts so those parts depend on these types, not on the engine that calls them.
import type { Paper } from '../catalogue/types.js';
import type { Embedder } from '../embed/types.js';
import type { VectorIndex } from '../embed/vector-index.js';
import type { Logger } from '../log.js';
import type { Translator } from './analyzer.js';
import type { ConfidenceThresholds } from './confidence.js';
import type { LexicalIndex } from './lexical.js';
import type { PaperLookup } from './lookup.js';
import type { BoundedMemo } from './memo.js';

export interface SearchEngineOptions {
  papers: Paper[];
  index: VectorIndex;
  embedder: Embedder;
  logger?: Logger;
  /** A lexical index built earlier over the same papers (building one takes ~seconds per 100k papers); without
   *  one, the engine builds one with the shipped bridge. */
  lexical?: LexicalIndex;
  /** Cross-language expansion; pass the project dictionary (openDictionary) for CC-CEDICT coverage. Default: the glossary. */
  dictionary?: Translator;
  /** Override the calibrated confidence cut-offs (default: per embedder, see confidence.ts). */
  confidence?: ConfidenceThresholds;
  /** The semantic channel's share of hybrid fusion (default DEFAULT_SEMANTIC_WEIGHT, see fusion.ts). */
  semanticWeight?: number;
  /** Called with the time each retrieval phase took (benchmarks; keep it cheap). */
  onPhase?: PhaseListener;
}

export type Phase = 'embed' | 'hnsw' | 'bm25' | 'fusion';
export type PhaseListener = (phase: Phase, ms: number) => void;

/** Everything a request needs, shared read-only between requests of one engine. */
export interface EngineContext {
  lookup: PaperLookup;
  index: VectorIndex;
  embedder: Embedder;
  lexical: LexicalIndex;
  translator: Translator;
  thresholds: ConfidenceThresholds;
  /** Hybrid fusion's semantic share when a request gives none. */
  semanticWeight: number;
  logger: Logger;
  onPhase?: PhaseListener;
  /** Each paper's distinctive terms (its related-papers BM25 query), memoised per engine: they depend on its index. */
  distinctiveTerms: BoundedMemo<Paper, readonly DistinctiveTerm[]>;
}

/** A term a paper is about, weighted by how much more it says about this paper than about others (related.ts). */
export interface DistinctiveTerm {
  readonly term: string;
  readonly weight: number;
}
