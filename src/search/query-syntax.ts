// The small query language inside `q` (after arxiv-sanity-X): field prefixes `au:`, `ti:`, `cat:`, `year:`,
// "exact phrases", and `-word` / `-"phrase"` exclusions; whatever is left is the free text the channels rank.
// Parsing is pure; what each part means for a paper is decided in query-filters.ts.
import { SearchInputError } from './errors.js';

export interface YearRange {
  from: number;
  to: number;
}

export interface ParsedQuery {
  /** The free text the channels rank (quotes, prefixes and exclusions taken out). */
  text: string;
  authors: string[];
  title: string[];
  categories: string[];
  years: YearRange[];
  phrases: string[];
  exclude: string[];
}

const FIELDS = ['au', 'ti', 'cat', 'year'] as const;
type Field = (typeof FIELDS)[number];

/**
 * One piece of the query: an optional `-` before a letter or a quote (so -1 stays a number), an optional known field
 * prefix, then a quoted string or a bare word. Unknown prefixes (`xx:`) are not matched as prefixes: plain text;
 * a quote with no closing one is plain text too.
 */
const PIECE = new RegExp(String.raw`(-(?=["\p{L}]))?(?:(${FIELDS.join('|')}):)?(?:"([^"]*)"|(\S+))`, 'giu');
const YEAR = /^(\d{4})(?:-(\d{4}))?$/;

export function parseQuery(q: string): ParsedQuery {
  const parsed: ParsedQuery = { text: '', authors: [], title: [], categories: [], years: [], phrases: [], exclude: [] };
  const text: string[] = [];
  for (const m of q.normalize('NFKC').matchAll(PIECE)) {
    const [whole, minus, field, quoted, bare] = m;
    const value = (quoted ?? bare?.replace(/"/g, '') ?? '').trim().replace(/\s+/g, ' ');
    if (value === '') continue;
    if (minus && !field) parsed.exclude.push(value);
    else if (field) addField(parsed, field.toLowerCase() as Field, value, whole);
    else if (quoted !== undefined) parsed.phrases.push(value);
    else text.push(value);
  }
  parsed.text = text.join(' ');
  return parsed;
}

function addField(parsed: ParsedQuery, field: Field, value: string, written: string): void {
  if (field === 'au') parsed.authors.push(value);
  else if (field === 'ti') parsed.title.push(value);
  else if (field === 'cat') parsed.categories.push(...value.split(',').filter(Boolean));
  else parsed.years.push(yearRange(value, written));
}

function yearRange(value: string, written: string): YearRange {
  const m = YEAR.exec(value);
  const from = Number(m?.[1]);
  const to = Number(m?.[2] ?? m?.[1]);
  if (!m || from > to) throw new SearchInputError('q', `${JSON.stringify(written)}: expected year:YYYY or year:YYYY-YYYY (from <= to)`);
  return { from, to };
}

/** The text the channels rank: the free text and the phrases' words (a phrase also restricts, see query-filters). */
export function rankedText(parsed: ParsedQuery): string {
  return [parsed.text, ...parsed.phrases].filter(Boolean).join(' ');
}
