// The lexical channel: BM25 over titles, summaries, authors, affiliations and learned translations in both languages.
// Papers are tokenised once (src/search/lexical/documents.ts); their postings live in typed arrays
// (lexical/postings.ts), scored term at a time into a bounded top-k (lexical/scorer.ts).
//
// The index is persisted with each index generation (serializeLexicalIndex / loadLexicalIndex: this module owns
// the format, lexical/format.ts, the generation stores it as opaque bytes) and updated paper by paper
// (updateLexicalIndex), because tokenising every paper again costs ~15 s per 10k papers.
//
// Every index is built with one Chinese-English bridge (the generation's own, src/search/catalogue-bridge.ts) and
// carries it, so queries are analysed with the bridge its documents were expanded with.
import type { Paper } from '../catalogue/types.js';
import type { AnalyzedQuery } from './analyzer.js';
import type { Bridge } from '../lang/bridge.js';
import { noProgress, type Progress } from '../util/progress.js';
import { lexicalAnalyzerId, paperFields, sameIndexedText } from './lexical/documents.js';
import { derivePostings, mergePostings, PostingsBuilder, type Postings } from './lexical/postings.js';
import { createScorer, type LexicalHit } from './lexical/scorer.js';
import { decodePostings, encodePostings, LexicalIndexLoadError } from './lexical/format.js';

export { lexicalAnalyzerId } from './lexical/documents.js';
export { LexicalIndexLoadError } from './lexical/format.js';
export type { LexicalHit } from './lexical/scorer.js';

export interface LexicalIndex {
  readonly documentCount: number;
  /** The bridge whose translations fill the documents' bridge field: queries must be analysed with it too. */
  readonly bridge: Bridge;
  /** Whether any paper contains the term (in any text field). */
  has(term: string): boolean;
  /** How many papers contain the term in a text field. */
  df(term: string): number;
  /** Inverse document frequency, log(1 + N / (df + 1)); highest for terms no paper has. */
  idf(term: string): number;
  search(query: AnalyzedQuery, opts: { limit: number; filter?: (paperId: string) => boolean }): LexicalHit[];
}

/** Builds the index in one go (blocks the event loop ~0.5 s per 1k papers: fine for tests and CLIs). */
export function buildLexicalIndex(papers: readonly Paper[], bridge: Bridge): LexicalIndex {
  const b = new PostingsBuilder();
  for (const p of papers) b.add(p.id, paperFields(p, bridge));
  return lexicalIndex(b.build(), bridge);
}

/**
 * Builds the index in chunks, yielding to the event loop between them and reporting progress, so a server can
 * build the next generation's index while it keeps answering requests; pass the result to createSearchEngine.
 */
export async function buildLexicalIndexAsync(papers: readonly Paper[], bridge: Bridge, opts: { progress?: Progress; chunk?: number } = {}): Promise<LexicalIndex> {
  const b = new PostingsBuilder();
  await addPapers(b, papers, bridge, opts);
  return lexicalIndex(b.build(), bridge);
}

