// Long-text policy: instead of silently truncating (which would drop the end of a long abstract or summary), a text
// longer than the model's window is split at sentence boundaries into windows that each fit; the caller embeds
// every window and averages the vectors weighted by their token counts.

export interface TextWindow {
  text: string;
  tokens: number;
}

// Sentence ends in English and Chinese (。！？；), plus line breaks; the delimiter stays with its sentence.
const SENTENCE_END = /(?<=[.!?;。！？；\n])\s*/u;

/**
 * Splits `text` into windows of at most `budget` tokens (as counted by `countTokens`), packing whole sentences
 * greedily; a single sentence longer than the budget is cut in halves (at a space when one is near) until each
 * piece fits. A text that already fits comes back as one window, unchanged.
 */
export function splitIntoWindows(text: string, budget: number, countTokens: (s: string) => number): TextWindow[] {
  if (budget < 1) throw new Error(`splitIntoWindows: budget must be >= 1 token, got ${budget}`);
  const whole = countTokens(text);
  if (whole <= budget) return [{ text, tokens: whole }];
  const pieces = text
    .split(SENTENCE_END)
    .filter((s) => s.trim() !== '')
    .flatMap((s) => fitPiece(s, budget, countTokens));
  const windows: TextWindow[] = [];
  let current: TextWindow | undefined;
  for (const p of pieces) {
    const joined = current ? joinText(current.text, p.text) : p.text;
    const tokens = current ? countTokens(joined) : p.tokens;
    if (current && tokens > budget) {
      windows.push(current);
      current = p;
    } else {
      current = { text: joined, tokens };
    }
  }
  if (current) windows.push(current);
  return windows;
}

function fitPiece(s: string, budget: number, countTokens: (s: string) => number): TextWindow[] {
  const tokens = countTokens(s);
  if (tokens <= budget || [...s].length < 2) return [{ text: s, tokens: Math.min(tokens, budget) }];
  const [a, b] = halve(s);
  return [...fitPiece(a, budget, countTokens), ...fitPiece(b, budget, countTokens)];
}

/** Cuts near the middle, preferring a space within the middle third so English words stay whole. */
function halve(s: string): [string, string] {
  const chars = [...s];
  const mid = Math.floor(chars.length / 2);
  const lo = Math.floor(chars.length / 3);
  let cut = mid;
  for (let d = 0; mid - d > lo; d++) {
    if (chars[mid + d] === ' ') {
      cut = mid + d;
      break;
    }
    if (chars[mid - d] === ' ') {
      cut = mid - d;
      break;
    }
  }
  const head = chars.slice(0, cut).join('');
  return [head, s.slice(head.length)];
}

/** Joins sentences back with the space the split removed; Chinese sentences join without one. */
function joinText(a: string, b: string): string {
  return /[\u3000-\u9fff\uff00-\uffef]$/u.test(a) ? a + b : `${a} ${b}`;
}

/** Token-weighted mean of unit vectors, re-normalised to unit length. */
export function combineWindowVectors(vectors: Float32Array[], weights: number[]): Float32Array {
  const dim = vectors[0]!.length;
  const out = new Float32Array(dim);
  vectors.forEach((v, i) => {
    const w = weights[i]!;
    for (let d = 0; d < dim; d++) out[d]! += w * v[d]!;
  });
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += out[d]! * out[d]!;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dim; d++) out[d]! /= norm;
  return out;
}
