// Turns text into lexical terms (shared with the BM25 index) and a query into weighted terms grouped by
// "concept" (one original query word plus its translations), so a Chinese query also searches its English
// terms and back, with translated terms weighted below the words the user typed.
import { tokens, lexicalTerms, type Token } from '../lang/text.js';
import { englishTokens, isEnglishStopWord, stem } from '../lang/english.js';
import { CHINESE_STOP_WORDS, subWords } from '../lang/segment.js';
import type { Dictionary } from '../lang/dictionary.js';
import type { Bridge } from '../lang/bridge.js';

/** Cross-language lookup: the project dictionary (src/lang/dictionary.ts: glossary + CC-CEDICT) or the glossary alone. */
export type Translator = Pick<Dictionary, 'english' | 'chinese'> & Partial<Pick<Dictionary, 'source'>>;

/** Translated terms count less than typed ones: they are guesses about what the user meant. */
export const EXPANSION_WEIGHT = 0.5;
/** Sub-words of a typed Chinese word the index does not know, e.g. 蛋白质组学 -> 蛋白质. */
export const SUBWORD_WEIGHT = 0.7;
/** Learned-bridge translations count as much as curated ones, scaled by their association (best = 1). */
export const BRIDGE_WEIGHT = 0.5;
/** Bridge translations this much weaker than a term's best are left out of documents: they blur what it is about
 *  and grow the index (corpus dev set: 0.7 and 0.5 score alike, 0.2 costs en-desc 0.04). */
const DOC_BRIDGE_MIN = 0.7;
/** Curated glossary translations kept per word. */
const MAX_TRANSLATIONS = 3;
/** General-dictionary (CC-CEDICT) translations kept per word: one sense (see englishFor); more senses are mostly
 *  noise (到 -> reach, arrive, leave) that cost BM25 time and pull in unrelated papers (corpus dev set, zh-desc
 *  lexical MRR@10 with the first two or three known senses: 0.187 -> 0.177 / 0.175). */
const MAX_GENERAL_TRANSLATIONS = 1;
/** CC-CEDICT words for an English word looked at, most frequent first (see chineseFor). */
const GENERAL_CANDIDATES = 2;

export interface QueryTerm {
  term: string;
  weight: number;
  concept: number; // index into AnalyzedQuery.concepts
  expanded: boolean; // a translation or sub-word, not typed by the user
}

export interface AnalyzedQuery {
  concepts: string[]; // the typed words (Chinese words, English words), one per concept
  terms: QueryTerm[]; // unique by term; a term keeps its highest weight
  names: string[]; // lower-cased Latin words for the authors field (names are neither stemmed nor stop-worded)
}

/** Lexical terms of a document field (search-mode Chinese with sub-words, stemmed English). */
export function documentTerms(text: string): string[] {
  return lexicalTerms(text);
}

/**
 * The learned translations of a document's words (English stems -> Chinese words, Chinese words -> English stems),
 * one per distinct source word, so a paper written up in one language is found by words of the other.
 */
export function bridgeTerms(text: string, bridge: Bridge): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of tokens(text)) {
    const key = t.lang === 'en' ? stem(t.text) : t.text;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const tr of t.lang === 'en' ? bridge.chinese(key) : bridge.english(key)) if (tr.weight >= DOC_BRIDGE_MIN) out.push(tr.term);
  }
  return out;
}

/** Terms of an authors field: each name's lower-cased Latin words (initials like "K" dropped). */
export function nameTerms(text: string): string[] {
  return englishTokens(text, { stopWords: false }).filter((w) => w.length > 1);
}

/**
 * Analyses a query. `known(term)` says whether the index has the term; unknown Chinese words fall back to their
 * sub-words so a long compound still finds its parts. `bridge` must be the one the index was built with (its
 * `bridge`): the generation's own, learned from its papers.
 */
