// The lexical channel: BM25 (MiniSearch) over titles, summaries, authors and affiliations in both languages.
// Documents are tokenised once here (jieba search mode + stemmed English via src/lang) and handed to MiniSearch
// pre-split, so the same terms also give document frequencies for the confidence measure.
//
// The index is persisted with each index generation (serializeLexicalIndex / loadLexicalIndex: this module owns
// the format, the generation stores it as opaque text) and updated paper by paper (updateLexicalIndex), because
// tokenising every paper again costs ~15 s per 10k papers.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import MiniSearch, { type AsPlainObject } from 'minisearch';
import type { Paper } from '../catalogue/types.js';
import { bridgeTerms, documentTerms, nameTerms, type AnalyzedQuery } from './analyzer.js';
import { noProgress, type Progress } from '../util/progress.js';
import { GLOSSARY_PATH } from '../lang/glossary.js';
import { loadShippedBridge } from '../lang/bridge.js';
import { packageVersion } from '../lang/packages.js';
import { ENGLISH_STOP_WORDS } from '../lang/english.js';
import { CHINESE_STOP_WORDS } from '../lang/segment.js';

/**
 * Bump when the terms a paper is indexed under change (tokenisation, stemming, fields, the persisted layout).
 * A persisted index with another analyzer id is never updated or served: it is rebuilt from the papers.
 */
export const LEXICAL_ANALYZER_VERSION = 1;
const FORMAT = 'papersift-lexical';

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

/**
 * Field weights: a term in a title says more about the paper than the same term deep in a summary; a learned
 * translation (the bridge field) is a guess about what the paper's own words mean, so it counts half.
 */
const FIELD_BOOST = { title: 2, summary: 1, authors: 1.5, affiliations: 0.5, bridge: 0.5 };
/**
 * Plain BM25 (k1 1.2, b 0.7), not MiniSearch's default BM25+ (d 0.5), whose floor per matched term rewards long
 * documents for matching many expanded terms once each (corpus dev set: en-desc 0.686 -> 0.688, zh-desc 0.161 -> 0.167).
 */
const BM25 = { k: 1.2, b: 0.7, d: 0 };
/**
 * How much a paper's share of the query's concepts counts: score = BM25 x coverage^2. Matching most of what was
 * asked beats matching one word many times; with cross-language expansion a query has many terms per concept, so
 * this replaces MiniSearch's own multiplier (the number of distinct query terms matched), which counts every
 * translation as another match (corpus dev set, lexical MRR@10: en-desc 0.650 -> 0.680, zh-desc 0.111 -> 0.155).
 */
const COVERAGE_EXPONENT = 2;

interface LexicalDoc {
  id: string;
  title: string;
  summary: string;
  authors: string;
  affiliations: string;
  bridge: string; // learned translations of the title and summary words (see bridgeTerms)
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

/**
 * Bridge-field terms are counted in the document frequencies under this prefix: not as words of the paper (IDF,
 * coverage and has() see text fields only), but as postings a query walks, for the latency budget.
 */
const BRIDGE_DF = '\u0002';

/** A paper's index document and the terms it counts in the document frequencies (each once; see BRIDGE_DF). */
function docOf(p: Paper): { doc: LexicalDoc; terms: Set<string> } {
  const title = documentTerms([p.title.en, p.title.zh].filter(Boolean).join('\n'));
  const summary = documentTerms([p.summary.en, p.summary.zh].filter(Boolean).join('\n'));
  const affiliations = documentTerms(p.affiliations.join('\n'));
  const bridge = bridgeTerms([p.title.en, p.title.zh, p.summary.en, p.summary.zh].filter(Boolean).join('\n'));
  return {
    doc: {
      id: p.id,
      title: title.join(SEP),
      summary: summary.join(SEP),
      authors: nameTerms(p.authors.join(', ')).join(SEP),
      affiliations: affiliations.join(SEP),
      bridge: bridge.join(SEP),
    },
    terms: new Set([...title, ...summary, ...affiliations, ...bridge.map((t) => BRIDGE_DF + t)]),
  };
}

function paperDoc(p: Paper, df: Map<string, number>): LexicalDoc {
  const { doc, terms } = docOf(p);
  for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
  return doc;
}

/** The text fields that feed the index, as one string: papers with equal fingerprints have equal index entries. */
export function lexicalFingerprint(p: Paper): string {
  return JSON.stringify([p.title.en ?? '', p.title.zh ?? '', p.summary.en ?? '', p.summary.zh ?? '', p.affiliations, p.authors]);
}

/** MiniSearch found that a document being removed is not the one it indexed (see updateLexicalIndex). */
export class LexicalIndexDriftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LexicalIndexDriftError';
  }
}

