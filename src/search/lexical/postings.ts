// The BM25 postings in typed arrays: for every (term, field) slot, the papers holding the term in that field, in
// ascending paper number, and how often. Two Uint32Arrays and a Uint16Array replace MiniSearch's per-term Maps (67
// bytes per posting at 20k papers; here 6, plus 4 per slot), and they persist as raw bytes (see format.ts).
//
// The arrays are immutable once built: an update (see mergePostings) copies the postings of the papers that stay and
// appends those of new or changed papers, so survivors keep their relative order and every slot stays sorted.

/** Indexed fields, in slot order. The authors field holds names; the bridge field learned translations (see documents.ts). */
const FIELDS = ['title', 'summary', 'authors', 'affiliations', 'bridge'] as const;
export type Field = (typeof FIELDS)[number];
export const FIELD_COUNT = FIELDS.length;
export const fieldNumber = (f: Field): number => FIELDS.indexOf(f);
/** The paper's own words: the document frequencies behind has(), df() and idf() count these fields only. */
const TEXT_FIELDS = (['title', 'summary', 'affiliations'] as const).map(fieldNumber);
const BRIDGE = fieldNumber('bridge');

/** The stored arrays (what format.ts writes); everything else is derived from them on load. */
export interface PostingsData {
  terms: string[]; // by term number
  ids: string[]; // paper id by paper number
  /** Slot term * FIELD_COUNT + field holds papers docs[offsets[slot]] .. docs[offsets[slot + 1] - 1]. */
  offsets: Uint32Array;
  docs: Uint32Array;
  tfs: Uint16Array;
}

export interface Postings extends PostingsData {
  termNumber: Map<string, number>;
  /** Per paper and field (paper * FIELD_COUNT + field): its distinct terms, the field length BM25 normalises by. */
  lengths: Uint32Array;
  /** Per field: mean length over all papers. */
  meanLength: Float64Array;
  /** Per term: papers holding it in a text field. */
  textDf: Uint32Array;
}

export const slotOf = (term: number, field: number): number => term * FIELD_COUNT + field;

/** How many papers hold the term in the field (0 for unknown terms). */
function slotSize(p: Postings, term: number | undefined, field: number): number {
  if (term === undefined) return 0;
  const s = slotOf(term, field);
  return p.offsets[s + 1]! - p.offsets[s]!;
}

/** Papers whose learned translations hold the term: postings a query walks, though not words of the paper. */
export function bridgeDf(p: Postings, term: string): number {
  return slotSize(p, p.termNumber.get(term), BRIDGE);
}

