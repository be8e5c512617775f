// A large, realistic-looking corpus for the reindex benchmark: daily arXiv digests in the seeds' daily format,
// with distinct arXiv ids and titles/summaries/abstracts recombined from the seed newsletters' own sentences.
// Deterministic for a given seed, so "change 1% of the documents" is reproducible.
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { seededUniform } from '../util/random.js';

export interface SentencePool {
  titles: string[];
  zh: string[]; // Chinese summary sentences (ending in 。)
  en: string[]; // English abstract sentences (ending in .)
  authors: string[];
  affiliations: string[];
  categories: string[];
}

const HEADER = 'LG - 机器学习   CV - 计算机视觉   CL - 计算与语言   AS - 音频与语音 RO - 机器人';
const HAN = /[\u4e00-\u9fff]/;

/** Collects titles, sentences, author lines and affiliations from the seed newsletters. */
export async function sentencePool(seedDir: string): Promise<SentencePool> {
  const pool: SentencePool = { titles: [], zh: [], en: [], authors: [], affiliations: [], categories: [] };
  for (const f of (await readdir(seedDir)).filter((f) => f.endsWith('.txt')).sort()) {
    const lines = (await readFile(join(seedDir, f), 'utf8')).split(/\r?\n/).map((l) => l.trim());
    lines.forEach((line, i) => collectLine(pool, line, lines.slice(i + 1).find((l) => l !== '') ?? ''));
  }
  for (const [k, v] of Object.entries(pool)) if (v.length === 0) throw new Error(`seed directory ${seedDir} yielded no ${k}`);
  for (const k of Object.keys(pool) as (keyof SentencePool)[]) pool[k] = [...new Set(pool[k])];
  return pool;
}

function collectLine(pool: SentencePool, line: string, next: string): void {
  const heading = /^(?:\d+、)?\[([A-Z]{2,3})\]\s+(.{10,})$/.exec(line);
  if (heading) {
    pool.categories.push(heading[1]!);
    pool.titles.push(heading[2]!);
    if (/^[A-Z][A-Za-z.' -]*(, [A-Z][A-Za-z.' -]*)*(\.\.\.)?$/.test(next)) pool.authors.push(next); // e.g. "H Bao, L Dong, F Wei"
    return;
  }
  if (/^\[[^\]]{3,}\]$/.test(line)) pool.affiliations.push(line);
  else if (HAN.test(line) && line.length > 80) pool.zh.push(...(line.match(/[^。]+。/g) ?? []).filter((s) => s.length > 12));
  else if (!HAN.test(line) && line.length > 200) pool.en.push(...(line.match(/[^.]+(?:\.(?=\s|$))/g) ?? []).map((s) => s.trim()).filter((s) => s.length > 30));
}


function pick<T>(r: () => number, xs: T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function picks<T>(r: () => number, xs: T[], n: number): T[] {
  return Array.from({ length: n }, () => pick(r, xs));
}

/** A distinct new-style arXiv id per paper index: months from 2101 on, 5-digit numbers. */
export function syntheticArxivId(i: number): string {
  const month = Math.floor(i / 90000);
  const yy = 21 + Math.floor(month / 12);
  const mm = (month % 12) + 1;
  return `${yy}${String(mm).padStart(2, '0')}.${String(10000 + (i % 90000)).padStart(5, '0')}`;
}

/** One paper block in the daily format; `variant` > 0 rewrites its text (a changed paper, same id). */
export function paperBlock(pool: SentencePool, index: number, position: number, variant = 0): string {
  const r = seededUniform(index * 7919 + variant * 104729 + 1);
  const words = pick(r, pool.titles).split(' ');
  const title = [...words.slice(0, Math.ceil(words.length / 2)), ...pick(r, pool.titles).split(' ').slice(-3)].join(' ');
  const zhTitle = pick(r, pool.zh).replace(/。$/, '');
  const zh = `${zhTitle}。${picks(r, pool.zh, 3 + Math.floor(r() * 3)).join('')}`;
  const en = picks(r, pool.en, 4 + Math.floor(r() * 4)).join(' ');
  return [
    `${position}、[${pick(r, pool.categories)}] ${title} (${index})`,
    '',
    pick(r, pool.authors),
    pick(r, pool.affiliations),
    zh,
    '',
    en,
    '',
    `https://arxiv.org/abs/${syntheticArxivId(index)}`,
    '',
    ' ',
    '',
  ].join('\n');
}

export interface CorpusSpec {
  papers: number;
  perDocument: number;
  /** Document numbers whose papers get rewritten text (variant 1): the "changed" documents of an incremental run. */
  changed?: Set<number>;
}

export function documentName(n: number): string {
  return `daily-synth-${String(n).padStart(5, '0')}.txt`;
}

/** Writes ceil(papers / perDocument) daily digests into dir; returns the file names. */
export async function writeCorpus(dir: string, pool: SentencePool, spec: CorpusSpec): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const names: string[] = [];
  for (let d = 0; d * spec.perDocument < spec.papers; d++) {
    const variant = spec.changed?.has(d) ? 1 : 0;
    const blocks: string[] = [];
    for (let p = 0; p < spec.perDocument && d * spec.perDocument + p < spec.papers; p++) {
      blocks.push(paperBlock(pool, d * spec.perDocument + p, p + 1, variant));
    }
    const name = documentName(d);
    await writeFile(join(dir, name), `${HEADER}\n\n转自爱可可爱生活\n\n \n\n${blocks.join('\n')}`);
    names.push(name);
  }
  return names;
}
