// A learned Chinese-English term bridge: which Chinese index terms translate an English stem and back, learned
// from aligned text (papers written up in both languages), not from a dictionary. CC-CEDICT lacks most ML terms and
// gives general senses (模型 -> "model; pattern; mold"); papers summarised in both languages say what a term means
// here. Association is Dunning's log-likelihood ratio over papers: how much more often an English stem and a Chinese
// word occur in the same paper than chance says. It is deterministic: same pairs, same bridge.
//
// What ships (bridge-zh-en.counts.tsv beside this file, see BRIDGE_NOTICE.md) is not the table but the counts it is
// learned from (scripts/build-bridge.ts, from the train split of the shared corpus): how many pairs, each term's pair
// count and the co-occurrence counts worth keeping. The shipped bridge is learned from them alone; a catalogue's own
// bilingual papers are counted on top of them (learnBridge's `base`), so a refit knows both.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tokens } from './text.ts';
import { stem } from './english.ts';

export const BRIDGE_COUNTS_PATH = fileURLToPath(new URL('./bridge-zh-en.counts.tsv', import.meta.url));

export interface Translation {
  term: string;
  /** Association relative to the term's best translation: 1 for the best, lower for the rest. */
  weight: number;
}

export interface Bridge {
  /** A fingerprint of the table: indexes built with one bridge are not served with another. */
  readonly id: string;
  /** Chinese index terms for a stemmed English term, best first. */
  chinese(stem: string): readonly Translation[];
  /** Stemmed English terms for a Chinese index term, best first. */
  english(zh: string): readonly Translation[];
  /** The table as TSV text (`en|zh <TAB> term <TAB> translation:weight|...`), sorted: the shipped file's format. */
  serialize(): string;
}

/** One paper's two sides. */
export interface AlignedPair {
  en: string;
  zh: string;
}

export interface LearnOptions {
  /** Translations kept per term. */
  perTerm?: number;
  /** Terms (either side) in fewer pairs carry too little evidence to learn from. */
  minPairs?: number;
  /** Log-likelihood ratio a translation needs (10.8: p < 0.001 for one degree of freedom). */
  minLlr?: number;
  /** A translation weaker than this share of the term's best is noise. */
  minRelative?: number;
  /**
   * A translation must be in at least this share of the source term's pairs: LLR alone also rewards rare terms that
   * happen to co-occur a few times with a common word (大部分 "most" -> martingale).
   */
  minShare?: number;
}

const DEFAULTS: Required<LearnOptions> = { perTerm: 3, minPairs: 3, minLlr: 10.83, minRelative: 0.2, minShare: 0.05 };

/** The distinct lexical terms of each side (terms the BM25 index holds: English stems with hyphen parts, Chinese words). */
export function pairTerms(pair: AlignedPair): { en: string[]; zh: string[] } {
  const en = new Set(tokens(pair.en, { mode: 'search' }).flatMap((t) => (t.lang === 'en' && /\p{L}/u.test(t.text) ? [stem(t.text)] : [])));
  // Chinese in accurate mode: search-mode sub-words are real words out of context (强化学习 holds 化学, chemistry)
  const zh = new Set(tokens(pair.zh).flatMap((t) => (t.lang === 'zh' && [...t.text].length > 1 ? [t.text] : [])));
  return { en: [...en], zh: [...zh] };
}

/**
 * The sufficient statistics of a bridge: what learnBridge needs of pairs it no longer has. Co-occurrence counts are
 * kept only where they could matter (see countBridge), so a bridge learned from counts plus new pairs is the one
 * learned from all the pairs, up to pairs of terms the counted ones hardly ever saw together.
 */
export interface BridgeCounts {
  /** Aligned pairs counted. */
  pairs: number;
  /** Pairs each English stem / Chinese word occurs in. */
  en: ReadonlyMap<string, number>;
  zh: ReadonlyMap<string, number>;
  /** Pairs an English stem and a Chinese word occur in together, by English stem, Chinese words sorted. */
  together: ReadonlyMap<string, readonly (readonly [string, number])[]>;
}

