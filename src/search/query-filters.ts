// What the restricting parts of a parsed query ask of a paper: an author (`au:`), title words (`ti:`), an exact
// phrase, no excluded word. Matching is on the paper's own text, case- and width-insensitive, with hyphens and
// spaces alike (so "zero shot" matches "zero-shot").
import type { Paper } from '../catalogue/types.js';
import type { PaperPredicate } from './filters.js';
import type { ParsedQuery } from './query-syntax.js';
import { dominantLanguage } from '../lang/text.js';

/** The name's words, lower-cased and without accents or dots ("A H.C. Correia" -> a, h, c, correia). */
function nameWords(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[\s.,]+/)
    .filter(Boolean);
}

/** Two given names agree when equal, or when one is the other's initial (H ~ Hangbo). */
const givenAgrees = (a: string, b: string) => a === b || (a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b));

/**
 * Whether an author written one way is the name asked for. Newsletters write authors both abbreviated ("H Bao")
 * and in full ("Hangbo Bao"): the family names (last words) must be equal and the first given names agree. A
 * single-word query names any full word of the name ("Reimers", "Kaiming").
 */
export function authorMatches(query: string, author: string): boolean {
  const want = nameWords(query);
  const have = nameWords(author);
  if (want.length === 0 || have.length === 0) return false;
  if (want.length === 1) return have.some((w) => w.length > 1 && w === want[0]);
  if (want.at(-1) !== have.at(-1)) return false;
  return have.length === 1 || givenAgrees(want[0]!, have[0]!);
}

/** Text folded for phrase matching: NFKC, lower case, hyphens and runs of spaces as one space. */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\-‐–]+/g, ' ');
}

const LATIN_START = /^[\p{Script=Latin}\p{N}]/u;

/** Whether `phrase` occurs in `text` (both folded); a Latin phrase must start at a word start, so "net" misses "magnet". */
export function containsPhrase(text: string, phrase: string): boolean {
  const needle = fold(phrase);
  const hay = fold(text);
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    if (!LATIN_START.test(needle) || i === 0 || !/[\p{L}\p{N}]/u.test(hay[i - 1]!)) return true;
  }
  return false;
}

const titles = (p: Paper) => [p.title.en, p.title.zh, ...(p.titleVariants ?? []).flatMap((v) => [v.title.en, v.title.zh])].filter((t): t is string => !!t);
const texts = (p: Paper) => [...titles(p), p.summary.en, p.summary.zh].filter((t): t is string => !!t);

/** The author, title, phrase and exclusion parts of a query as one predicate (undefined when it has none). */
export function queryPredicate(parsed: ParsedQuery): PaperPredicate | undefined {
  const tests: PaperPredicate[] = [];
  for (const name of parsed.authors) tests.push((p) => p.authors.some((a) => authorMatches(name, a)));
  for (const words of parsed.title) tests.push((p) => titles(p).some((t) => containsPhrase(t, words)));
  for (const phrase of parsed.phrases) {
    // a phrase is checked in its language: a paper summarised only in the other one (a weekly item with an English
    // title and a Chinese summary) cannot show an English phrase, so the ranking judges it instead
    const lang = dominantLanguage(phrase);
    tests.push((p) => p.summary[lang] === undefined || texts(p).some((t) => containsPhrase(t, phrase)));
  }
  for (const word of parsed.exclude) tests.push((p) => !texts(p).some((t) => containsPhrase(t, word)));
  if (tests.length === 0) return undefined;
  return (p) => tests.every((t) => t(p));
}