/** Whether paper `doc` holds term number `term` in `field` (binary search: slots are sorted). */
export function holds(p: Postings, term: number, field: number, doc: number): boolean {
  const s = slotOf(term, field);
  let lo = p.offsets[s]!;
  let hi = p.offsets[s + 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const d = p.docs[mid]!;
    if (d === doc) return true;
    if (d < doc) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/** Completes stored arrays with the lookups and statistics queries need (one pass over the postings). */
export function derivePostings(data: PostingsData): Postings {
  const { terms, ids, offsets, docs } = data;
  const papers = ids.length;
  const termNumber = numberTerms(terms);
  const lengths = new Uint32Array(papers * FIELD_COUNT);
  const textDf = new Uint32Array(terms.length);
  const seen = new Int32Array(papers).fill(-1); // the last term counted for each paper in textDf
  for (let t = 0; t < terms.length; t++) {
    for (let f = 0; f < FIELD_COUNT; f++) {
      const s = slotOf(t, f);
      const text = TEXT_FIELDS.includes(f);
      for (let i = offsets[s]!; i < offsets[s + 1]!; i++) {
        const d = docs[i]!;
        lengths[d * FIELD_COUNT + f]!++;
        if (text && seen[d] !== t) {
          seen[d] = t;
          textDf[t]!++;
        }
      }
    }
  }
  return { ...data, termNumber, lengths, meanLength: meanLengths(lengths, papers), textDf };
}

/** Per field: the mean of `lengths` over the papers. */
function meanLengths(lengths: Uint32Array, papers: number): Float64Array {
  const meanLength = new Float64Array(FIELD_COUNT);
  for (let d = 0; d < papers; d++) for (let f = 0; f < FIELD_COUNT; f++) meanLength[f]! += lengths[d * FIELD_COUNT + f]!;
  if (papers > 0) for (let f = 0; f < FIELD_COUNT; f++) meanLength[f]! /= papers;
  return meanLength;
}

function numberTerms(terms: readonly string[]): Map<string, number> {
  const termNumber = new Map<string, number>();
  for (let t = 0; t < terms.length; t++) termNumber.set(terms[t]!, t);
  return termNumber;
}

/** A typed array that grows by doubling, for postings collected before their count is known. */
class Grow<A extends Uint32Array | Uint16Array> {
  length = 0;
  constructor(
    public array: A,
    private readonly make: (n: number) => A,
  ) {}
  push(x: number): void {
    if (this.length === this.array.length) {
      const bigger = this.make(Math.max(1024, this.array.length * 2));
      bigger.set(this.array);
      this.array = bigger;
    }
    this.array[this.length++] = x;
  }
}

/** Largest term frequency a posting stores (Uint16); a field repeating one term more often is refused. */
const MAX_TF = 0xffff;

/** Collects papers' terms, then lays them out as slots (a stable counting sort by slot keeps papers ascending). */
export class PostingsBuilder {
  private readonly termNumber = new Map<string, number>();
  private readonly terms: string[] = [];
  private readonly ids: string[] = [];
  private readonly idSet = new Set<string>();
  private readonly slots: Grow<Uint32Array>;
  private readonly docs: Grow<Uint32Array>;
  private readonly tfs: Grow<Uint16Array>;

  /** `postings`: how many are expected (room is made for them up front; more still fit). */
  constructor(postings = 0) {
    this.slots = new Grow(new Uint32Array(postings), (n) => new Uint32Array(n));
    this.docs = new Grow(new Uint32Array(postings), (n) => new Uint32Array(n));
    this.tfs = new Grow(new Uint16Array(postings), (n) => new Uint16Array(n));
  }

  get size(): number {
    return this.ids.length;
  }

  /** Adds a paper: its terms per field, in FIELDS order. */
  add(id: string, fields: readonly (readonly string[])[]): void {
    const d = this.addId(id);
    fields.forEach((terms, f) => {
      const counts = new Map<string, number>();
      for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, n] of counts) {
        if (n > MAX_TF) throw new Error(`lexical index: paper ${id} repeats "${t}" ${n} times in its ${FIELDS[f]} (at most ${MAX_TF})`);
        this.post(this.termFor(t), f, d, n);
      }
    });
  }

  build(): Postings {
    const slotCount = this.terms.length * FIELD_COUNT;
    const offsets = new Uint32Array(slotCount + 1);
    const n = this.slots.length;
    const slots = this.slots.array;
    for (let i = 0; i < n; i++) offsets[slots[i]! + 1]!++;
    for (let s = 0; s < slotCount; s++) offsets[s + 1]! += offsets[s]!;
    const next = offsets.slice(0, slotCount);
    const docs = new Uint32Array(n);
    const tfs = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const at = next[slots[i]!]!++;
      docs[at] = this.docs.array[i]!;
      tfs[at] = this.tfs.array[i]!;
    }
    return derivePostings({ terms: this.terms, ids: this.ids, offsets, docs, tfs });
  }

  private addId(id: string): number {
    if (this.idSet.has(id)) throw new Error(`lexical index: paper ${id} is indexed twice`);
    this.idSet.add(id);
    return this.ids.push(id) - 1;
  }

  private termFor(term: string): number {
    let t = this.termNumber.get(term);
    if (t === undefined) {
      t = this.terms.push(term) - 1;
      this.termNumber.set(term, t);
    }
    return t;
  }

  private post(term: number, field: number, doc: number, tf: number): void {
    this.slots.push(slotOf(term, field));
    this.docs.push(doc);
    this.tfs.push(tf);
  }
}

/**
 * The postings of `previous`'s papers that `keep` accepts (renumbered, in the same order) followed by those of `added`
 * (postings built from the new or changed papers alone): exactly what a builder fed the kept papers, then the added
 * ones, would build. Terms a kept paper still holds keep their order; terms only added papers hold follow, in the
 * order they first occur. Each slot gets its kept postings, then its added ones. The statistics (field lengths, text
 * document frequencies) are carried over from `previous` and corrected for the papers that went and came rather than
 * counted again over every posting: beyond one copy of the postings and the term lookup, the work is the change's.
 */
export function mergePostings(previous: Postings, keep: (paperId: string) => boolean, added: Postings): Postings {
  const old = previous;
  const renumber = new Int32Array(old.ids.length);
  const ids: string[] = [];
  let goneCount = 0; // postings of papers that go (a paper has one per distinct term and field: its field lengths)
  for (let d = 0; d < old.ids.length; d++) {
    const id = old.ids[d]!;
    renumber[d] = keep(id) ? ids.push(id) - 1 : -1;
    if (renumber[d]! < 0) for (let f = 0; f < FIELD_COUNT; f++) goneCount += old.lengths[d * FIELD_COUNT + f]!;
  }
  const first = ids.length; // the added papers' numbers start here
  for (const id of added.ids) {
    if (keep(id)) throw new Error(`lexical index: paper ${id} is indexed twice`);
    ids.push(id);
  }
  const addedTo = new Int32Array(old.terms.length).fill(-1); // old term -> the added postings' term that is the same word
  added.terms.forEach((term, a) => {
    const t = old.termNumber.get(term);
    if (t !== undefined) addedTo[t] = a;
  });

  const out = new MergedPostings(old.terms.length + added.terms.length, old.docs.length - goneCount + added.docs.length, old.ids.length);
  const merged = new Uint8Array(added.terms.length); // added terms placed with an old term a kept paper still holds
  for (let t = 0; t < old.terms.length; t++) {
    const a = addedTo[t]!;
    // a term whose postings all go is left out, and comes back among the new terms if an added paper holds it
    if (a >= 0 && !out.keepsAny(old, t, renumber)) continue;
    const gone = out.copyKept(old, t, renumber, a >= 0 ? added : undefined, a, first);
    if (gone < 0) continue;
    if (a >= 0) merged[a] = 1;
    out.endTerm(old.terms[t]!, old.textDf[t]! - gone + (a >= 0 ? added.textDf[a]! : 0));
  }
  for (let a = 0; a < added.terms.length; a++) {
    if (merged[a]) continue;
    for (let f = 0; f < FIELD_COUNT; f++) out.append(added, slotOf(a, f), first, f);
    out.endTerm(added.terms[a]!, added.textDf[a]!);
  }

  const lengths = new Uint32Array(ids.length * FIELD_COUNT);
  for (let d = 0; d < old.ids.length; d++) {
    const to = renumber[d]!;
    if (to >= 0) for (let f = 0; f < FIELD_COUNT; f++) lengths[to * FIELD_COUNT + f] = old.lengths[d * FIELD_COUNT + f]!;
  }
  lengths.set(added.lengths, first * FIELD_COUNT);
  const { terms, offsets, docs, tfs, textDf } = out.finish();
  return { terms, ids, offsets, docs, tfs, termNumber: numberTerms(terms), lengths, meanLength: meanLengths(lengths, ids.length), textDf };
}

