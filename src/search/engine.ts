// The search engine over one index generation: papers + vector index + embedder. Holds no global state, so the
// service can build a new engine for a new generation and swap it in while the old one finishes its requests.
import type { Paper } from '../catalogue/types.js';
import type { Embedder } from '../embed/types.js';
import type { VectorIndex } from '../embed/vector-index.js';
import { loadGlossary } from '../lang/glossary.js';
import { silentLogger, type Logger } from '../log.js';
import type { Translator } from './analyzer.js';
import { thresholdsFor, type ConfidenceThresholds } from './confidence.js';
import { DEFAULT_SEMANTIC_WEIGHT } from './fusion.js';
import { buildLexicalIndex, type LexicalIndex } from './lexical.js';
import { PaperLookup } from './lookup.js';
import { distinctiveTerms, relatedCandidates, recommendCandidates, type DistinctiveTerm } from './related.js';
import { BoundedMemo } from './memo.js';
import { retrieve } from './retrieve.js';
import { toHits } from './hits.js';
import { validateRecommend, validateRelated, validateSearch } from './validate.js';
import type { Hit, RecommendRequest, SearchEngine, SearchFilters, SearchRequest, SearchResponse } from './types.js';
import { compileFilters, memoByPaper } from './filters.js';

export interface SearchEngineOptions {
  papers: Paper[];
  index: VectorIndex;
  embedder: Embedder;
  logger?: Logger;
  /** A lexical index built earlier over the same papers (building one takes ~seconds per 100k papers). */
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

/** Papers whose distinctive terms an engine keeps (20 terms each; a working set, not the whole catalogue). */
const DISTINCTIVE_MEMO_LIMIT = 4_096;

function glossaryTranslator(): Translator {
  const g = loadGlossary();
  return { english: (zh) => g.english(zh) ?? [], chinese: (en) => g.chinese(en) };
}

/** The shared read-only state of an engine (exported for calibration, which needs raw channel evidence). */
export function createEngineContext(opts: SearchEngineOptions): EngineContext {
  const lexical = opts.lexical ?? buildLexicalIndex(opts.papers);
  return {
    lookup: new PaperLookup(opts.papers),
    index: opts.index,
    embedder: opts.embedder,
    lexical,
    translator: opts.dictionary ?? glossaryTranslator(),
    thresholds: opts.confidence ?? thresholdsFor(opts.embedder.info.id),
    semanticWeight: opts.semanticWeight ?? DEFAULT_SEMANTIC_WEIGHT,
    logger: opts.logger ?? silentLogger,
    ...(opts.onPhase ? { onPhase: opts.onPhase } : {}),
    distinctiveTerms: new BoundedMemo(DISTINCTIVE_MEMO_LIMIT, (paper: Paper) => distinctiveTerms({ lexical }, paper)),
  };
}

export function createSearchEngine(opts: SearchEngineOptions): SearchEngine {
  const ctx = createEngineContext(opts);
  const filterFor = (filters: SearchFilters | undefined) => {
    const predicate = compileFilters(filters, (id, view) => ctx.index.has({ paperId: id, view }));
    return predicate ? memoByPaper(predicate, ctx.lookup.byId) : undefined;
  };
  const paper = (id: string) => ctx.lookup.resolve(id.trim());

  return {
    embedder: opts.embedder.info.id,

    paper,

    async search(req: SearchRequest): Promise<SearchResponse> {
      const started = performance.now();
      const r = validateSearch(req);
      const filter = filterFor(r.filters);
      const found = await retrieve(ctx, r, filter);
      const page = found.candidates.slice(r.offset, r.offset + r.limit);
      return {
        query: r.q,
        mode: r.mode,
        total: found.candidates.length,
        lowConfidence: found.allWeak,
        tookMs: Math.round((performance.now() - started) * 100) / 100,
        embedder: ctx.embedder.info.id,
        results: toHits(ctx, page, found.terms),
      };
    },

    async related(id, o = {}) {
      const { limit } = validateRelated(id, o);
      const filter = filterFor(o.filters);
      const seed = paper(id);
      if (!seed) return undefined;
      const found = relatedCandidates(ctx, [seed], Math.max(30, 2 * limit), filter);
      return { paper: seed, results: toHits(ctx, found.candidates.slice(0, limit), found.terms) };
    },

    async recommend(req: RecommendRequest): Promise<{ results: Hit[]; unknownIds: string[] }> {
      const r = validateRecommend(req);
      const filter = filterFor(r.filters);
      const found = await recommendCandidates(ctx, r, filter);
      return { results: toHits(ctx, found.candidates, found.terms), unknownIds: found.unknownIds };
    },
  };
}