/** Learns a bridge from aligned pairs (each pair is one document: co-occurrence within it is the evidence), counted on top of `base`. */
export function learnBridge(pairs: readonly AlignedPair[], opts: LearnOptions & { base?: BridgeCounts } = {}): Bridge {
  const o = { ...DEFAULTS, ...opts };
  const c = countingSpace(pairs, o.minPairs, opts.base);
  const toZh = associate(c.enDocs, c.zhDocs, c.en.df, c.zh.df, c.n, o, c.enExtra);
  const toEn = associate(c.zhDocs, c.enDocs, c.zh.df, c.en.df, c.n, o, c.zhExtra);
  const table = new Map<string, Translation[]>();
  toZh.forEach((list, e) => list.length && table.set(`en\t${c.en.terms[e]}`, list.map(([z, w]) => ({ term: c.zh.terms[z]!, weight: w }))));
  toEn.forEach((list, z) => list.length && table.set(`zh\t${c.zh.terms[z]}`, list.map(([e, w]) => ({ term: c.en.terms[e]!, weight: w }))));
  return bridgeOf(table);
}

/**
 * Co-occurrences a shipped base keeps: seen together at least twice, associated at p < 0.05 (LLR 3.84), and among
 * the 10 strongest of either term (by learnBridge's rules otherwise: a refit keeps 3 per term, and one ranked below
 * 10 in the base would need the catalogue to outweigh it many times over). Terms in fewer than 3 base pairs are left
 * out, as learnBridge leaves them; 1.2 MB for the 4,870 train papers instead of 5 MB for every positive pair.
 */
const KEEP = { ...DEFAULTS, perTerm: 10, minLlr: 3.84, minRelative: 0 };

/**
 * Counts pairs for shipping as a base: every term's pair count and the co-occurrences a later refit could promote
 * to a translation (KEEP). A bridge learned from these counts alone equals learnBridge(pairs) with default options.
 */
export function countBridge(pairs: readonly AlignedPair[]): BridgeCounts {
  const c = countingSpace(pairs, KEEP.minPairs);
  const kept = new Map<number, Map<number, number>>(); // en id -> zh id -> together
  const keep = (e: number, z: number, k: number) => kept.set(e, (kept.get(e) ?? new Map<number, number>()).set(z, k));
  const strongest = (s: number, counts: Int32Array, touched: number[], srcDf: Int32Array, dstDf: Int32Array) =>
    touched
      .flatMap((t) => {
        const score = associated(counts[t]!, srcDf[s]!, dstDf[t]!, c.n, KEEP);
        return score === undefined ? [] : [[t, score] as const];
      })
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .slice(0, KEEP.perTerm)
      .map(([t]) => t);
  const sizes = { src: c.en.df.length, dst: c.zh.df.length };
  cooccurrences(c.enDocs, c.zhDocs, sizes, (e, counts, touched) => strongest(e, counts, touched, c.en.df, c.zh.df).forEach((z) => keep(e, z, counts[z]!)));
  cooccurrences(c.zhDocs, c.enDocs, { src: sizes.dst, dst: sizes.src }, (z, counts, touched) => strongest(z, counts, touched, c.zh.df, c.en.df).forEach((e) => keep(e, z, counts[e]!)));
  const together = new Map([...kept].map(([e, zs]) => [c.en.terms[e]!, [...zs].sort((x, y) => x[0] - y[0]).map(([z, k]) => [c.zh.terms[z]!, k] as const)]));
  const dfs = (v: Vocabulary) => new Map(v.terms.map((t, i) => [t, v.df[i]!]));
  return { pairs: c.n, en: dfs(c.en), zh: dfs(c.zh), together };
}

