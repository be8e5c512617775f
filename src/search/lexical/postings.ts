// The BM25 postings in typed arrays: for every (term, field) slot, the papers holding the term in that field, in
// ascending paper number, and how often. Two Uint32Arrays and a Uint16Array replace MiniSearch's per-term Maps (67
// bytes per posting at 20k papers; here 6, plus 4 per slot), and they persist as raw bytes (see format.ts).
//
// The arrays are immutable once built: an update (see PostingsBuilder.from) copies the postings of the papers that
// stay and appends those of new or changed papers, so survivors keep their relative order and every slot stays sorted.

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
  const termNumber = new Map<string, number>();
  terms.forEach((t, i) => termNumber.set(t, i));
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
  const meanLength = new Float64Array(FIELD_COUNT);
  for (let d = 0; d < papers; d++) for (let f = 0; f < FIELD_COUNT; f++) meanLength[f]! += lengths[d * FIELD_COUNT + f]!;
  if (papers > 0) for (let f = 0; f < FIELD_COUNT; f++) meanLength[f]! /= papers;
  return { ...data, termNumber, lengths, meanLength, textDf };
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

/** Copies each kept slot's postings, renumbered, to the front of its new slot (advancing `next`). */
function copyKept(base: KeptPostings, next: Uint32Array, docs: Uint32Array, tfs: Uint16Array): void {
  const { previous: p, renumber } = base;
  base.oldTerm.forEach((old, t) => {
    for (let f = 0; f < FIELD_COUNT; f++) {
      const from = slotOf(old, f);
      const to = slotOf(t, f);
      for (let i = p.offsets[from]!; i < p.offsets[from + 1]!; i++) {
        const d = renumber[p.docs[i]!]!;
        if (d < 0) continue;
        const at = next[to]!++;
        docs[at] = d;
        tfs[at] = p.tfs[i]!;
      }
    }
  });
}

/** Largest term frequency a posting stores (Uint16); a field repeating one term more often is refused. */
const MAX_TF = 0xffff;

/**
 * The postings of an earlier index that a builder keeps: its papers that stay, renumbered in the same order, and its
 * terms that such a paper still holds, numbered first in the same order. Each slot's kept postings are copied as a
 * block at build time: renumbering keeps them ascending, and every paper added later has a higher number.
 */
interface KeptPostings {
  previous: PostingsData;
  /** Old paper number -> new one, -1 for a paper that goes. */
  renumber: Int32Array;
  /** Old term numbers of the kept terms, by new term number. */
  oldTerm: number[];
  /** Kept postings per old slot. */
  kept: Uint32Array;
  total: number;
}

/** Collects papers' terms, then lays them out as slots (a stable counting sort by slot keeps papers ascending). */
export class PostingsBuilder {
  private readonly termNumber = new Map<string, number>();
  private readonly terms: string[] = [];
  private readonly ids: string[] = [];
  private readonly idSet = new Set<string>();
  private readonly slots: Grow<Uint32Array>;
  private readonly docs: Grow<Uint32Array>;
  private readonly tfs: Grow<Uint16Array>;
  private base?: KeptPostings;

  /** `postings`: how many are expected (room is made for them up front; more still fit). */
  constructor(postings = 0) {
    this.slots = new Grow(new Uint32Array(postings), (n) => new Uint32Array(n));
    this.docs = new Grow(new Uint32Array(postings), (n) => new Uint32Array(n));
    this.tfs = new Grow(new Uint16Array(postings), (n) => new Uint16Array(n));
  }

  /**
   * A builder holding the papers of `previous` that `keep` accepts, under new numbers in the same order. Their
   * postings are not collected one by one but copied slot by slot when building (an update keeps ~99% of them).
   */
  static from(previous: PostingsData, keep: (paperId: string) => boolean): PostingsBuilder {
    const b = new PostingsBuilder();
    const renumber = new Int32Array(previous.ids.length).fill(-1);
    previous.ids.forEach((id, d) => {
      if (keep(id)) renumber[d] = b.addId(id);
    });
    const { terms, offsets, docs } = previous;
    const kept = new Uint32Array(terms.length * FIELD_COUNT);
    const oldTerm: number[] = [];
    let total = 0;
    for (let t = 0; t < terms.length; t++) {
      let holders = 0;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const s = slotOf(t, f);
        for (let i = offsets[s]!; i < offsets[s + 1]!; i++) if (renumber[docs[i]!]! >= 0) kept[s]!++;
        holders += kept[s]!;
      }
      if (holders === 0) continue; // no paper that stays holds it: gone, unless an added paper brings it back
      b.termFor(terms[t]!);
      oldTerm.push(t);
      total += holders;
    }
    b.base = { previous, renumber, oldTerm, kept, total };
    return b;
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
    const base = this.base;
    if (base) base.oldTerm.forEach((old, t) => {
      for (let f = 0; f < FIELD_COUNT; f++) offsets[slotOf(t, f) + 1] = base.kept[slotOf(old, f)]!;
    });
    for (let i = 0; i < n; i++) offsets[slots[i]! + 1]!++;
    for (let s = 0; s < slotCount; s++) offsets[s + 1]! += offsets[s]!;
    const next = offsets.slice(0, slotCount);
    const docs = new Uint32Array((base?.total ?? 0) + n);
    const tfs = new Uint16Array(docs.length);
    if (base) copyKept(base, next, docs, tfs);
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
