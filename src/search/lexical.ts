// The lexical channel: BM25 (MiniSearch) over titles, summaries, authors and affiliations in both languages.
// Documents are tokenised once here (jieba search mode + stemmed English via src/lang) and handed to MiniSearch
// pre-split, so the same terms also give document frequencies for the confidence measure.
import MiniSearch from 'minisearch';
import type { Paper } from '../catalogue/types.js';
import { documentTerms, nameTerms, type AnalyzedQuery } from './analyzer.js';
import { noProgress, type Progress } from '../util/progress.js';

const SEP = '\u0001';
const split = (s: string) => (s ? s.split(SEP) : []);

/**
 * Terms in more than this share of the papers act as stop words of the field ("model", 学习) once the catalogue is
 * large: their IDF is near zero, yet walking their postings dominates query time. They are left out of the BM25
 * query (and out of the coverage measure) when the catalogue has at least COMMON_MIN_PAPERS papers.
 */
export const COMMON_SHARE = 0.2;
const COMMON_MIN_PAPERS = 2000;
/**
 * Latency budget: at most this many postings (sum of the searched terms' document frequencies) per query. Past it
 * the most frequent terms are dropped first — they have the lowest IDF, so they can move a paper's BM25 score least;
 * the same trade Lucene's common-terms query makes. Far above anything the seeds or a few thousand papers reach.
 */
export const POSTINGS_BUDGET = 6_000;

/** Field weights: a term in a title says more about the paper than the same term deep in a summary. */
const FIELD_BOOST = { title: 2, summary: 1, authors: 1.5, affiliations: 0.5 };

interface LexicalDoc {
  id: string;
  title: string;
  summary: string;
  authors: string;
  affiliations: string;
}

export interface LexicalHit {
  paperId: string;
  score: number; // BM25
  matchedTerms: string[];
  coverage: number; // 0..1: IDF-weighted share of the query's concepts this paper matched
}

export interface LexicalIndex {
  readonly documentCount: number;
  /** Whether any paper contains the term (in any text field). */
  has(term: string): boolean;
  /** How many papers contain the term in a text field. */
  df(term: string): number;
  /** Inverse document frequency, log(1 + N / (df + 1)); highest for terms no paper has. */
  idf(term: string): number;
  search(query: AnalyzedQuery, opts: { limit: number; filter?: (paperId: string) => boolean }): LexicalHit[];
}

function paperDoc(p: Paper, df: Map<string, number>): LexicalDoc {
  const title = documentTerms([p.title.en, p.title.zh].filter(Boolean).join('\n'));
  const summary = documentTerms([p.summary.en, p.summary.zh].filter(Boolean).join('\n'));
  const affiliations = documentTerms(p.affiliations.join('\n'));
  for (const t of new Set([...title, ...summary, ...affiliations])) df.set(t, (df.get(t) ?? 0) + 1);
  return {
    id: p.id,
    title: title.join(SEP),
    summary: summary.join(SEP),
    authors: nameTerms(p.authors.join(', ')).join(SEP),
    affiliations: affiliations.join(SEP),
  };
}

function newMiniSearch(): MiniSearch<LexicalDoc> {
  return new MiniSearch<LexicalDoc>({
    idField: 'id',
    fields: ['title', 'summary', 'authors', 'affiliations'],
    tokenize: split,
    processTerm: (t) => t,
    searchOptions: { tokenize: split, processTerm: (t) => t },
  });
}

/** Builds the index in one go (blocks the event loop ~0.5 s per 1k papers: fine for tests and CLIs). */
export function buildLexicalIndex(papers: readonly Paper[]): LexicalIndex {
  const df = new Map<string, number>();
  const ms = newMiniSearch();
  ms.addAll(papers.map((p) => paperDoc(p, df)));
  return lexicalIndex(papers, ms, df);
}

/**
 * Builds the index in chunks, yielding to the event loop between them and reporting progress, so a server can
 * build the next generation's index while it keeps answering requests; pass the result to createSearchEngine.
 */