/** Tokenises and adds papers, `chunk` at a time, yielding between chunks. */
async function addPapers(b: PostingsBuilder, papers: readonly Paper[], bridge: Bridge, opts: { progress?: Progress; chunk?: number }): Promise<void> {
  const progress = opts.progress ?? noProgress;
  const chunk = opts.chunk ?? 500;
  progress.start(papers.length, 'lexical index');
  try {
    for (let i = 0; i < papers.length; i += chunk) {
      const part = papers.slice(i, i + chunk);
      for (const p of part) b.add(p.id, paperFields(p, bridge));
      progress.tick(part.length);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    progress.stop();
  }
}

/** The postings behind each index, for serialising and updating it. */
const postingsOf = new WeakMap<LexicalIndex, Postings>();

function stateOf(index: LexicalIndex, what: string): Postings {
  const p = postingsOf.get(index);
  if (!p) throw new Error(`${what}: not a lexical index built by src/search/lexical.ts`);
  return p;
}

function lexicalIndex(p: Postings, bridge: Bridge): LexicalIndex {
  const n = Math.max(p.ids.length, 1);
  const df = (term: string) => {
    const t = p.termNumber.get(term);
    return t === undefined ? 0 : p.textDf[t]!;
  };
  const scorer = createScorer(p);
  const index: LexicalIndex = {
    documentCount: p.ids.length,
    bridge,
    has: (term) => df(term) > 0,
    df,
    idf: (term) => Math.log(1 + n / (df(term) + 1)),
    search: (query, opts) => scorer.search(query, opts),
  };
  postingsOf.set(index, p);
  return index;
}

// ---- persistence ----

/** The index as bytes (lexical.bin), for storing in an index generation (see loadLexicalIndex). */
export function serializeLexicalIndex(index: LexicalIndex): Buffer {
  return encodePostings(stateOf(index, 'serializeLexicalIndex'), lexicalAnalyzerId(index.bridge));
}

/**
 * Loads an index written by serializeLexicalIndex for exactly these papers with this bridge (LexicalIndexLoadError
 * otherwise). `file` only names the source in errors.
 */
export function loadLexicalIndex(bytes: Uint8Array, papers: readonly Paper[], bridge: Bridge, file: string): LexicalIndex {
  const data = decodePostings(bytes, lexicalAnalyzerId(bridge), file);
  checkPapers(data.ids, papers, file);
  return lexicalIndex(derivePostings(data), bridge);
}

/**
 * What loadLexicalIndex gives for the bytes serializeLexicalIndex(index) wrote, without encoding and decoding them:
 * the file holds the postings as they are in memory, so these are the same postings, analysed with `bridge` (the
 * bridge read back with the file). Undefined when a term or id would not survive the UTF-8 text it is stored as (a
 * lone surrogate): then only decoding the bytes gives what they hold.
 */
export function writtenLexicalIndex(index: LexicalIndex, papers: readonly Paper[], bridge: Bridge, file: string): LexicalIndex | undefined {
  const p = stateOf(index, 'writtenLexicalIndex');
  const analyzer = lexicalAnalyzerId(bridge);
  if (lexicalAnalyzerId(index.bridge) !== analyzer) throw new LexicalIndexLoadError(file, 'analyzer', `written by lexical analyzer ${lexicalAnalyzerId(index.bridge)}, this version is ${analyzer}`);
  if (!p.terms.every(wellFormed) || !p.ids.every(wellFormed)) return undefined;
  checkPapers(p.ids, papers, file);
  return lexicalIndex(p, bridge);
}

/** No lone surrogate (String.prototype.isWellFormed: Node 20, newer than the ES2022 library this compiles against). */
const wellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();

/** An index must hold exactly the generation's papers. */
function checkPapers(ids: readonly string[], papers: readonly Paper[], file: string): void {
  if (ids.length !== papers.length) throw new LexicalIndexLoadError(file, 'papers', `indexes ${ids.length} papers but the generation has ${papers.length}`);
  const indexed = new Set(ids);
  const missing = papers.find((p) => !indexed.has(p.id));
  if (missing) throw new LexicalIndexLoadError(file, 'papers', `lacks paper ${missing.id}`);
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
 * ones added, vanished ones removed; the rest are not touched (not even tokenised). The result is a new index
 * (the postings of unchanged papers copied, the others appended), equal in every score to one built from `after`
 * with `previous`'s bridge (a new bridge needs a build from every paper); `previous` stays usable.
 */
export async function updateLexicalIndex(previous: LexicalIndex, before: readonly Paper[], after: readonly Paper[], opts: { progress?: Progress } = {}): Promise<LexicalUpdate> {
  const old = new Map(before.map((p) => [p.id, p]));
  const changed = after.filter((p) => {
    const o = old.get(p.id);
    return !o || !sameIndexedText(o, p);
  });
  const redo = new Set(changed.map((p) => p.id));
  const now = new Set(after.map((p) => p.id));
  const b = new PostingsBuilder();
  await addPapers(b, changed, previous.bridge, opts);
  const merged = mergePostings(stateOf(previous, 'updateLexicalIndex'), (id) => now.has(id) && !redo.has(id), b.build());
  const updated = changed.filter((p) => old.has(p.id)).length;
  return {
    index: lexicalIndex(merged, previous.bridge),
    added: changed.length - updated,
    updated,
    removed: before.filter((p) => !now.has(p.id)).length,
    unchanged: after.length - changed.length,
  };
}