/** The pairs' terms as ids over a vocabulary of terms in `minPairs` pairs (base counts included), and the base's co-occurrences as extra counts per term. */
function countingSpace(pairs: readonly AlignedPair[], minPairs: number, base?: BridgeCounts) {
  const docs = pairs.map(pairTerms);
  const en = vocabulary(docs.map((d) => d.en), minPairs, base?.en);
  const zh = vocabulary(docs.map((d) => d.zh), minPairs, base?.zh);
  const enExtra: [number, number][][] = Array.from(en.terms, () => []);
  const zhExtra: [number, number][][] = Array.from(zh.terms, () => []);
  for (const [e, list] of base?.together ?? []) {
    const ei = en.id.get(e);
    if (ei === undefined) continue;
    for (const [z, k] of list) {
      const zi = zh.id.get(z);
      if (zi === undefined) continue;
      enExtra[ei]!.push([zi, k]);
      zhExtra[zi]!.push([ei, k]);
    }
  }
  return {
    n: docs.length + (base?.pairs ?? 0),
    en,
    zh,
    enDocs: docs.map((d) => ids(d.en, en.id)),
    zhDocs: docs.map((d) => ids(d.zh, zh.id)),
    enExtra,
    zhExtra,
  };
}

interface Vocabulary {
  terms: string[];
  id: Map<string, number>;
  df: Int32Array;
}

function vocabulary(docs: string[][], minPairs: number, base?: ReadonlyMap<string, number>): Vocabulary {
  const count = new Map<string, number>(base);
  for (const d of docs) for (const t of d) count.set(t, (count.get(t) ?? 0) + 1);
  const terms = [...count].filter(([, c]) => c >= minPairs).map(([t]) => t).sort();
  const id = new Map(terms.map((t, i) => [t, i]));
  return { terms, id, df: Int32Array.from(terms, (t) => count.get(t)!) };
}

const ids = (terms: string[], id: Map<string, number>) => Int32Array.from(terms.flatMap((t) => (id.has(t) ? [id.get(t)!] : [])));

/**
 * Walks every source term's co-occurrence counts with the target terms (from the documents, plus `extra` counts per
 * source term). Term at a time: the documents of one source term are walked and their target terms counted in a
 * dense array, so memory stays at one row. `visit` sees the row and the target terms it touched.
 */
function cooccurrences(
  src: Int32Array[],
  dst: Int32Array[],
  sizes: { src: number; dst: number },
  visit: (s: number, counts: Int32Array, touched: number[]) => void,
  extra?: [number, number][][],
): void {
  const postings: number[][] = Array.from({ length: sizes.src }, () => []);
  src.forEach((terms, d) => terms.forEach((t) => postings[t]!.push(d)));
  const counts = new Int32Array(sizes.dst);
  const touched: number[] = [];
  const bump = (t: number, k: number) => {
    if (counts[t] === 0) touched.push(t);
    counts[t]! += k;
  };
  postings.forEach((docs, s) => {
    for (const d of docs) for (const t of dst[d]!) bump(t, 1);
    for (const [t, k] of extra?.[s] ?? []) bump(t, k);
    visit(s, counts, touched);
    for (const t of touched) counts[t] = 0;
    touched.length = 0;
  });
}

/** The LLR of a source and target term seen together k11 times, or undefined when it is no translation by `o`. */
function associated(k11: number, a: number, b: number, n: number, o: Required<LearnOptions>): number | undefined {
  if (k11 < 2 || k11 < o.minShare * a || k11 * n <= a * b) return undefined; // too rare, or no more often together than chance
  const score = llr(k11, a - k11, b - k11, n - a - b + k11);
  return score >= o.minLlr ? score : undefined;
}