export function analyzeQuery(q: string, translator: Translator, known: (term: string) => boolean, bridge: Bridge): AnalyzedQuery {
  const concepts: string[] = [];
  const byTerm = new Map<string, QueryTerm>();
  const add = (term: string, weight: number, concept: number, expanded: boolean) => {
    if (!term) return;
    const prev = byTerm.get(term);
    if (!prev || prev.weight < weight) byTerm.set(term, { term, weight, concept: prev && prev.weight >= weight ? prev.concept : concept, expanded });
  };
  const typed = typedWords(q, translator);
  const english = typed.filter((t) => t.lang === 'en').map((t) => t.text);
  const initials = nameInitials(q);
  for (const t of typed) {
    // an author's initial (the L of L Tunstall) would match any lone L in the papers (BEiT-L): the name is searched
    // in the authors field (`names`) instead
    if (t.lang === 'en' && initials.has(t.text)) continue;
    const c = concepts.push(t.text) - 1;
    if (t.lang === 'en') {
      // every spelling of a compound: zeroshot also as zero-shot (the papers' and the bridge's spelling), zero-shot
      // also as zeroshot where papers write it so; pretraining also as pre-training
      const hyphenated = t.text.includes('-') ? t.text : hyphenation(t.text, translator, known);
      const joined = hyphenated && stem(hyphenated.replace(/-/g, ''));
      const stems = [...new Set([stem(t.text), ...(hyphenated ? [stem(hyphenated)] : []), ...(joined && known(joined) ? [joined] : [])])];
      for (const s of stems) add(s, 1, c, false);
      const zhs = chineseFor(translator, t.text, known);
      for (const zh of zhs.length || !hyphenated ? zhs : chineseFor(translator, hyphenated, known)) add(zh, EXPANSION_WEIGHT, c, true);
      for (const s of stems) for (const tr of bridge.chinese(s)) add(tr.term, BRIDGE_WEIGHT * tr.weight, c, true);
    } else {
      add(t.text, 1, c, false);
      if (!known(t.text)) for (const sub of subWords(t.text)) add(sub, SUBWORD_WEIGHT, c, true);
      for (const en of englishFor(translator, t.text, known)) for (const s of en) add(s, EXPANSION_WEIGHT, c, true);
      for (const tr of bridge.english(t.text)) add(tr.term, BRIDGE_WEIGHT * tr.weight, c, true);
    }
  }
  // English phrases ("masked image modeling", "few shot") often translate only as a whole.
  for (let n = 3; n >= 2; n--) {
    for (let i = 0; i + n <= english.length; i++) {
      const phrase = english.slice(i, i + n).join(' ');
      const zh = chineseFor(translator, phrase, known);
      if (zh.length === 0) continue;
      const c = concepts.indexOf(english[i]!);
      for (const w of zh) add(w, EXPANSION_WEIGHT, c, true);
    }
  }
  addSpacedCompounds(q, concepts, known, add);
  const names = englishTokens(q, { stopWords: false }).filter((w) => w.length > 1);
  return { concepts, terms: [...byTerm.values()], names };
}

/**
 * Two typed words the papers also write as one (vision language: vision-language, multi agent: multiagent) search
 * that spelling too, under the second word's concept (the first's when the second is a stop word: "few" says
 * nothing alone, but a lot in "few shot"). It counts as much as a translation: the user typed the words apart, and
 * at full weight it outranked papers that write them apart as typed (corpus dev set, en-title-part lexical
 * 0.883 -> 0.875). Pairs the glossary knows as one term were already read as one word (typedWords).
 */
function addSpacedCompounds(
  q: string,
  concepts: readonly string[],
  known: (term: string) => boolean,
  add: (term: string, weight: number, concept: number, expanded: boolean) => void,
): void {
  const words = tokens(q, { stopWords: false });
  for (let i = 0; i + 1 < words.length; i++) {
    const [a, b] = [words[i]!, words[i + 1]!];
    if (a.lang !== 'en' || b.lang !== 'en' || a.text.includes('-') || b.text.includes('-')) continue;
    const hyphenated = `${a.text}-${b.text}`;
    const c = concepts.lastIndexOf(b.text) >= 0 ? concepts.lastIndexOf(b.text) : concepts.lastIndexOf(a.text);
    if (c < 0) continue;
    for (const term of [stem(hyphenated), stem(`${a.text}${b.text}`)]) if (known(term)) add(term, EXPANSION_WEIGHT, c, true);
  }
}