/**
 * The options every MiniSearch here is built and loaded with: loadJS must get the same fields and id field the
 * index was written with (MiniSearch does not store options). Papers are taken out with remove(), never discard(),
 * so there is nothing to vacuum (no background vacuum either, which could run while the index is serialised).
 * A remove() whose document differs from the indexed one would corrupt the index: MiniSearch reports it through
 * the logger, which turns it into an error.
 */
const MINISEARCH_OPTIONS = {
  idField: 'id',
  fields: ['title', 'summary', 'authors', 'affiliations', 'bridge'],
  tokenize: split,
  processTerm: (t: string) => t,
  searchOptions: { tokenize: split, processTerm: (t: string) => t },
  autoVacuum: false,
  logger: (level: 'debug' | 'info' | 'warn' | 'error', message: string, code?: string) => {
    if (code === 'version_conflict') throw new LexicalIndexDriftError(message);
    if (level === 'warn' || level === 'error') console.warn(message);
  },
} as const;

/** MINISEARCH_OPTIONS as MiniSearch takes them (a mutable fields list), for building and for loading alike. */
const minisearchOptions = () => ({ ...MINISEARCH_OPTIONS, fields: [...MINISEARCH_OPTIONS.fields] });

function newMiniSearch(): MiniSearch<LexicalDoc> {
  return new MiniSearch<LexicalDoc>(minisearchOptions());
}

let analyzerId: string | undefined;
/**
 * The analyzer a persisted index must have been built with: the version above plus a fingerprint of the
 * language data that decides the terms (the glossary is loaded into jieba, the stop word lists, the segmenter's
 * and stemmer's package versions), so editing the glossary also forces a fresh lexical build.
 */
export function lexicalAnalyzerId(): string {
  if (!analyzerId) {
    const h = createHash('sha256');
    h.update(readFileSync(GLOSSARY_PATH));
    h.update(`\0bridge:${loadShippedBridge().id}\0`);
    h.update(`\0${packageVersion('@node-rs/jieba')}\0${packageVersion('stemmer')}\0`);
    h.update([...ENGLISH_STOP_WORDS].sort().join(' ') + '\0' + [...CHINESE_STOP_WORDS].sort().join(' '));
    analyzerId = `v${LEXICAL_ANALYZER_VERSION}:${h.digest('hex').slice(0, 16)}`;
  }
  return analyzerId;
}

/** Builds the index in one go (blocks the event loop ~0.5 s per 1k papers: fine for tests and CLIs). */
export function buildLexicalIndex(papers: readonly Paper[]): LexicalIndex {
  const df = new Map<string, number>();
  const ms = newMiniSearch();
  ms.addAll(papers.map((p) => paperDoc(p, df)));
  return lexicalIndex(ms, df);
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
  return lexicalIndex(ms, df);
}

/** What lexicalIndex closes over; kept per index so it can be serialised or updated. */
interface Bm25State {
  ms: MiniSearch<LexicalDoc>;
  df: Map<string, number>;
}
const states = new WeakMap<LexicalIndex, Bm25State>();