/** For every source term, its best target terms by log-likelihood ratio. */
function associate(src: Int32Array[], dst: Int32Array[], srcDf: Int32Array, dstDf: Int32Array, n: number, o: Required<LearnOptions>, extra: [number, number][][]): [number, number][][] {
  const out: [number, number][][] = [];
  cooccurrences(src, dst, { src: srcDf.length, dst: dstDf.length }, (s, counts, touched) => {
    const scored: [number, number][] = [];
    for (const t of touched) {
      const score = associated(counts[t]!, srcDf[s]!, dstDf[t]!, n, o);
      if (score !== undefined) scored.push([t, score]);
    }
    scored.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    const best = scored[0]?.[1] ?? 0;
    out.push(scored.slice(0, o.perTerm).filter(([, sc]) => sc >= o.minRelative * best).map(([t, sc]) => [t, Math.round((sc / best) * 1000) / 1000]));
  }, extra);
  return out;
}

const xlx = (x: number) => (x > 0 ? x * Math.log(x) : 0);

/** Dunning's G^2 for a 2x2 contingency table (k11 together, k12 / k21 one without the other, k22 neither). */
export function llr(k11: number, k12: number, k21: number, k22: number): number {
  const total = k11 + k12 + k21 + k22;
  const g = xlx(k11) + xlx(k12) + xlx(k21) + xlx(k22) - xlx(k11 + k12) - xlx(k21 + k22) - xlx(k11 + k21) - xlx(k12 + k22) + xlx(total);
  return Math.max(0, 2 * g);
}

/** Translations by `en|zh <TAB> term`; a parsed TSV's lists are kept as their text until first looked up (see parseBridge). */
type Table = Map<string, readonly Translation[] | string>;

/** A bridge over `table`; `text` is the table as serialize() writes it, when the caller has it already (the id hashes it). */
function bridgeOf(table: Table, text = tableText(table)): Bridge {
  const id = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const none: readonly Translation[] = [];
  const get = (key: string): readonly Translation[] => {
    const found = table.get(key);
    if (typeof found !== 'string') return found ?? none;
    const parsed = parseTranslations(found);
    table.set(key, parsed);
    return parsed;
  };
  return {
    id,
    chinese: (s) => get(`en\t${s}`),
    english: (z) => get(`zh\t${z}`),
    serialize: () => text,
  };
}

function tableText(table: Table): string {
  const keys = [...table.keys()].sort();
  const list = (v: readonly Translation[] | string) => (typeof v === 'string' ? parseTranslations(v) : v).map((t) => `${t.term}:${t.weight}`).join('|');
  return keys.map((key) => `${key}\t${list(table.get(key)!)}\n`).join('');
}

/**
 * Parses bridge TSV; a malformed line is an error naming file:line. Each line is checked at once, but its translations
 * become objects only when the term is first looked up: a served bridge is asked about a few terms per query, and
 * building all ~85k of them at 20k papers was most of a server's start spent on the bridge. Text that is already as
 * serialize() writes it (every generation's bridge.tsv: sorted, weights as numbers print, a newline after each line)
 * is kept as the table's text rather than written again.
 */
export function parseBridge(text: string, file: string): Bridge {
  const table: Table = new Map();
  const lines = text.split('\n');
  let asSerialized = lines.at(-1) === '';
  let previous = '';
  lines.forEach((line, i) => {
    if (!line) {
      asSerialized &&= i === lines.length - 1;
      return;
    }
    const [side, term, list, extra] = line.split('\t');
    const weights = translationWeights(list ?? '');
    if ((side !== 'en' && side !== 'zh') || !term || extra !== undefined || weights === 'malformed') {
      throw new Error(`${file}:${i + 1}: malformed bridge line (want "en|zh<TAB>term<TAB>translation:weight|...")`);
    }
    const key = `${side}\t${term}`;
    asSerialized &&= weights === 'as printed' && key > previous;
    previous = key;
    table.set(key, list!);
  });
  return bridgeOf(table, asSerialized ? text : undefined);
}