/** Lower-cased capital letters written as a name's initial: alone (or with a dot) before a capitalised word. */
function nameInitials(q: string): Set<string> {
  return new Set([...q.normalize('NFKC').matchAll(/(?<![\p{L}\p{N}.-])(\p{Lu})\.?\s+\p{Lu}\p{Ll}/gu)].map((m) => m[1]!.toLowerCase()));
}

/**
 * The query's words, stop words removed, with two words the glossary knows as one hyphenated term joined into it
 * ("zero shot" -> zero-shot, "few shot" -> few-shot), so every spelling of a compound asks the same thing.
 */
function typedWords(q: string, translator: Translator): Token[] {
  const raw = tokens(q, { stopWords: false });
  const out: Token[] = [];
  for (let i = 0; i < raw.length; i++) {
    const [a, b] = [raw[i]!, raw[i + 1]];
    const joined = b && a.lang === 'en' && b.lang === 'en' && !`${a.text}${b.text}`.includes('-') ? `${a.text}-${b.text}` : undefined;
    if (joined && inGlossary(translator, joined)) {
      out.push({ text: joined, lang: 'en' });
      i++;
    } else if (!(a.lang === 'en' ? isEnglishStopWord(a.text) : CHINESE_STOP_WORDS.has(a.text))) out.push(a);
  }
  return out;
}

const inGlossary = (translator: Translator, en: string) => translator.chinese(en).some((zh) => isGlossary(translator, zh));

/**
 * A joined word's hyphenated spelling (zeroshot -> zero-shot): the first split the papers write hyphenated, else
 * the first the glossary knows; undefined when there is none.
 */
function hyphenation(word: string, translator: Translator, known: (term: string) => boolean): string | undefined {
  if (word.length < 5) return undefined;
  const splits = Array.from({ length: word.length - 3 }, (_, i) => `${word.slice(0, i + 2)}-${word.slice(i + 2)}`);
  return splits.find((h) => known(stem(h))) ?? splits.find((h) => inGlossary(translator, h));
}

const isGlossary = (translator: Translator, zh: string) => !translator.source || translator.source(zh) === 'glossary';

/**
 * Chinese renderings worth searching: single characters (像 for "image") match inside unrelated words. The
 * glossary's first few; else CC-CEDICT's most frequent word with this sense, or the runner-up when no paper of the
 * catalogue uses the first (a word no paper has finds nothing). Further down the list are rarer words, mostly for
 * other senses (corpus dev set, falling through the whole list: en-title-part hybrid MRR@10 -0.001).
 */
function chineseFor(translator: Translator, en: string, known: (term: string) => boolean): string[] {
  const words = translator.chinese(en).filter((zh) => [...zh].length > 1);
  const curated = words.filter((zh) => isGlossary(translator, zh)).slice(0, MAX_TRANSLATIONS);
  return curated.length ? curated : words.slice(0, GENERAL_CANDIDATES).filter(known).slice(0, MAX_GENERAL_TRANSLATIONS);
}

/**
 * English renderings of a Chinese word, each as its stemmed words; single characters are too ambiguous to
 * translate (到, 像, 做). The glossary's first few; of CC-CEDICT's senses, the first whose words all occur in the
 * catalogue: CC-CEDICT orders senses by general use, not by a field's, and a sense no paper uses finds nothing
 * while hiding the one that would (上色: "top-quality", "top-grade", then "color", which finds "Colorization").
 */
function englishFor(translator: Translator, zh: string, known: (term: string) => boolean): string[][] {
  if ([...zh].length < 2) return [];
  const words = (en: string) => englishTokens(en).map(stem);
  if (isGlossary(translator, zh)) return translator.english(zh).slice(0, MAX_TRANSLATIONS).map(words);
  const out: string[][] = [];
  for (const en of translator.english(zh)) {
    const w = words(en);
    if (w.length > 0 && w.every(known)) out.push(w);
    if (out.length === MAX_GENERAL_TRANSLATIONS) break;
  }
  return out;
}
