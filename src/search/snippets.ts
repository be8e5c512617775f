// Snippets with matched terms wrapped in <mark>. Everything else is HTML-escaped, so a snippet can be inserted
// into a page as-is. Matching is by the same normalisation the lexical index uses (stems for English words,
// literal Chinese words), so "pretraining" in the text is marked for a query that matched the stem "pretrain".

export type Span = readonly [start: number, end: number];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const HAN = /\p{Script=Han}/u;
const WORD_PARTS = /[-'’]/;

/** A Latin-script word of a text: where it is and its normalised forms (the whole word, then each hyphen/apostrophe part). */
export interface TextWord {
  readonly start: number;
  readonly end: number;
  readonly forms: readonly string[];
}

/**
 * The Latin-script words of `text` with their normalised forms. This is the costly, query-independent half of
 * matching (a Unicode regex walk, lower-casing, stemming): callers that highlight the same texts again and again
 * compute it once per text and pass it to matchSpans.
 */
export function textWords(text: string, normalise: (word: string) => string): TextWord[] {
  const words: TextWord[] = [];
  for (const m of text.matchAll(WORD)) {
    if (HAN.test(m[0])) continue;
    const lower = m[0].toLowerCase();
    const forms = [normalise(lower)];
    const parts = lower.split(WORD_PARTS);
    if (parts.length > 1) {
      for (const p of parts) {
        if (!p) continue;
        const form = normalise(p);
        if (!forms.includes(form)) forms.push(form);
      }
    }
    words.push({ start: m.index, end: m.index + m[0].length, forms });
  }
  return words;
}

/**
 * Spans of `text` that match: Latin-script words whose normalised form (or the form of one of their parts) is in
 * `wordTerms`, and literal occurrences of the Chinese `hanTerms` (longest first, non-overlapping). `words` is
 * textWords(text, normalise), when the caller has it already.
 */
export function matchSpans(
  text: string,
  wordTerms: ReadonlySet<string>,
  normalise: (word: string) => string,
  hanTerms: readonly string[],
  words?: readonly TextWord[],
): Span[] {
  const spans: Span[] = [];
  if (wordTerms.size > 0) {
    for (const w of words ?? textWords(text, normalise)) {
      if (w.forms.some((f) => wordTerms.has(f))) spans.push([w.start, w.end]);
    }
  }
  if (hanTerms.length > 0) {
    const taken = new Uint8Array(text.length);
    for (const term of [...hanTerms].sort((a, b) => b.length - a.length)) {
      if (!term) continue;
      for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + term.length)) {
        if (overlaps(taken, at, at + term.length)) continue;
        taken.fill(1, at, at + term.length);
        spans.push([at, at + term.length]);
      }
    }
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

function overlaps(taken: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (taken[i]) return true;
  return false;
}

/** The window of at most `maxChars` characters holding the most spans, escaped, with spans marked. */
export function snippet(text: string, spans: readonly Span[], maxChars = 160): string {
  const clean = text.replace(/\s+/g, ' ');
  const squeezed = clean.length !== text.length ? matchSpansAfterSqueeze(text, spans) : spans;
  let start = 0;
  let best = -1;
  for (const [s] of squeezed) {
    const from = Math.max(0, s - 20);
    const count = squeezed.filter(([a, b]) => a >= from && b <= from + maxChars).length;
    if (count > best) {
      best = count;
      start = from;
    }
  }
  const end = Math.min(clean.length, start + maxChars);
  let out = start > 0 ? '…' : '';
  let at = start;
  for (const [a, b] of squeezed) {
    if (a < at || b > end) continue;
    out += escapeHtml(clean.slice(at, a)) + '<mark>' + escapeHtml(clean.slice(a, b)) + '</mark>';
    at = b;
  }
  out += escapeHtml(clean.slice(at, end));
  return end < clean.length ? out + '…' : out;
}

/** Maps spans onto the whitespace-collapsed text (runs of whitespace become one space). */
function matchSpansAfterSqueeze(text: string, spans: readonly Span[]): Span[] {
  const map = new Int32Array(text.length + 1);
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = j;
    const ws = /\s/.test(text[i]!);
    if (!ws || !(i > 0 && /\s/.test(text[i - 1]!))) j++;
  }
  map[text.length] = j;
  return spans.map(([a, b]) => [map[a]!, map[b]!] as const);
}
