// Top-k BM25 over the typed-array postings: term at a time, each searched term's postings added into per-paper
// accumulators (typed arrays reused across queries, reset lazily by a query stamp), then the touched papers offered
// to a bounded top-k. Nothing proportional to the catalogue is allocated per query, and only the k best are sorted.
import type { AnalyzedQuery, QueryTerm } from '../analyzer.js';
import { bridgeDf, FIELD_COUNT, fieldNumber, holds, slotOf, type Field, type Postings } from './postings.js';

/**
 * Terms in more than this share of the papers act as stop words of the field ("model", 学习) once the catalogue is
 * large: their IDF is near zero, yet walking their postings dominates query time. They are left out of the BM25
 * query (and out of the coverage measure) when the catalogue has at least COMMON_MIN_PAPERS papers.
 */
const COMMON_SHARE = 0.2;
const COMMON_MIN_PAPERS = 2000;
/**
 * Latency budget: at most this many postings (sum of the searched terms' document frequencies) per query. Past it
 * the most frequent terms are dropped first — they have the lowest IDF, so they can move a paper's BM25 score least;
 * the same trade Lucene's common-terms query makes. The budget grows with the catalogue (POSTINGS_PER_PAPER per
 * paper, at least POSTINGS_BUDGET): a fixed budget keeps fewer of a query's terms as every term's postings grow, which
 * at 20k papers cost what a budget of 2,100 costs at 7,020 (corpus dev set, MRR@10 hybrid: en-desc 0.828 -> 0.763,
 * en-title-part 0.927 -> 0.835). 0.85 per paper is what the dev set was tuned at (6,000 for 7,020 papers); 1.7 per
 * paper gained English sets little (en-desc +0.005) and cost Chinese descriptions 0.03.
 */
const POSTINGS_BUDGET = 6_000;
const POSTINGS_PER_PAPER = 0.85;

/**
 * Field weights: a term in a title says more about the paper than the same term deep in a summary; a learned
 * translation (the bridge field) is a guess about what the paper's own words mean, so it counts half.
 */
const FIELD_BOOST: Record<Field, number> = { title: 2, summary: 1, authors: 1.5, affiliations: 0.5, bridge: 0.5 };
/**
 * Plain BM25 (k1 1.2, b 0.7), not BM25+ (a floor d 0.5 per matched term), which rewards long documents for matching
 * many expanded terms once each (corpus dev set: en-desc 0.686 -> 0.688, zh-desc 0.161 -> 0.167). Per field, with
 * the field's own document frequency and mean length, a paper's field length counting distinct terms (as MiniSearch,
 * which this index replaced, scored them).
 */
const BM25 = { k: 1.2, b: 0.7 };
/**
 * How much a paper's share of the query's concepts counts: score = BM25 x coverage^2. Matching most of what was
 * asked beats matching one word many times; with cross-language expansion a query has many terms per concept, so
 * this replaces a multiplier by the number of distinct query terms matched, which counts every translation as
 * another match (corpus dev set, lexical MRR@10: en-desc 0.650 -> 0.680, zh-desc 0.111 -> 0.155).
 */
const COVERAGE_EXPONENT = 2;

/** Where each kind of query word is looked for: a typed word also meets the papers' learned translations; a
 *  translation of it only their own words; a name only the authors. */
const TYPED_FIELDS = (['title', 'summary', 'affiliations', 'bridge'] as const).map(fieldNumber);
const EXPANDED_FIELDS = (['title', 'summary', 'affiliations'] as const).map(fieldNumber);
const NAME_FIELDS = [fieldNumber('authors')];
const BOOST = Float64Array.from(Object.values(FIELD_BOOST));

export interface LexicalHit {
  paperId: string;
  rank: number; // 1-based, in the list of hits it came in
  score: number; // BM25
  matchedTerms: string[];
  coverage: number; // 0..1: IDF-weighted share of the query's concepts this paper matched
}

/** One query word as searched: its term number (undefined: no paper has it), weight, fields and concept (-1: none). */
interface Searched {
  term: string;
  number: number | undefined;
  weight: number;
  fields: number[];
  concept: number;
}

export interface Scorer {
  search(query: AnalyzedQuery, opts: { limit: number; filter?: (paperId: string) => boolean }): LexicalHit[];
}

