// Token -> table rows. Known words map to their own row; unknown English words to the rows of their parts
// (compose.ts); unknown Chinese words to their dictionary sub-words, then to single characters.
import type { WordTable } from './table.ts';
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
    const parts = decompose(word, (w) => this.en.index.has(w));
    return parts.map((p) => ({ lang: 'en' as const, row: this.en.index.get(p)!, factor: 1 / parts.length }));
  }

  private resolveChinese(word: string): RowRef[] {
    const own = this.zh.index.get(word);
    if (own !== undefined) return [{ lang: 'zh', row: own, factor: 1 }];
    let parts = subWords(word).filter((p) => this.zh.index.has(p));
    if (parts.length === 0) parts = [...word].filter((c) => this.zh.index.has(c));
    return parts.map((p) => ({ lang: 'zh' as const, row: this.zh.index.get(p)!, factor: 1 / parts.length }));
  }
}
