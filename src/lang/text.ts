// Mixed Chinese/English text -> language-tagged tokens. Han runs go through jieba, everything else through the
// English tokeniser, so "基于Transformer的自监督学习" yields zh:基于 en:transformer zh:自监督学习.
import { cut, cutForSearch, CHINESE_STOP_WORDS } from './segment.ts';
import { englishTokens, stem } from './english.ts';

export type TokenLang = 'zh' | 'en';

export interface Token {
  text: string; // Chinese word as written, or lower-cased English word
  lang: TokenLang;
}

export interface TokenOptions {
  /** 'accurate' (one segmentation, for embedding) or 'search' (adds sub-words, for lexical indexes). Default accurate. */
  mode?: 'accurate' | 'search';
  /** Drop stop words in both languages (default true). */
  stopWords?: boolean;
}

const RUNS = /(\p{Script=Han}+)|([^\p{Script=Han}]+)/gu;

export function tokens(text: string, opts: TokenOptions = {}): Token[] {
  const dropStop = opts.stopWords ?? true;
  const segment = opts.mode === 'search' ? cutForSearch : cut;
  const out: Token[] = [];
  for (const m of text.normalize('NFKC').matchAll(RUNS)) {
    if (m[1]) {
      for (const w of segment(m[1])) if (!(dropStop && CHINESE_STOP_WORDS.has(w))) out.push({ text: w, lang: 'zh' });
    } else if (m[2]) {
      for (const w of englishTokens(m[2], { stopWords: dropStop, splitHyphens: opts.mode === 'search' }))
        out.push({ text: w, lang: 'en' });
    }
  }
  return out;
}

/**
 * Terms for a lexical (BM25) index or query: Chinese words in search mode (with sub-words) and Porter-stemmed
 * English words, stop words removed. Use the same function for documents and queries.
 */
export function lexicalTerms(text: string): string[] {
  return tokens(text, { mode: 'search' }).map((t) => (t.lang === 'en' ? stem(t.text) : t.text));
}

/** Which language dominates a text, by counting Han characters against Latin letters. */
export function dominantLanguage(text: string): TokenLang {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  // a Han character carries roughly a word's worth of meaning, a Latin letter about a fifth of one
  return han > 0 && han * 5 >= latin ? 'zh' : 'en';
}
