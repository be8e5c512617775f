// The search engine over one index generation: papers + vector index + embedder. Holds no global state, so the
// service can build a new engine for a new generation and swap it in while the old one finishes its requests.
import type { Paper } from '../catalogue/types.js';
import { loadGlossary } from '../lang/glossary.js';
import { silentLogger } from '../log.js';
import type { Translator } from './analyzer.js';
import { thresholdsFor } from './confidence.js';
import { DEFAULT_SEMANTIC_WEIGHT } from './fusion.js';
import { buildLexicalIndex } from './lexical.js';
import { loadShippedBridge } from '../lang/bridge.js';
import { PaperLookup } from './lookup.js';
import { distinctiveTerms, relatedCandidates, recommendCandidates } from './related.js';
import type { EngineContext, SearchEngineOptions } from './context.js';
import { AsyncMemo, BoundedMemo } from './memo.js';
import { keepAnswers, MAX_DEPTH, retrieve, sortByDate, type Retrieved } from './retrieve.js';
import { toHits } from './hits.js';
import { validateRecommend, validateRelated, validateSearch, type ValidSearch } from './validate.js';
import type { Hit, RankedIds, RecommendRequest, SearchEngine, SearchFilters, SearchRequest, SearchResponse } from './types.js';
import type { Candidate } from './candidate.js';
import { allOf, compileFilters, groupFilters, memoByPaper, type PaperPredicate } from './filters.js';
import { parseQuery, rankedText, type ParsedQuery } from './query-syntax.js';
import { queryPredicate } from './query-filters.js';
import { facetCounts } from './facets.js';

export type { EngineContext, Phase, PhaseListener, SearchEngineOptions } from './context.js';

/** Papers whose distinctive terms an engine keeps (20 terms each; a working set, not the whole catalogue). */
const DISTINCTIVE_MEMO_LIMIT = 4_096;
/**
 * Rankings an engine keeps, so paging, sorting and choosing facets re-use one ranking instead of ranking again
 * (each up to 2 x MAX_DEPTH candidates; a reader's recent queries, not a cache of everything).
 */
const RANKING_MEMO_LIMIT = 32;

function glossaryTranslator(): Translator {
  const g = loadGlossary();
  return { english: (zh) => g.english(zh) ?? [], chinese: (en) => g.chinese(en) };
}