/** `term:weight|...` as translations (checked by translationWeights). */
function parseTranslations(list: string): Translation[] {
  return list.split('|').map((x) => {
    const at = x.lastIndexOf(':');
    return { term: x.slice(0, at), weight: Number(x.slice(at + 1)) };
  });
}

/**
 * Whether every translation of a `term:weight|...` list has a term and a weight in (0, 1], and whether the weights are
 * written as numbers print (as serialize() writes them); without making objects of them.
 */
function translationWeights(list: string): 'as printed' | 'written otherwise' | 'malformed' {
  let asPrinted = true;
  for (let from = 0; from <= list.length; ) {
    const bar = list.indexOf('|', from);
    const to = bar < 0 ? list.length : bar;
    const colon = list.lastIndexOf(':', to - 1);
    if (colon <= from) return 'malformed'; // no term, or no colon in this translation
    const written = list.slice(colon + 1, to);
    const weight = Number(written);
    if (!(weight > 0 && weight <= 1)) return 'malformed';
    asPrinted &&= String(weight) === written;
    from = to + 1;
  }
  return asPrinted ? 'as printed' : 'written otherwise';
}

/** Counts as TSV (`pairs <TAB> n`, then `en|zh <TAB> term <TAB> pairs [<TAB> zh:together|...]`), sorted: the shipped file's format. */
export function serializeCounts(c: BridgeCounts): string {
  const side = (name: string, df: ReadonlyMap<string, number>) =>
    [...df.keys()].sort().map((t) => {
      const together = name === 'en' ? c.together.get(t) : undefined;
      return `${name}\t${t}\t${df.get(t)}${together ? `\t${together.map(([z, k]) => `${z}:${k}`).join('|')}` : ''}\n`;
    });
  return [`pairs\t${c.pairs}\n`, ...side('en', c.en), ...side('zh', c.zh)].join('');
}

/** Parses counts TSV; a malformed line is an error naming file:line. */
export function parseCounts(text: string, file: string): BridgeCounts {
  const c = { pairs: 0, en: new Map<string, number>(), zh: new Map<string, number>(), together: new Map<string, [string, number][]>() };
  const count = (v: string | undefined) => (v && /^[1-9]\d*$/.test(v) ? Number(v) : NaN);
  text.split('\n').forEach((line, i) => {
    if (!line) return;
    const [side, term, df, list, extra] = line.split('\t');
    const together = (list ?? '').split('|').filter(Boolean).map((x): [string, number] => [x.slice(0, x.lastIndexOf(':')), count(x.slice(x.lastIndexOf(':') + 1))]);
    const bad =
      side === 'pairs'
        ? !(count(term) >= 0) || df !== undefined
        : (side !== 'en' && side !== 'zh') || !term || !(count(df) > 0) || extra !== undefined || (side === 'zh' && list !== undefined) || together.some(([z, k]) => !z || !(k > 0));
    if (bad) throw new Error(`${file}:${i + 1}: malformed bridge counts line (want "pairs<TAB>n" or "en|zh<TAB>term<TAB>pairs[<TAB>zh:together|...]")`);
    if (side === 'pairs') c.pairs = count(term);
    else (side === 'en' ? c.en : c.zh).set(term!, count(df));
    if (together.length) c.together.set(term!, together);
  });
  return c;
}

let shippedCounts: BridgeCounts | undefined;
let shipped: Bridge | undefined;

/** The counts shipped with papersift (the shared corpus' train split): the base every refit counts on top of. */
export function loadShippedCounts(): BridgeCounts {
  shippedCounts ??= parseCounts(readFileSync(BRIDGE_COUNTS_PATH, 'utf8'), BRIDGE_COUNTS_PATH);
  return shippedCounts;
}

/** The bridge shipped with papersift: learned from the shipped counts alone (catalogues too small to refit one use it). */
export function loadShippedBridge(): Bridge {
  shipped ??= learnBridge([], { base: loadShippedCounts() });
  return shipped;
}
