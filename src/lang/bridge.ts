// A learned Chinese-English term bridge: which Chinese index terms translate an English stem and back, learned
// from aligned text (papers written up in both languages), not from a dictionary. CC-CEDICT lacks most ML terms and
// gives general senses (模型 -> "model; pattern; mold"); papers summarised in both languages say what a term means
// here. Association is Dunning's log-likelihood ratio over papers: how much more often an English stem and a Chinese
// word occur in the same paper than chance says. It is deterministic: same pairs, same bridge.
//
// The shipped bridge (bridge-zh-en.tsv beside this file, see BRIDGE_NOTICE.md) is learned by scripts/build-bridge.ts
// from the train split of the shared corpus; learnBridge also refits one from a catalogue's own papers.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tokens } from './text.ts';
import { stem } from './english.ts';

export const BRIDGE_PATH = fileURLToPath(new URL('./bridge-zh-en.tsv', import.meta.url));

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

/** Learns a bridge from aligned pairs (each pair is one document: co-occurrence within it is the evidence). */
export function learnBridge(pairs: readonly AlignedPair[], opts: LearnOptions = {}): Bridge {
  const o = { ...DEFAULTS, ...opts };
  const docs = pairs.map(pairTerms);
  const en = vocabulary(docs.map((d) => d.en), o.minPairs);
  const zh = vocabulary(docs.map((d) => d.zh), o.minPairs);
  const enDocs = docs.map((d) => ids(d.en, en.id));
  const zhDocs = docs.map((d) => ids(d.zh, zh.id));
  const n = docs.length;
  const toZh = associate(enDocs, zhDocs, en.df, zh.df, n, o);
  const toEn = associate(zhDocs, enDocs, zh.df, en.df, n, o);
  const table = new Map<string, Translation[]>();
  toZh.forEach((list, e) => list.length && table.set(`en\t${en.terms[e]}`, list.map(([z, w]) => ({ term: zh.terms[z]!, weight: w }))));
  toEn.forEach((list, z) => list.length && table.set(`zh\t${zh.terms[z]}`, list.map(([e, w]) => ({ term: en.terms[e]!, weight: w }))));
  return bridgeOf(table);
}

function vocabulary(docs: string[][], minPairs: number) {
  const count = new Map<string, number>();
  for (const d of docs) for (const t of d) count.set(t, (count.get(t) ?? 0) + 1);
  const terms = [...count].filter(([, c]) => c >= minPairs).map(([t]) => t).sort();
  const id = new Map(terms.map((t, i) => [t, i]));
  return { terms, id, df: Int32Array.from(terms, (t) => count.get(t)!) };
}

const ids = (terms: string[], id: Map<string, number>) => Int32Array.from(terms.flatMap((t) => (id.has(t) ? [id.get(t)!] : [])));

/**
 * For every source term, its best target terms by log-likelihood ratio. Term at a time: the documents of one source
 * term are walked and their target terms counted in a dense array, so memory stays at one row.
 */
function associate(src: Int32Array[], dst: Int32Array[], srcDf: Int32Array, dstDf: Int32Array, n: number, o: Required<LearnOptions>): [number, number][][] {
  const postings: number[][] = Array.from(srcDf, () => []);
  src.forEach((terms, d) => terms.forEach((t) => postings[t]!.push(d)));
  const counts = new Int32Array(dstDf.length);
  const touched: number[] = [];
  return postings.map((docs, s) => {
    for (const d of docs) {
      for (const t of dst[d]!) {
        if (counts[t] === 0) touched.push(t);
        counts[t]!++;
      }
    }
    const scored: [number, number][] = [];
    for (const t of touched) {
      const k11 = counts[t]!;
      counts[t] = 0;
      const a = srcDf[s]!;
      const b = dstDf[t]!;
      if (k11 < 2 || k11 < o.minShare * a || k11 * n <= a * b) continue; // too rare, or no more often together than chance
      const score = llr(k11, a - k11, b - k11, n - a - b + k11);
      if (score >= o.minLlr) scored.push([t, score]);
    }
    touched.length = 0;
    scored.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    const best = scored[0]?.[1] ?? 0;
    return scored
      .slice(0, o.perTerm)
      .filter(([, sc]) => sc >= o.minRelative * best)
      .map(([t, sc]) => [t, Math.round((sc / best) * 1000) / 1000]);
  });
}

const xlx = (x: number) => (x > 0 ? x * Math.log(x) : 0);

/** Dunning's G^2 for a 2x2 contingency table (k11 together, k12 / k21 one without the other, k22 neither). */
export function llr(k11: number, k12: number, k21: number, k22: number): number {
  const total = k11 + k12 + k21 + k22;
  const g = xlx(k11) + xlx(k12) + xlx(k21) + xlx(k22) - xlx(k11 + k12) - xlx(k21 + k22) - xlx(k11 + k21) - xlx(k12 + k22) + xlx(total);
  return Math.max(0, 2 * g);
}

function bridgeOf(table: Map<string, readonly Translation[]>): Bridge {
  const keys = [...table.keys()].sort();
  const text = keys.map((key) => `${key}\t${table.get(key)!.map((t) => `${t.term}:${t.weight}`).join('|')}\n`).join('');
  const id = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const none: readonly Translation[] = [];
  return {
    id,
    chinese: (s) => table.get(`en\t${s}`) ?? none,
    english: (z) => table.get(`zh\t${z}`) ?? none,
    serialize: () => text,
  };
}

/** Parses bridge TSV; a malformed line is an error naming file:line. */
export function parseBridge(text: string, file: string): Bridge {
  const table = new Map<string, Translation[]>();
  text.split('\n').forEach((line, i) => {
    if (!line) return;
    const [side, term, list, extra] = line.split('\t');
    const translations = (list ?? '').split('|').map((x) => {
      const at = x.lastIndexOf(':');
      return { term: x.slice(0, at), weight: Number(x.slice(at + 1)) };
    });
    const bad = (side !== 'en' && side !== 'zh') || !term || extra !== undefined || translations.some((t) => !t.term || !(t.weight > 0 && t.weight <= 1));
    if (bad) throw new Error(`${file}:${i + 1}: malformed bridge line (want "en|zh<TAB>term<TAB>translation:weight|...")`);
    table.set(`${side}\t${term}`, translations);
  });
  return bridgeOf(table);
}

let shipped: Bridge | undefined;

/** The bridge shipped with papersift (learned from the shared corpus' train split). */
export function loadShippedBridge(): Bridge {
  shipped ??= parseBridge(readFileSync(BRIDGE_PATH, 'utf8'), BRIDGE_PATH);
  return shipped;
}