export function createScorer(p: Postings): Scorer {
  const count = p.ids.length;
  const n = Math.max(count, 1);
  const textDf = (term: string) => {
    const t = p.termNumber.get(term);
    return t === undefined ? 0 : p.textDf[t]!;
  };
  const known = (term: string) => textDf(term) > 0;
  const idf = (term: string) => Math.log(1 + n / (textDf(term) + 1));
  const isCommon = (term: string) => count >= COMMON_MIN_PAPERS && textDf(term) > COMMON_SHARE * count;
  const budget = Math.max(POSTINGS_BUDGET, Math.round(POSTINGS_PER_PAPER * count));
  // per-paper accumulators, valid for the papers whose `touchedBy` is the current query's stamp
  const score = new Float64Array(count);
  const covered = new Float64Array(count);
  const touchedBy = new Uint32Array(count);
  const conceptSeen = new Uint32Array(count);
  const touched = new Uint32Array(count);
  let stamp = 0;
  const nextStamp = () => {
    if (stamp === 0xffffffff) {
      touchedBy.fill(0);
      conceptSeen.fill(0);
      stamp = 0;
    }
    return ++stamp;
  };

  /**
   * The query without field stop words, within the postings budget (rarest terms first); a query made only of
   * common terms keeps its rarest typed term.
   */
  const searchable = (terms: QueryTerm[]): { kept: QueryTerm[]; dropped: Set<string> } => {
    const dropped = new Set<string>();
    // a term's postings in every field it is searched in: text fields, and the bridge field for typed terms
    const postingsOf = (t: QueryTerm) => textDf(t.term) + (t.expanded ? 0 : bridgeDf(p, t.term));
    const byRarity = [...terms].sort((a, b) => postingsOf(a) - postingsOf(b));
    const kept: QueryTerm[] = [];
    let postings = 0;
    for (const t of byRarity) {
      if (isCommon(t.term) || (kept.length > 0 && postings + postingsOf(t) > budget)) dropped.add(t.term);
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

  /** A concept's IDF is its typed word's (or, for words absent from the index, its best translation's). */
  const conceptIdfs = (query: AnalyzedQuery, dropped: Set<string>): number[] =>
    query.concepts.map((_, c) => {
      const own = query.terms.filter((t) => t.concept === c);
      if (own.length > 0 && own.every((t) => dropped.has(t.term))) return 0; // not searched, so not counted
      const typed = own.find((t) => !t.expanded && known(t.term));
      if (typed) return idf(typed.term);
      const present = own.filter((t) => known(t.term));
      return present.length ? Math.max(...present.map((t) => idf(t.term))) : idf('');
    });

  /** The searched words in query order: kept typed terms, kept translations, then author names (as typed). */
  const searchedWords = (query: AnalyzedQuery, kept: QueryTerm[]): Searched[] => {
    const weight = new Map(kept.map((t) => [t.term, t.weight]));
    const conceptOf = new Map(query.terms.map((t) => [t.term, t.concept]));
    // an author's name (unstemmed, in the authors field) covers the concept of the same typed word
    const nameConcept = (name: string) => conceptOf.get(name) ?? query.concepts.indexOf(name);
    const word = (term: string, fields: number[], concept: number): Searched => ({ term, number: p.termNumber.get(term), weight: weight.get(term) ?? 1, fields, concept });
    return [
      ...kept.filter((t) => !t.expanded).map((t) => word(t.term, TYPED_FIELDS, t.concept)),
      ...kept.filter((t) => t.expanded).map((t) => word(t.term, EXPANDED_FIELDS, t.concept)),
      ...query.names.filter(Boolean).map((name) => word(name, NAME_FIELDS, nameConcept(name))),
    ];
  };

  /** Adds one word's BM25 over its fields into the accumulators; a paper gains the concept's IDF once per concept. */
  const accumulate = (w: Searched, queryStamp: number, concept: { stamp: number; idf: number }, touchedCount: number): number => {
    const { offsets, docs, tfs, lengths, meanLength } = p;
    for (const f of w.fields) {
      const s = slotOf(w.number!, f);
      const from = offsets[s]!;
      const to = offsets[s + 1]!;
      const m = to - from;
      if (m === 0) continue;
      const weight = w.weight * BOOST[f]! * Math.log(1 + (count - m + 0.5) / (m + 0.5));
      const norm = BM25.b / meanLength[f]!;
      for (let i = from; i < to; i++) {
        const d = docs[i]!;
        const tf = tfs[i]!;
        const add = (weight * tf * (BM25.k + 1)) / (tf + BM25.k * (1 - BM25.b + norm * lengths[d * FIELD_COUNT + f]!));
        if (touchedBy[d] !== queryStamp) {
          touchedBy[d] = queryStamp;
          score[d] = add;
          covered[d] = 0;
          touched[touchedCount++] = d;
        } else score[d]! += add;
        if (conceptSeen[d] !== concept.stamp) {
          conceptSeen[d] = concept.stamp;
          covered[d]! += concept.idf;
        }
      }
    }
    return touchedCount;
  };

  /** The query words paper `d` matched, each once, in query order (the hit's matchedTerms). */
  const matched = (words: Searched[], d: number): string[] => {
    const out = new Set<string>();
    for (const w of words) if (!out.has(w.term) && w.fields.some((f) => holds(p, w.number!, f, d))) out.add(w.term);
    return [...out];
  };

  return {
    search(query, { limit, filter }) {
      const { kept, dropped } = searchable(query.terms);
      if (kept.length === 0 && query.names.length === 0) return [];
      const conceptIdf = conceptIdfs(query, dropped);
      const total = conceptIdf.reduce((a, b) => a + b, 0) || 1;
      const words = searchedWords(query, kept).filter((w) => w.number !== undefined);
      const queryStamp = nextStamp();
      let touchedCount = 0;
      // words grouped by concept, so a paper's coverage counts each concept once whichever of its words matched
      const byConcept = new Map<number, Searched[]>();
      for (const w of words) byConcept.set(w.concept, [...(byConcept.get(w.concept) ?? []), w]);
      for (const [c, group] of byConcept) {
        const concept = { stamp: c >= 0 ? nextStamp() : 0, idf: c >= 0 ? conceptIdf[c]! : 0 };
        for (const w of group) touchedCount = accumulate(w, queryStamp, concept, touchedCount);
      }
      // every match is scored (coverage decides the order), but only the best `limit` are kept and sorted
      const best = new TopK(limit, p.ids);
      for (let i = 0; i < touchedCount; i++) {
        const d = touched[i]!;
        const s = score[d]! * (covered[d]! / total) ** COVERAGE_EXPONENT;
        // the filter (a closure over paper ids) only for papers that would be kept: most matches lose to the
        // worst kept one anyway (a recommendation's 40-term queries match thousands of papers at 20k)
        if (best.admits(d, s) && (!filter || filter(p.ids[d]!))) best.offer(d, s);
      }
      // matched terms are worked out when read (a page's hits), not for every hit of a deep ranking
      const matchedBy = (doc: number) => matched(words, doc);
      return best.drain((doc, s, rank) => new ScoredHit(p.ids[doc]!, rank, s, covered[doc]! / total, doc, matchedBy));
    },
  };
}

/**
 * A hit whose matched terms are found when first read: a class, so a deep ranking's ~1,000 hits share one getter.
 * Its paper number and matcher are #private: they are this index's numbering, not part of what the hit says.
 */
class ScoredHit implements LexicalHit {
  #terms: string[] | undefined;
  readonly #doc: number;
  readonly #matchedBy: (doc: number) => string[];
  constructor(
    readonly paperId: string,
    readonly rank: number,
    readonly score: number,
    readonly coverage: number,
    doc: number,
    matchedBy: (doc: number) => string[],
  ) {
    this.#doc = doc;
    this.#matchedBy = matchedBy;
  }
  get matchedTerms(): string[] {
    return (this.#terms ??= this.#matchedBy(this.#doc));
  }
}

/**
 * The `k` best papers offered, by score then id (so a fresh build and one updated paper by paper, which number
 * papers differently, rank ties alike). A bounded min-heap in typed arrays (the worst kept paper at the root): a
 * deep ranking (k = 1,000) offers every matching paper, and most lose to the root at once.
 */
class TopK {
  private readonly docs: Uint32Array;
  private readonly scores: Float64Array;
  private size = 0;
  constructor(
    private readonly k: number,
    private readonly ids: readonly string[],
  ) {
    this.docs = new Uint32Array(Math.max(0, k));
    this.scores = new Float64Array(Math.max(0, k));
  }
  /** Whether offering this paper now would keep it. */
  admits(doc: number, score: number): boolean {
    return this.k > 0 && (this.size < this.k || this.worse(this.docs[0]!, this.scores[0]!, doc, score));
  }
  offer(doc: number, score: number): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      this.docs[this.size] = doc;
      this.scores[this.size] = score;
      this.up(this.size++);
    } else if (this.worse(this.docs[0]!, this.scores[0]!, doc, score)) {
      this.docs[0] = doc;
      this.scores[0] = score;
      this.down(0);
    }
  }
  /** The kept papers as `make` turns them (rank 1 the best), best first; empties the heap. */
  drain<T>(make: (doc: number, score: number, rank: number) => T): T[] {
    // heap sort in place: the worst kept paper leaves the root for the end of the list until the heap is empty
    const out = new Array<T>(this.size);
    while (this.size > 0) {
      out[--this.size] = make(this.docs[0]!, this.scores[0]!, this.size + 1);
      this.docs[0] = this.docs[this.size]!;
      this.scores[0] = this.scores[this.size]!;
      this.down(0);
    }
    return out;
  }
  /** Whether paper a ranks below paper b (lower score, or the same score and a later id). */
  private worse(a: number, as: number, b: number, bs: number): boolean {
    return as < bs || (as === bs && this.ids[a]! > this.ids[b]!);
  }
  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(this.docs[i]!, this.scores[i]!, this.docs[parent]!, this.scores[parent]!)) return;
      this.swap(i, parent);
      i = parent;
    }
  }
  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < this.size && this.worse(this.docs[l]!, this.scores[l]!, this.docs[worst]!, this.scores[worst]!)) worst = l;
      if (r < this.size && this.worse(this.docs[r]!, this.scores[r]!, this.docs[worst]!, this.scores[worst]!)) worst = r;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }
  private swap(i: number, j: number): void {
    const doc = this.docs[i]!;
    const score = this.scores[i]!;
    this.docs[i] = this.docs[j]!;
    this.scores[i] = this.scores[j]!;
    this.docs[j] = doc;
    this.scores[j] = score;
  }
}
