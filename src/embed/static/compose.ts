// Vectors for English words the word list lacks (pretraining, self-supervised, autoencoders, tokenizer):
// built from their parts. Used at build time for glossary terms and at embed time for any unknown word.
import { stem } from '../../lang/english.ts';

// Longest first so "multi" wins over "mult"-like partial matches; all are productive in ML writing.
const PREFIXES = [
  'hyper', 'inter', 'intra', 'micro', 'macro', 'multi', 'super', 'cross', 'pseudo', 'under', 'trans', 'auto',
  'self', 'semi', 'meta', 'mini', 'over', 'post', 'anti', 'non', 'pre', 'sub', 'uni', 'bi', 'co', 'de', 're', 'un',
].sort((a, b) => b.length - a.length);

/**
 * The known words an unknown word decomposes into, or [] if none: hyphen/apostrophe parts, a singular form,
 * a productive prefix plus a known rest, or the Porter stem.
 */
export function decompose(word: string, known: (w: string) => boolean, depth = 0): string[] {
  if (known(word)) return [word];
  if (depth > 2) return [];
  if (/['-]/.test(word)) {
    return word.split(/['-]/).flatMap((p) => (p.length > 1 ? decompose(p, known, depth + 1) : []));
  }
  for (const singular of [word.replace(/ies$/, 'y'), word.replace(/es$/, ''), word.replace(/s$/, '')]) {
    if (singular !== word && singular.length > 2 && known(singular)) return [singular];
  }
  for (const prefix of PREFIXES) {
    const rest = word.slice(prefix.length);
    if (word.startsWith(prefix) && rest.length >= 3) {
      const restParts = decompose(rest, known, depth + 1);
      if (restParts.length > 0) return known(prefix) ? [prefix, ...restParts] : restParts;
    }
  }
  const stemmed = stem(word);
  if (stemmed !== word && stemmed.length > 2) {
    if (known(stemmed)) return [stemmed];
    for (const suffix of ['e', 'ize', 'ing', 'ion']) if (known(stemmed + suffix)) return [stemmed + suffix];
  }
  return [];
}
