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
 */
export const LEXICAL_ANALYZER_VERSION = 2;

/** A paper's terms per field, in FIELDS order (see postings.ts); the bridge field holds `bridge`'s translations. */
export function paperFields(p: Paper, bridge: Bridge): string[][] {
  const nonEmpty = (terms: string[]) => terms.filter(Boolean);
  return [
    documentTerms([p.title.en, p.title.zh].filter(Boolean).join('\n')),
    documentTerms([p.summary.en, p.summary.zh].filter(Boolean).join('\n')),
    nameTerms(p.authors.join(', ')),
    documentTerms(p.affiliations.join('\n')),
    bridgeTerms([p.title.en, p.title.zh, p.summary.en, p.summary.zh].filter(Boolean).join('\n'), bridge),
  ].map(nonEmpty);
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