function stateOf(index: LexicalIndex, what: string): Bm25State {
  const s = states.get(index);
  if (!s) throw new Error(`${what}: not a lexical index built by src/search/lexical.ts`);
  return s;
}

function lexicalIndex(ms: MiniSearch<LexicalDoc>, df: Map<string, number>): LexicalIndex {
  const count = ms.documentCount;
  const n = Math.max(count, 1);
  const dfOf = (term: string) => df.get(term) ?? 0;
  const idf = (term: string) => Math.log(1 + n / (dfOf(term) + 1));
  const isCommon = (term: string) => count >= COMMON_MIN_PAPERS && dfOf(term) > COMMON_SHARE * count;
  /**
   * The query without field stop words, within the postings budget (rarest terms first); a query made only of
   * common terms keeps its rarest typed term.
   */
  const searchable = (terms: AnalyzedQuery['terms']): { kept: AnalyzedQuery['terms']; dropped: Set<string> } => {
    const dropped = new Set<string>();
    // a term's postings in every field it is searched in: text fields, and the bridge field for typed terms
    const postingsOf = (t: AnalyzedQuery['terms'][number]) => dfOf(t.term) + (t.expanded ? 0 : (df.get(BRIDGE_DF + t.term) ?? 0));
    const byRarity = [...terms].sort((a, b) => postingsOf(a) - postingsOf(b));
    const kept: AnalyzedQuery['terms'] = [];
    let postings = 0;
    for (const t of byRarity) {
      if (isCommon(t.term) || (kept.length > 0 && postings + postingsOf(t) > POSTINGS_BUDGET)) dropped.add(t.term);
      else {
        kept.push(t);
        postings += postingsOf(t);
      }
    }
    if (kept.length > 0 || terms.length === 0) return { kept, dropped };
    const rarest = byRarity.find((t) => !t.expanded) ?? byRarity[0]!;
    dropped.delete(rarest.term);
    return { kept: [rarest], dropped };
  };
  const index: LexicalIndex = {
    documentCount: count,
    has: (term) => df.has(term),
    idf,
    df: dfOf,
    search(query, { limit, filter }) {
      const { kept: terms, dropped } = searchable(query.terms);
      if (terms.length === 0 && query.names.length === 0) return [];
      const weight = new Map(terms.map((t) => [t.term, t.weight]));
      const results = ms.search(
        {
          combineWith: 'OR',
          queries: [
            // a typed word also meets the papers' learned translations; a translation of it only their own words
            { queries: [terms.flatMap((t) => (t.expanded ? [] : [t.term])).join(SEP)], fields: ['title', 'summary', 'affiliations', 'bridge'] },
            { queries: [terms.flatMap((t) => (t.expanded ? [t.term] : [])).join(SEP)], fields: ['title', 'summary', 'affiliations'] },
            { queries: [query.names.join(SEP)], fields: ['authors'] },
          ],
        },
        {
          boost: FIELD_BOOST,
          bm25: BM25,
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
      // an author's name (unstemmed, in the authors field) covers the concept of the same typed word
      for (const name of query.names) if (!conceptOf.has(name) && query.concepts.includes(name)) conceptOf.set(name, query.concepts.indexOf(name));
      // every match is scored (coverage decides the order), but only the best `limit` are kept and sorted
      const seen = new Int32Array(query.concepts.length).fill(-1);
      const best = new TopK<{ id: string; score: number; match: Record<string, unknown>; coverage: number }>(limit);
      results.forEach((r, i) => {
        let covered = 0;
        for (const t in r.match) {
          const c = conceptOf.get(t);
          if (c !== undefined && seen[c] !== i) {
            seen[c] = i;
            covered += conceptIdf[c]!;
          }
        }
        const coverage = covered / total;
        // MiniSearch multiplied its BM25 sum by the number of query terms matched: undo that, weigh concepts instead
        const bm25 = r.score / (r.queryTerms.length || 1);
        best.offer({ id: r.id as string, score: bm25 * coverage ** COVERAGE_EXPONENT, match: r.match, coverage });
      });
      return best.toArray().map((r) => ({ paperId: r.id, score: r.score, matchedTerms: Object.keys(r.match), coverage: r.coverage }));
    },
  };
  states.set(index, { ms, df });
  return index;
}

/**
 * The `k` best items offered, by score then id (ties broken by id: MiniSearch returns matches in insertion order,
 * which differs between a fresh build and one updated paper by paper). Keeps a sorted array of at most k items, so
 * a query matching thousands of papers never sorts them all.
 */
class TopK<T extends { id: string; score: number }> {
  private readonly items: T[] = [];
  constructor(private readonly k: number) {}
  offer(item: T): void {
    if (this.k <= 0) return;
    const items = this.items;
    if (items.length === this.k && byScoreThenId(item, items[items.length - 1]!) >= 0) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byScoreThenId(items[mid]!, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, item);
    if (items.length > this.k) items.pop();
  }
  /** Best first. */
  toArray(): T[] {
    return this.items;
  }
}

function byScoreThenId(a: { id: unknown; score: number }, b: { id: unknown; score: number }): number {
  return b.score - a.score || (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0);
}

// ---- persistence ----

/** The persisted form: this module's format and analyzer, the document frequencies and MiniSearch's own index. */
interface PersistedLexical {
  format: typeof FORMAT;
  analyzer: string;
  documentCount: number;
  df: Record<string, number>;
  minisearch: AsPlainObject;
}

/** The index as JSON text, for storing in an index generation (see loadLexicalIndex). */
export function serializeLexicalIndex(index: LexicalIndex): string {
  const { ms, df } = stateOf(index, 'serializeLexicalIndex');
  const persisted: PersistedLexical = { format: FORMAT, analyzer: lexicalAnalyzerId(), documentCount: ms.documentCount, df: Object.fromEntries(df), minisearch: ms.toJSON() };
  return JSON.stringify(persisted);
}

/** A persisted index that cannot be used: `reason` says why (another analyzer, not this format, other papers). */
export class LexicalIndexLoadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'analyzer' | 'invalid' | 'papers',
    detail: string,
  ) {
    super(`lexical index ${file}: ${detail}`);
    this.name = 'LexicalIndexLoadError';
  }
}

