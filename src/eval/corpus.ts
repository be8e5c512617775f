// Evaluation on real content at real size: pseudo-queries generated from papers, with no hand labels.
//
// Two sources of queries:
// - a bilingual corpus file (papers.jsonl, see ../shared/corpus/README.md) rendered into newsletters and ingested:
//   its records hold text the newsletters did NOT print (the real Chinese title where the newsletter fell back to a
//   summary clause, the English abstract of a paper printed only in a weekly issue, the Chinese summary of a paper
//   printed only in the short daily form), so those queries describe a paper without copying its indexed text;
// - any catalogue (a data dir's live generation): queries from the papers' own text (title fragments, summary
//   sentences). They copy indexed text, so they measure known-item search, not the language bridge.
// The query's paper is the one relevant answer. Everything is deterministic: a paper's split and its query
// sentence come from hashes of its arXiv id, never from a random source.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Paper } from '../catalogue/types.js';
import type { SearchEngine, SearchMode } from '../search/types.js';
import { middleSentence } from '../lang/sentences.js';
import { mean, ndcg, recall, reciprocalRank } from './metrics.js';

/** One line of a bilingual corpus file (the fields papersift reads; see ../shared/corpus/README.md). */
export interface CorpusRecord {
  arxivId: string;
  titleEn: string;
  titleZh?: string;
  abstractEn: string;
  summaryZh: string;
}

/** A corpus line with every field render.mjs prints (readCorpus checks only the CorpusRecord ones). */
export interface RenderRecord extends CorpusRecord {
  authors: string[];
  categories: string[];
  date: string;
}

