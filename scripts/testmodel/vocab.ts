// A WordPiece vocabulary learned from a corpus (the seed newsletters), so the test model's tokenizer splits
// English into real word pieces and Chinese into characters, like the published multilingual tokenizers.

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
// BertPreTokenizer splits on Unicode punctuation and on all non-alphanumeric printable ASCII.
const SPLIT = /([\p{P}\p{S}\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])|\s+/u;

/** Approximates BertNormalizer (lowercase) + BertPreTokenizer, enough to count words and characters. */
export function preTokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(SPLIT)
    .filter((t): t is string => !!t);
}

function countInto(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Keys sorted by descending count, ties by code point order, so the vocabulary is deterministic. */
function byFrequency(map: Map<string, number>, minCount = 1): string[] {
  return [...map.entries()]
    .filter(([, n]) => n >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k]) => k);
}

interface CorpusCounts {
  chars: Map<string, number>;
  wordChars: Map<string, number>;
  words: Map<string, number>;
  suffixes: Map<string, number>;
}

function countCorpus(corpus: string): CorpusCounts {
  const c: CorpusCounts = { chars: new Map(), wordChars: new Map(), words: new Map(), suffixes: new Map() };
  for (const tok of preTokenize(corpus)) {
    const chars = [...tok];
    chars.forEach((ch) => countInto(c.chars, ch));
    if (chars.length < 2 || CJK.test(tok)) continue;
    chars.slice(1).forEach((ch) => countInto(c.wordChars, ch));
    countInto(c.words, tok);
    for (let len = 2; len <= Math.min(5, chars.length - 1); len++) countInto(c.suffixes, chars.slice(-len).join(''));
  }
  return c;
}

const BASE_CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];

/**
 * Builds exactly `size` tokens: specials, every character (and its ## continuation form), then whole words and
 * frequent ## suffixes by frequency; any room left is filled with the remaining CJK ideographs, then [unusedN].
 */
export function buildWordPieceVocab(corpus: string, size: number): string[] {
  const counts = countCorpus(corpus);
  const vocab: string[] = [];
  const seen = new Set<string>();
  const add = (t: string) => {
    if (vocab.length < size && !seen.has(t)) {
      seen.add(t);
      vocab.push(t);
    }
  };
  const required = [
    ...SPECIAL_TOKENS,
    ...BASE_CHARS,
    ...byFrequency(counts.chars),
    ...BASE_CHARS.map((ch) => `##${ch}`),
    ...byFrequency(counts.wordChars).map((ch) => `##${ch}`),
  ];
  const requiredCount = new Set(required).size;
  if (requiredCount > size) throw new Error(`vocabSize ${size} is too small for this corpus: need at least ${requiredCount} for characters and specials`);
  required.forEach(add);
  const pieces = new Map<string, number>();
  counts.words.forEach((n, w) => pieces.set(w, n));
  counts.suffixes.forEach((n, s) => n >= 2 && pieces.set(`##${s}`, n));
  byFrequency(pieces).forEach(add);
  for (let cp = 0x4e00; cp <= 0x9fff && vocab.length < size; cp++) add(String.fromCodePoint(cp));
  for (let i = 0; vocab.length < size; i++) add(`[unused${i}]`);
  return vocab;
}