/** The analyzer id a persisted index was written with, read from its header only (cheap; undefined if unreadable). */
export function persistedAnalyzer(json: string): string | undefined {
  return /^\{"format":"papersift-lexical","analyzer":"([^"]*)"/.exec(json.slice(0, 200))?.[1];
}

/**
 * Loads an index written by serializeLexicalIndex for exactly these papers. `file` only names the source in
 * errors. With `yieldToEventLoop` it pauses every thousand terms (MiniSearch.loadJSAsync), so a server can load
 * the next generation's index while it answers requests; that is ~4x slower (10k synthetic papers: 1.2 s vs 0.3 s),
 * so batch jobs (builds, the reindex gate) load in one go.
 */
export async function loadLexicalIndex(json: string, papers: readonly Paper[], file: string, opts: { yieldToEventLoop?: boolean } = {}): Promise<LexicalIndex> {
  const analyzer = persistedAnalyzer(json);
  if (analyzer === undefined) throw new LexicalIndexLoadError(file, 'invalid', `not a ${FORMAT} file`);
  if (analyzer !== lexicalAnalyzerId()) {
    throw new LexicalIndexLoadError(file, 'analyzer', `written by lexical analyzer ${analyzer}, this version is ${lexicalAnalyzerId()}`);
  }
  let persisted: PersistedLexical;
  try {
    persisted = JSON.parse(json) as PersistedLexical;
  } catch (e) {
    throw new LexicalIndexLoadError(file, 'invalid', `not valid JSON (${(e as Error).message})`);
  }
  if (!persisted.minisearch || typeof persisted.df !== 'object' || persisted.df === null) {
    throw new LexicalIndexLoadError(file, 'invalid', 'has no minisearch index or document frequencies');
  }
  let ms: MiniSearch<LexicalDoc>;
  const options = minisearchOptions();
  try {
    ms = opts.yieldToEventLoop ? await MiniSearch.loadJSAsync<LexicalDoc>(persisted.minisearch, options) : MiniSearch.loadJS<LexicalDoc>(persisted.minisearch, options);
  } catch (e) {
    throw new LexicalIndexLoadError(file, 'invalid', `unreadable minisearch index (${(e as Error).message})`);
  }
  if (ms.documentCount !== papers.length || persisted.documentCount !== papers.length) {
    throw new LexicalIndexLoadError(file, 'papers', `indexes ${ms.documentCount} papers but the generation has ${papers.length}`);
  }
  const missing = papers.find((p) => !ms.has(p.id));
  if (missing) throw new LexicalIndexLoadError(file, 'papers', `lacks paper ${missing.id}`);
  // Files written here never hold discarded documents; a tombstone would skew scores (see updateLexicalIndex).
  if (ms.dirtCount > 0) await ms.vacuum({ batchSize: Number.MAX_SAFE_INTEGER });
  return lexicalIndex(ms, new Map(Object.entries(persisted.df)));
}

