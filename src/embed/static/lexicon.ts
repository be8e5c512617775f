// Token -> table rows. Known words map to their own row; unknown English words to the rows of their parts
// (compose.ts); unknown Chinese words to their dictionary sub-words, then to single characters.
import { findWord, type WordTable } from './table.ts';
import type { Token, TokenLang } from '../../lang/text.ts';
import { decompose } from './compose.ts';

export interface RowRef {
  lang: TokenLang;
  row: number;
  factor: number; // share of the token's weight (parts of a composed word split one word's weight)
}

const CACHE_LIMIT = 200_000;
const MAX_PIECE = 6; // longest dictionary piece tried when covering an unknown Chinese word

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
    const rows = this.maxMatch([...word]);
    return rows.map((row) => ({ lang: 'zh' as const, row, factor: 1 / rows.length }));
  }

  /**
   * A word the tables lack (a new compound, a name jieba's HMM glued together) is covered left to right by the
   * longest known pieces, down to single characters; characters with no entry are skipped.
   */
  private maxMatch(chars: string[]): number[] {
    const rows: number[] = [];
    for (let i = 0; i < chars.length; ) {
      let step = 1;
      for (let len = Math.min(MAX_PIECE, chars.length - i); len >= 1; len--) {
        const row = findWord(this.zh, chars.slice(i, i + len).join(''));
        if (row >= 0) {
          rows.push(row);
          step = len;
          break;
        }
      }
      i += step;
    }
    return rows;
  }
}
