// What a paper is indexed under: its terms per field (jieba search mode + stemmed English via src/lang, names, learned
// translations), and the id of the analyzer that decides them, so a persisted index is only reused by the same one.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Paper } from '../../catalogue/types.js';
import { bridgeTerms, documentTerms, nameTerms } from '../analyzer.js';
import { GLOSSARY_PATH } from '../../lang/glossary.js';
import type { Bridge } from '../../lang/bridge.js';
import { packageVersion } from '../../lang/packages.js';
import { ENGLISH_STOP_WORDS } from '../../lang/english.js';
import { CHINESE_STOP_WORDS } from '../../lang/segment.js';

/**
 * Bump when the terms a paper is indexed under change (tokenisation, stemming, fields, the persisted layout).
 * A persisted index with another analyzer id is never updated or served: it is rebuilt from the papers.
 * 2: postings in typed arrays, persisted as lexical.bin (1 was MiniSearch's JSON, lexical.json).
 * 3: the bridge field translates only the language a paper has no summary in.
 */
export const LEXICAL_ANALYZER_VERSION = 3;

/** A paper's terms per field, in FIELDS order (see postings.ts); the bridge field holds `bridge`'s translations of the text it lacks in the other language. */
export function paperFields(p: Paper, bridge: Bridge): string[][] {
  const nonEmpty = (terms: string[]) => terms.filter(Boolean);
  return [
    documentTerms([p.title.en, p.title.zh].filter(Boolean).join('\n')),
    documentTerms([p.summary.en, p.summary.zh].filter(Boolean).join('\n')),
    nameTerms(p.authors.join(', ')),
    documentTerms(p.affiliations.join('\n')),
    bridgeTerms(untranslatedText(p).join('\n'), bridge),
  ].map(nonEmpty);
}

/**
 * The text whose translations a paper needs: its Chinese text when it has no English summary, its English text when
 * it has no Chinese one. A paper summarised in both languages already holds its words in both; translating them
 * only adds the bridge's weaker guesses, which other papers' queries then meet (corpus dev set, hybrid MRR@10 at
 * 7,020 / ~20,000 papers: en-title-part 0.923 -> 0.936 / 0.895 -> 0.916, zh-desc 0.204 -> 0.231 / 0.184 -> 0.205,
 * en-desc 0.814 -> 0.818 / 0.780 -> 0.785, zh-title 0.990 -> 0.991 / 0.986 -> 0.988).
 */
function untranslatedText(p: Paper): string[] {
  return [...(p.summary.en ? [] : [p.title.zh, p.summary.zh]), ...(p.summary.zh ? [] : [p.title.en, p.summary.en])].filter((t): t is string => !!t);
}

/** Whether two versions of a paper have the same text fields that feed the index, so the same index entries. */
export function sameIndexedText(a: Paper, b: Paper): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    a === b || // one object: the catalogue keeps unchanged papers' objects
    ((a.title.en ?? '') === (b.title.en ?? '') &&
    (a.title.zh ?? '') === (b.title.zh ?? '') &&
    (a.summary.en ?? '') === (b.summary.en ?? '') &&
    (a.summary.zh ?? '') === (b.summary.zh ?? '') &&
    sameList(a.affiliations, b.affiliations) &&
    sameList(a.authors, b.authors))
  );
}

let glossary: Buffer | undefined;
/**
 * The analyzer a persisted index must have been built with: the version above plus a fingerprint of the
 * language data that decides the terms (the glossary is loaded into jieba, the bridge, the stop word lists, the
 * segmenter's and stemmer's package versions), so editing the glossary or refitting the bridge (each generation has
 * its own) also forces a fresh lexical build.
 */
export function lexicalAnalyzerId(bridge: Bridge): string {
  glossary ??= readFileSync(GLOSSARY_PATH);
  const h = createHash('sha256');
  h.update(glossary);
  h.update(`\0bridge:${bridge.id}\0`);
  h.update(`\0${packageVersion('@node-rs/jieba')}\0${packageVersion('stemmer')}\0`);
  h.update([...ENGLISH_STOP_WORDS].sort().join(' ') + '\0' + [...CHINESE_STOP_WORDS].sort().join(' '));
  return `v${LEXICAL_ANALYZER_VERSION}:${h.digest('hex').slice(0, 16)}`;
}
