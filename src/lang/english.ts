// English tokenisation shared by BM25 and the static embedder: NFKC, lower-case, words with inner hyphens or
// apostrophes kept together (self-supervised, few-shot), stop words removed, Porter stemming on request.
import { stemmer } from 'stemmer';

// Function words plus the boilerplate of paper abstracts (paper, propose, present, show, approach, using...),
// which every paper shares and which therefore tell papers apart no better than "the".
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  ('a about above after again against all also am an and any are aren\'t as at be because been before being below ' +
    'between both but by can cannot could did do does doing down during each few for from further had has have ' +
    'having he her here hers herself him himself his how i if in into is it it\'s its itself just me more most my ' +
    'myself no nor not now of off on once only or other our ours ourselves out over own same she should so some ' +
    'such than that that\'s the their theirs them themselves then there these they this those through to too ' +
    'under until up us very was we were what when where which while who whom why will with would you your yours ' +
    'yourself yourselves e.g i.e via etc thus however therefore moreover furthermore may might must shall ' +
    'paper propose proposed show shows shown present presents introduce introduces work approach ' +
    'et al new using use used based one two three within without among upon well many much')
    .split(/\s+/)
    .filter(Boolean),
);

const WORD = /[a-z0-9]+(?:['’-][a-z0-9]+)*/g;

export interface EnglishTokenOptions {
  /** Drop stop words (default true). */
  stopWords?: boolean;
  /** Also emit the parts of hyphenated words (self-supervised -> self-supervised, self, supervised). */
  splitHyphens?: boolean;
}

/** Lower-cased English word tokens of a text (non-Latin characters act as separators). */
export function englishTokens(text: string, opts: EnglishTokenOptions = {}): string[] {
  const dropStop = opts.stopWords ?? true;
  const out: string[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const w = m[0].replace(/’/g, "'");
    if (!(dropStop && ENGLISH_STOP_WORDS.has(w))) out.push(w);
    if (opts.splitHyphens && w.includes('-')) {
      for (const p of w.split('-')) if (p && !(dropStop && ENGLISH_STOP_WORDS.has(p))) out.push(p);
    }
  }
  return out;
}

/**
 * Memo of stems: indexing and bridge learning stem every word of every paper, and the Porter stemmer's regular
 * expressions cost more than the rest of tokenising. Words repeat (a catalogue has ~100k distinct ones), so a
 * cleared-when-full map keeps the cost to one stemming per distinct word.
 */
const STEMS = new Map<string, string>();
const MAX_STEMS = 500_000;

/** Porter stem of a lower-case word (hyphenated words are stemmed part by part). */
export function stem(word: string): string {
  let s = STEMS.get(word);
  if (s === undefined) {
    s = word.includes('-') ? word.split('-').map((p) => stemmer(p)).join('-') : stemmer(word);
    if (STEMS.size >= MAX_STEMS) STEMS.clear();
    STEMS.set(word, s);
  }
  return s;
}

export function isEnglishStopWord(word: string): boolean {
  return ENGLISH_STOP_WORDS.has(word.toLowerCase());
}
