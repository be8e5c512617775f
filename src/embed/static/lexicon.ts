// Token -> table rows. Known words map to their own row; unknown English words to the rows of their parts
// (compose.ts); unknown Chinese words to their dictionary sub-words, then to single characters.
import { findWord, type WordTable } from './table.ts';
import type { Token, TokenLang } from '../../lang/text.ts';
import { subWords } from '../../lang/segment.ts';
import { decompose } from './compose.ts';

export interface RowRef {
  lang: TokenLang;
  row: number;
  factor: number; // share of the token's weight (parts of a composed word split one word's weight)
}

const CACHE_LIMIT = 200_000;

export class Lexicon {
  private cache = new Map<string, RowRef[]>();
  constructor(
    readonly en: WordTable,
    readonly zh: WordTable,
  ) {}

  table(lang: TokenLang): WordTable {
    return lang === 'en' ? this.en : this.zh;
  }

  /** Rows for a token; [] when nothing in either table covers it. Results are memoised. */
  resolve(token: Token): RowRef[] {
    const key = `${token.lang}:${token.text}`;
    let refs = this.cache.get(key);
    if (!refs) {
      refs = token.lang === 'en' ? this.resolveEnglish(token.text) : this.resolveChinese(token.text);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, refs);
    }
    return refs;
  }

  private resolveEnglish(word: string): RowRef[] {
    const parts = decompose(word, (w) => findWord(this.en, w) >= 0);
    return parts.map((p) => ({ lang: 'en' as const, row: findWord(this.en, p), factor: 1 / parts.length }));
  }

  private resolveChinese(word: string): RowRef[] {
    const own = findWord(this.zh, word);
    if (own >= 0) return [{ lang: 'zh', row: own, factor: 1 }];
    let rows = subWords(word).map((p) => findWord(this.zh, p)).filter((r) => r >= 0);
    if (rows.length === 0) rows = [...word].map((c) => findWord(this.zh, c)).filter((r) => r >= 0);
    return rows.map((row) => ({ lang: 'zh' as const, row, factor: 1 / rows.length }));
  }
}
