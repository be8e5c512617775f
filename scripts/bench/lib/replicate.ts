// A larger corpus from the real one (../shared/corpus/papers.jsonl, 7,020 papers): the records themselves, then
// copies with new arXiv ids and perturbed text until there are `n`. A copy keeps its record's vocabulary, lengths
// and languages (what BM25 postings, HNSW neighbourhoods and the served process's memory depend on) but is not
// byte-identical: its sentences are rotated and two title words swapped, so no two papers share a text or title.
import type { RenderRecord } from '../../../src/eval/corpus.js';
import { sentences } from '../../../src/lang/sentences.js';

/**
 * `n` records: the originals first, then copy k of record i (k = 1, 2, ...) with an id in years the corpus does
 * not cover (2015-2019: 60 months x 10,000 numbers = 600,000 ids), so copies never collide with real papers.
 */
export function replicate(records: RenderRecord[], n: number): RenderRecord[] {
  const out = records.slice(0, n);
  for (let j = 0; out.length < n; j++) {
    const r = records[j % records.length]!;
    const copy = 1 + Math.floor(j / records.length);
    out.push({
      ...r,
      arxivId: syntheticId(j),
      titleEn: swapWords(r.titleEn, copy),
      ...(r.titleZh ? { titleZh: r.titleZh } : {}),
      abstractEn: rotate(sentences(r.abstractEn), copy).join(' '),
      summaryZh: rotate(sentences(r.summaryZh), copy).join(''),
    });
  }
  return out;
}

function syntheticId(j: number): string {
  const month = j % 60;
  const yymm = `${15 + Math.floor(month / 12)}${String((month % 12) + 1).padStart(2, '0')}`;
  return `${yymm}.${String(Math.floor(j / 60)).padStart(5, '0')}`;
}

function rotate<T>(xs: T[], by: number): T[] {
  const k = xs.length ? by % xs.length : 0;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

/** The title with two of its words exchanged (positions chosen by the copy number), or a copy mark if too short. */
function swapWords(title: string, copy: number): string {
  const w = title.split(' ');
  if (w.length < 3) return `${title} Revisited ${copy}`; // no parentheses: the weekly format puts the Chinese title in them
  const a = copy % w.length;
  const b = (a + 1 + (copy % (w.length - 1))) % w.length;
  [w[a], w[b]] = [w[b]!, w[a]!];
  return w.join(' ');
}