// ---- incremental updates ----

export interface LexicalUpdate {
  index: LexicalIndex;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
}

/**
 * Brings `previous` (an index over `before`) up to `after`: papers whose indexed text changed are re-indexed, new
 * ones added, vanished ones removed; the rest are not touched (not even tokenised). Takes over `previous`: its
 * state is updated in place, so it must not be used afterwards (build on a freshly loaded copy, never a served one).
 *
 * Old versions are taken out with MiniSearch's remove(), re-deriving the document they were indexed as from the
 * previous paper (same analyzer, so the same terms), not with discard(): discard leaves tombstones until a vacuum,
 * and they are not harmless: a search computes a term's IDF from its posting count and subtracts a tombstone only
 * when it reaches it, so papers scored before it get lower scores (seed scores were off by up to 2%, changing
 * ranks) and the first search mutates the index; vacuuming walks every term. remove() touches only the paper's own
 * terms. Should a re-derived document not match what was indexed (LexicalIndexDriftError), rebuild from scratch.
 */
export async function updateLexicalIndex(
  previous: LexicalIndex,
  before: readonly Paper[],
  after: readonly Paper[],
  opts: { progress?: Progress } = {},
): Promise<LexicalUpdate> {
  const { ms, df } = stateOf(previous, 'updateLexicalIndex');
  states.delete(previous);
  const progress = opts.progress ?? noProgress;
  const old = new Map(before.map((p) => [p.id, p]));
  const now = new Set(after.map((p) => p.id));
  const removedPapers = before.filter((p) => !now.has(p.id));
  const changed = after.filter((p) => {
    const o = old.get(p.id);
    return !o || lexicalFingerprint(o) !== lexicalFingerprint(p);
  });
  const takeOut = (p: Paper) => {
    const { doc, terms } = docOf(p);
    ms.remove(doc);
    for (const t of terms) {
      const n = (df.get(t) ?? 0) - 1;
      if (n > 0) df.set(t, n);
      else df.delete(t);
    }
  };
  let added = 0;
  let updated = 0;
  progress.start(removedPapers.length + changed.length, 'lexical index');
  try {
    for (const p of removedPapers) {
      takeOut(p);
      progress.tick();
    }
    for (const [i, p] of changed.entries()) {
      const o = old.get(p.id);
      if (o) {
        takeOut(o);
        updated++;
      } else added++;
      ms.add(paperDoc(p, df));
      progress.tick();
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    progress.stop();
  }
  return { index: lexicalIndex(ms, df), added, updated, removed: removedPapers.length, unchanged: after.length - changed.length };
}