/** Reads a corpus file; a malformed line is an error naming file:line and the field. */
export function readCorpus(path: string): CorpusRecord[] {
  const out: CorpusRecord[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${path}:${i + 1}`;
    let r: Partial<Record<keyof CorpusRecord, unknown>>;
    try {
      r = JSON.parse(line) as typeof r;
    } catch (e) {
      throw new Error(`${where}: not JSON (${(e as Error).message})`);
    }
    for (const field of ['arxivId', 'titleEn', 'abstractEn', 'summaryZh'] as const) {
      if (typeof r[field] !== 'string' || !(r[field] as string).trim()) throw new Error(`${where}: field "${field}" must be a non-empty string`);
    }
    if (r.titleZh !== undefined && typeof r.titleZh !== 'string') throw new Error(`${where}: field "titleZh" must be a string`);
    out.push(r as CorpusRecord);
  });
  return out;
}

/**
 * Writes the corpus for rendering with the Chinese titles of dev papers withheld, so their newsletters print the
 * summary's first clause instead (as real digests without a Chinese title do) and the real title can be a query.
 */
export function writeRenderInput(corpusPath: string, outPath: string): void {
  const lines = readFileSync(corpusPath, 'utf8').split('\n').filter((l) => l.trim());
  const out = lines.map((line) => {
    const r = JSON.parse(line) as { arxivId: string; titleZh?: string };
    if (r.titleZh === undefined || splitOf(r.arxivId) !== 'dev') return line;
    delete r.titleZh;
    return JSON.stringify(r);
  });
  writeFileSync(outPath, out.join('\n') + '\n');
}

export type Split = 'train' | 'dev';

const hashOf = (s: string) => createHash('sha256').update(s).digest();

/** 30% of papers are dev (evaluated, never learned from), by a hash of the arXiv id: stable across runs and files. */
export function splitOf(arxivId: string): Split {
  return hashOf(`split:${arxivId}`).readUInt32BE(0) % 10 < 3 ? 'dev' : 'train';
}

export interface PseudoQuery {
  set: string;
  q: string;
  /** Canonical id of the one relevant paper. */
  relevant: string;
}

/** The query sets a corpus file yields, each a different way of describing a paper the index holds otherwise. */
export const CORPUS_SETS = {
  'zh-title': 'the real Chinese title of a paper whose newsletter printed a summary clause in its place',
  'en-desc': 'a middle sentence of the English abstract, for a paper printed only with its Chinese summary (weekly)',
  'zh-desc': 'a middle sentence of the Chinese summary, for a paper printed only with titles (short daily form)',
  'en-title-part': 'about half of the English title words, in order (a remembered title)',
} as const;

/** The query sets any catalogue yields from its own text. */
export const CATALOGUE_SETS = {
  'en-title-part': CORPUS_SETS['en-title-part'],
  'zh-title-part': 'about half of the Chinese title, in order',
  'en-sentence': 'a middle sentence of the English abstract (indexed text)',
  'zh-sentence': 'a middle sentence of the Chinese summary (indexed text)',
} as const;

/** A contiguous half of the title's words (at least 3) at an offset chosen by the paper's hash. */
function titlePart(title: string | undefined, key: string): string | undefined {
  if (!title) return undefined;
  const words = title.split(/\s+/).filter(Boolean);
  if (words.length < 5) return undefined;
  const n = Math.max(3, Math.ceil(words.length / 2));
  const start = hashOf(`part:${key}`).readUInt32BE(0) % (words.length - n + 1);
  return words.slice(start, start + n).join(' ');
}

function chineseTitlePart(title: string | undefined, key: string): string | undefined {
  const chars = title ? [...title.replace(/\s+/g, '')] : [];
  if (chars.length < 10) return undefined;
  const n = Math.ceil(chars.length / 2);
  const start = hashOf(`part:${key}`).readUInt32BE(0) % (chars.length - n + 1);
  return chars.slice(start, start + n).join('');
}

export interface QueryOptions {
  /** Queries per set at most (a deterministic sample: papers ordered by a hash of their id). */
  perSet?: number;
  /** Which papers may ask (default dev only, so a model learned from train papers is tested on others). */
  split?: Split | 'all';
}

const byHash = <T>(items: T[], key: (t: T) => string) =>
  items
    .map((t) => ({ t, h: hashOf(`order:${key(t)}`).toString('hex') }))
    .sort((a, b) => (a.h < b.h ? -1 : 1))
    .map((x) => x.t);

function capPerSet(queries: PseudoQuery[], perSet: number): PseudoQuery[] {
  const count = new Map<string, number>();
  return queries.filter((q) => {
    const n = count.get(q.set) ?? 0;
    count.set(q.set, n + 1);
    return n < perSet;
  });
}

/** Letters and digits only: render folds full-width punctuation, which must not make a printed title look new. */
const lettersOf = (s: string | undefined) => (s ?? '').normalize('NFKC').replace(/[^\p{L}\p{N}]/gu, '');

/** Pseudo-queries from a corpus file, for the papers of it the catalogue holds (`paperOf` looks one up). */
export function corpusQueries(records: CorpusRecord[], paperOf: (arxivId: string) => Paper | undefined, opts: QueryOptions = {}): PseudoQuery[] {
  const split = opts.split ?? 'dev';
  const out: PseudoQuery[] = [];
  for (const r of byHash(records, (x) => x.arxivId)) {
    if (split !== 'all' && splitOf(r.arxivId) !== split) continue;
    const p = paperOf(r.arxivId);
    if (!p) continue;
    const add = (set: keyof typeof CORPUS_SETS, q: string | undefined) => q && out.push({ set, q, relevant: p.id });
    if (r.titleZh && lettersOf(p.title.zh) !== lettersOf(r.titleZh)) add('zh-title', r.titleZh);
    if (p.summary.zh && !p.summary.en) add('en-desc', middleSentence(r.abstractEn, 40));
    if (!p.summary.zh) add('zh-desc', middleSentence(r.summaryZh, 12));
    add('en-title-part', titlePart(r.titleEn, r.arxivId));
  }
  return capPerSet(out, opts.perSet ?? 500);
}

/** Pseudo-queries from a catalogue's own text (known-item search; see the module comment). */
export function catalogueQueries(papers: readonly Paper[], opts: Omit<QueryOptions, 'split'> = {}): PseudoQuery[] {
  const perSet = opts.perSet ?? 300;
  const out: PseudoQuery[] = [];
  const count = new Map<string, number>();
  const add = (set: keyof typeof CATALOGUE_SETS, q: string | undefined, relevant: string) => {
    if (!q) return;
    out.push({ set, q, relevant });
    count.set(set, (count.get(set) ?? 0) + 1);
  };
  const sets = Object.keys(CATALOGUE_SETS).length;
  for (const p of byHash([...papers], (x) => x.id)) {
    add('en-title-part', titlePart(p.title.en, p.id), p.id);
    add('zh-title-part', chineseTitlePart(p.title.zh, p.id), p.id);
    add('en-sentence', middleSentence(p.summary.en, 40), p.id);
    add('zh-sentence', middleSentence(p.summary.zh, 12), p.id);
    // every set is full: later papers' queries would all be capped away (a sample of 20k papers stops after ~50)
    if (count.size === sets && [...count.values()].every((n) => n >= perSet)) break;
  }
  return capPerSet(out, perSet);
}

export interface SetRow {
  set: string;
  mode: SearchMode;
  queries: number;
  mrr: number;
  ndcg: number;
  recall: number;
  /** Share of queries answered all-weak (lowConfidence) although they have an answer. */
  flaggedWeak: number;
  /** Share of queries whose paper was in the top 10 before the no-padding rule dropped it as low-confidence. */
  dropped?: number;
}

export interface CorpusReport {
  embedder: string;
  papers: number;
  rows: SetRow[];
}

const K = 10;

/**
 * Runs every query in every mode; one row per (set, mode), sets in first-seen order. `unfiltered` (the same engine
 * with every hit confident) tells how often the no-padding rule dropped the right paper.
 */
export async function evaluateQueries(
  engine: SearchEngine,
  queries: readonly PseudoQuery[],
  modes: readonly SearchMode[],
  papers: number,
  unfiltered?: SearchEngine,
): Promise<CorpusReport> {
  const sets = [...new Set(queries.map((q) => q.set))];
  const rows: SetRow[] = [];
  for (const set of sets) {
    const mine = queries.filter((q) => q.set === set);
    for (const mode of modes) {
      const rr: number[] = [];
      const nd: number[] = [];
      const rc: number[] = [];
      let weak = 0;
      let dropped = 0;
      for (const q of mine) {
        const res = await engine.searchIds({ q: q.q, mode, limit: K });
        const ranked = res.ids;
        const relevant = new Set([q.relevant]);
        rr.push(reciprocalRank(ranked, relevant, K));
        nd.push(ndcg(ranked, relevant, K));
        rc.push(recall(ranked, relevant, K));
        if (res.lowConfidence) weak++;
        if (unfiltered && !ranked.includes(q.relevant)) {
          const all = await unfiltered.searchIds({ q: q.q, mode, limit: K });
          if (all.ids.includes(q.relevant)) dropped++;
        }
      }
      const n = Math.max(1, mine.length);
      rows.push({ set, mode, queries: mine.length, mrr: mean(rr), ndcg: mean(nd), recall: mean(rc), flaggedWeak: weak / n, ...(unfiltered ? { dropped: dropped / n } : {}) });
    }
  }
  return { embedder: engine.embedder, papers, rows };
}

const f3 = (x: number) => x.toFixed(3);

export function formatCorpusReport(r: CorpusReport): string {
  const lines = [
    `embedder: ${r.embedder}; papers indexed: ${r.papers}`,
    '',
    '| set | mode | n | MRR@10 | nDCG@10 | Recall@10 | answered all-weak | right paper dropped as weak |',
    '| --- | --- | --: | --: | --: | --: | --: | --: |',
  ];
  const opt = (x: number | undefined) => (x === undefined ? '-' : f3(x));
  for (const x of r.rows) lines.push(`| ${x.set} | ${x.mode} | ${x.queries} | ${f3(x.mrr)} | ${f3(x.ndcg)} | ${f3(x.recall)} | ${f3(x.flaggedWeak)} | ${opt(x.dropped)} |`);
  return lines.join('\n');
}

/** Sets where hybrid MRR@10 falls below the better single channel. */
export function fusionLosses(r: CorpusReport): string[] {
  const out: string[] = [];
  for (const set of new Set(r.rows.map((x) => x.set))) {
    const get = (mode: SearchMode) => r.rows.find((x) => x.set === set && x.mode === mode)?.mrr;
    const h = get('hybrid');
    const best = Math.max(get('lexical') ?? 0, get('semantic') ?? 0);
    if (h !== undefined && h + 1e-9 < best) out.push(`${set}: hybrid MRR@10 ${f3(h)} < best single channel ${f3(best)}`);
  }
  return out;
}