export async function buildLexicalIndexAsync(papers: readonly Paper[], opts: { progress?: Progress; chunk?: number } = {}): Promise<LexicalIndex> {
  const progress = opts.progress ?? noProgress;
  const chunk = opts.chunk ?? 500;
  const df = new Map<string, number>();
  const ms = newMiniSearch();
  progress.start(papers.length, 'lexical index');
  try {
    for (let i = 0; i < papers.length; i += chunk) {
      const part = papers.slice(i, i + chunk);
      ms.addAll(part.map((p) => paperDoc(p, df)));
      progress.tick(part.length);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    progress.stop();
  }
  return lexicalIndex(papers, ms, df);
}

function lexicalIndex(papers: readonly Paper[], ms: MiniSearch<LexicalDoc>, df: Map<string, number>): LexicalIndex {
  const n = Math.max(papers.length, 1);
  const idf = (term: string) => Math.log(1 + n / ((df.get(term) ?? 0) + 1));
  const isCommon = (term: string) => papers.length >= COMMON_MIN_PAPERS && (df.get(term) ?? 0) > COMMON_SHARE * papers.length;
  const dfOf = (term: string) => df.get(term) ?? 0;
  /**
   * The query without field stop words, within the postings budget (rarest terms first); a query made only of
   * common terms keeps its rarest typed term.
   */
  const searchable = (terms: AnalyzedQuery['terms']): { kept: AnalyzedQuery['terms']; dropped: Set<string> } => {
    const dropped = new Set<string>();
    const byRarity = [...terms].sort((a, b) => dfOf(a.term) - dfOf(b.term));
    const kept: AnalyzedQuery['terms'] = [];
    let postings = 0;
    for (const t of byRarity) {
      if (isCommon(t.term) || (kept.length > 0 && postings + dfOf(t.term) > POSTINGS_BUDGET)) dropped.add(t.term);
      else {
        kept.push(t);
        postings += dfOf(t.term);
      }
    }
    if (kept.length > 0 || terms.length === 0) return { kept, dropped };
    const rarest = byRarity.find((t) => !t.expanded) ?? byRarity[0]!;
    dropped.delete(rarest.term);
    return { kept: [rarest], dropped };
  };
  return {
    documentCount: papers.length,
    has: (term) => df.has(term),
    idf,
    df: (term) => df.get(term) ?? 0,
    search(query, { limit, filter }) {
      const { kept: terms, dropped } = searchable(query.terms);
      if (terms.length === 0 && query.names.length === 0) return [];
      const weight = new Map(terms.map((t) => [t.term, t.weight]));
      const results = ms.search(
        {
          combineWith: 'OR',
          queries: [
            { queries: [terms.map((t) => t.term).join(SEP)], fields: ['title', 'summary', 'affiliations'] },
            { queries: [query.names.join(SEP)], fields: ['authors'] },
          ],
        },
        {
          boost: FIELD_BOOST,
          boostTerm: (term) => weight.get(term) ?? 1,
          ...(filter ? { filter: (r) => filter(r.id as string) } : {}),
        },
      );
      // A concept's IDF is its typed word's (or, for words absent from the index, its best translation's).
      const conceptIdf = query.concepts.map((_, c) => {
        const own = query.terms.filter((t) => t.concept === c);
        if (own.length > 0 && own.every((t) => dropped.has(t.term))) return 0; // not searched, so not counted
        const typed = own.find((t) => !t.expanded && df.has(t.term));
        if (typed) return idf(typed.term);
        const known = own.filter((t) => df.has(t.term));
        return known.length ? Math.max(...known.map((t) => idf(t.term))) : idf('');
      });
      const total = conceptIdf.reduce((a, b) => a + b, 0) || 1;
      const conceptOf = new Map(query.terms.map((t) => [t.term, t.concept]));
      return results.slice(0, limit).map((r) => {
        const matched = Object.keys(r.match);
        const covered = new Set(matched.map((t) => conceptOf.get(t)).filter((c): c is number => c !== undefined));
        const coverage = [...covered].reduce((s, c) => s + conceptIdf[c]!, 0) / total;
        return { paperId: r.id as string, score: r.score, matchedTerms: matched, coverage };
      });
    },
  };
}