/** The shared read-only state of an engine (exported for calibration, which needs raw channel evidence). */
export function createEngineContext(opts: SearchEngineOptions): EngineContext {
  const lexical = opts.lexical ?? buildLexicalIndex(opts.papers, loadShippedBridge());
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
  const rankings = new AsyncMemo<Retrieved>(RANKING_MEMO_LIMIT);
  /**
   * A request's ranking, with the no-padding rule and the facet filters applied and sorted as asked; `keep` keeps the
   * ranking for the request's next pages and facets (an evaluation asks each query once: kept rankings would only
   * pile up in the old generation of the heap, for the garbage collector to mark).
   */
  const answer = async (req: SearchRequest, keep: boolean) => {
    const r = validateSearch(req);
    const plan = planSearch(r, (id, view) => ctx.index.has({ paperId: id, view }));
    const rank = () => {
      const filter = plan.rankFilter ? memoByPaper(plan.rankFilter, ctx.lookup.byId) : undefined;
      return retrieve(ctx, plan.text, r, filter);
    };
    const ranking = await (keep ? rankings.get(plan.key, rank) : rank());
    const paperOf = (id: string) => ctx.lookup.byId.get(id);
    const chosen = allOf(Object.values(plan.after));
    const kept = keepAnswers(chosen ? ranking.candidates.filter((c) => chosen(paperOf(c.paperId)!)) : ranking.candidates, ranking.keepAll);
    const ordered = (r.sort === 'date' ? sortByDate(kept.candidates, (c) => paperOf(c.paperId)) : kept.candidates).slice(0, MAX_DEPTH);
    return { r, plan, ranking, kept, ordered };
  };

  return {
    embedder: opts.embedder.info.id,

    paper,

    async search(req: SearchRequest): Promise<SearchResponse> {
      const started = performance.now();
      const { r, plan, ranking, kept, ordered } = await answer(req, true);
      const paperOf = (id: string) => ctx.lookup.byId.get(id);
      return {
        query: r.q,
        mode: r.mode,
        total: ordered.length,
        totalCapped: ranking.capped || kept.candidates.length > MAX_DEPTH,
        parsed: plan.parsed,
        lowConfidence: kept.allWeak,
        tookMs: Math.round((performance.now() - started) * 100) / 100,
        embedder: ctx.embedder.info.id,
        ...(r.facets.length ? { facets: Object.fromEntries(r.facets.map((f) => [f, facetCounts(f, ranking.candidates, plan.after, paperOf, ranking.keepAll ?? false)])) } : {}),
        results: toHits(ctx, page(r, ordered), ranking.terms),
      };
    },

    async searchIds(req: SearchRequest): Promise<RankedIds> {
      const { r, kept, ordered } = await answer(req, false);
      // the candidates toHits would keep: those whose paper is in the snapshot
      return { ids: page(r, ordered).flatMap((c) => (ctx.lookup.byId.has(c.paperId) ? [c.paperId] : [])), lowConfidence: kept.allWeak };
    },

    async related(id, o = {}) {
      const { limit } = validateRelated(id, o);
      const filter = filterFor(o.filters);
      const seed = paper(id);
      if (!seed) return undefined;
      const found = relatedCandidates(ctx, [seed], Math.max(30, 2 * limit), filter, limit);
      return { paper: seed, results: toHits(ctx, found.candidates, found.terms) };
    },

    async recommend(req: RecommendRequest): Promise<{ results: Hit[]; unknownIds: string[] }> {
      const r = validateRecommend(req);
      const filter = filterFor(r.filters);
      const found = await recommendCandidates(ctx, r, filter);
      return { results: toHits(ctx, found.candidates, found.terms), unknownIds: found.unknownIds };
    },
  };
}

/** The requested page of a search's answers. */
const page = (r: ValidSearch, ordered: readonly Candidate[]) => ordered.slice(r.offset, r.offset + r.limit);

/** A search taken apart: the text the channels rank, what they filter on, and the filters applied afterwards. */
interface SearchPlan {
  parsed: ParsedQuery;
  text: string;
  /** Runs inside the channels: language views, `since`, authors, title words, phrases, exclusions. */
  rankFilter?: PaperPredicate;
  /** Applied to the ranking: the facet filters (category, source, dates), so facets can leave their own out. */
  after: { category?: PaperPredicate; source?: PaperPredicate; date?: PaperPredicate };
  /** Names the ranking: equal keys rank the same papers in the same order. */
  key: string;
}

function planSearch(r: ValidSearch, hasView: (paperId: string, view: 'en' | 'zh') => boolean): SearchPlan {
  const parsed = parseQuery(r.q);
  const groups = groupFilters(r.filters, hasView);
  const categories = parsed.categories.map((c) => c.toLowerCase());
  const years = parsed.years;
  const year = (p: Paper) => Number(p.date?.slice(0, 4));
  const after = {
    category: allOf([groups.category, categories.length ? (p: Paper) => p.categories.some((c) => categories.includes(c.toLowerCase())) : undefined]),
    source: groups.source,
    date: allOf([groups.date, years.length ? (p: Paper) => p.date !== undefined && years.some((y) => year(p) >= y.from && year(p) <= y.to) : undefined]),
  };
  const text = rankedText(parsed);
  const { views, since } = r.filters ?? {};
  const key = JSON.stringify([text, r.mode, r.semanticWeight, views, since, parsed.authors, parsed.title, parsed.phrases, parsed.exclude]);
  const rankFilter = allOf([groups.other, queryPredicate(parsed)]);
  return { parsed, text, after, key, ...(rankFilter ? { rankFilter } : {}) };
}