const IS_TEXT = Uint8Array.from({ length: FIELD_COUNT }, (_, f) => (TEXT_FIELDS.includes(f) ? 1 : 0));

/** The arrays mergePostings writes, term by term (sized for every term; cut to the terms written at the end). */
class MergedPostings {
  private readonly terms: string[] = [];
  private readonly offsets: Uint32Array;
  private readonly textDf: Uint32Array;
  private readonly docs: Uint32Array;
  private readonly tfs: Uint16Array;
  /** Per old paper: the last old term it was counted under as a paper that goes (distinct papers per term). */
  private readonly goneAt: Int32Array;
  private written = 0;

  constructor(maxTerms: number, postings: number, oldPapers: number) {
    this.offsets = new Uint32Array(maxTerms * FIELD_COUNT + 1);
    this.textDf = new Uint32Array(maxTerms);
    this.docs = new Uint32Array(postings);
    this.tfs = new Uint16Array(postings);
    this.goneAt = new Int32Array(oldPapers).fill(-1);
  }

  /** Whether a paper that stays holds old term `t`. */
  keepsAny(old: PostingsData, t: number, renumber: Int32Array): boolean {
    const { offsets, docs } = old;
    for (let i = offsets[slotOf(t, 0)]!; i < offsets[slotOf(t, FIELD_COUNT)]!; i++) if (renumber[docs[i]!]! >= 0) return true;
    return false;
  }

  /**
   * Writes old term `t`'s postings of the papers that stay, each field's followed by the added postings of term `a`
   * (if `added`), as the next term. Returns how many papers that go held it in a text field, or -1 when nothing was
   * written (no paper holds it any more: the term is not written).
   */
  copyKept(old: PostingsData, t: number, renumber: Int32Array, added: PostingsData | undefined, a: number, first: number): number {
    const { offsets, docs, tfs } = old;
    const { docs: toDocs, tfs: toTfs, goneAt } = this;
    const term = this.terms.length;
    const start = this.written;
    let w = start;
    let gone = 0;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const s = slotOf(t, f);
      const text = IS_TEXT[f] === 1;
      for (let i = offsets[s]!; i < offsets[s + 1]!; i++) {
        const was = docs[i]!;
        const d = renumber[was]!;
        if (d >= 0) {
          toDocs[w] = d;
          toTfs[w++] = tfs[i]!;
        } else if (text && goneAt[was] !== t) {
          goneAt[was] = t;
          gone++;
        }
      }
      this.written = w;
      if (added) this.append(added, slotOf(a, f), first, f);
      w = this.written;
      this.offsets[slotOf(term, f) + 1] = w;
    }
    return w === start ? -1 : gone;
  }

  /** Appends slot `s` of the added postings (their papers numbered from `first`) to field `f` of the term being written. */
  append(added: PostingsData, s: number, first: number, f: number): void {
    const { offsets, docs, tfs } = added;
    let w = this.written;
    for (let i = offsets[s]!; i < offsets[s + 1]!; i++) {
      this.docs[w] = first + docs[i]!;
      this.tfs[w++] = tfs[i]!;
    }
    this.written = w;
    this.offsets[slotOf(this.terms.length, f) + 1] = w;
  }

  endTerm(term: string, textDf: number): void {
    this.textDf[this.terms.length] = textDf;
    this.terms.push(term);
  }

  finish(): Pick<Postings, 'terms' | 'offsets' | 'docs' | 'tfs' | 'textDf'> {
    if (this.written !== this.docs.length) throw new Error(`lexical index: merged ${this.written} postings, expected ${this.docs.length}`);
    const n = this.terms.length;
    return { terms: this.terms, offsets: this.offsets.slice(0, n * FIELD_COUNT + 1), docs: this.docs, tfs: this.tfs, textDf: this.textDf.slice(0, n) };
  }
}
