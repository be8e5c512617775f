// Per-item checks after parsing: an item holding text decoded from another encoding is rejected on its own (the
// rest of the document is ingested), and oversized fields are cut, each with a warning that names file:line.
import type { IngestWarning } from '../catalogue/types.js';
import { itemLabel, type Draft } from './draft.js';

/** Field caps, far above real papers (longest in 7,020: title 192, abstract 1,920, Chinese summary 907 characters). */
export const FIELD_LIMITS = {
  title: 1000,
  summary: 20_000,
  name: 300, // one author or affiliation
  names: 5000, // authors in one item (collaboration papers list thousands)
  category: 40,
  url: 2048,
} as const;

const REPLACEMENT = '\uFFFD';

/**
 * The items that may be ingested, and a warning for every rejected item and every cut field. `lines` are the
 * document's lines, to find where in an item a bad character sits.
 */
export function screenItems(file: string, drafts: Draft[], lines: string[]): { kept: Draft[]; warnings: IngestWarning[] } {
  const kept: Draft[] = [];
  const warnings: IngestWarning[] = [];
  drafts.forEach((d, i) => {
    const what = `item ${i + 1} "${itemLabel(d)}"`;
    if (hasReplacement(d)) {
      warnings.push({
        file,
        line: replacementLine(lines, d.line, drafts[i + 1]?.line ?? lines.length + 1) ?? d.line,
        message: `${what} rejected: it contains U+FFFD replacement characters (text decoded from a non-UTF-8 source); fix the text and ingest the document again`,
      });
      return;
    }
    warnings.push(...capFields(d).map((message) => ({ file, line: d.line, message: `${what}: ${message}` })));
    kept.push(d);
  });
  return { kept, warnings };
}

function replacementLine(lines: string[], from: number, to: number): number | undefined {
  for (let n = from; n < to; n++) if (lines[n - 1]?.includes(REPLACEMENT)) return n;
  return undefined;
}

function hasReplacement(d: Draft): boolean {
  const texts = [d.title.en, d.title.zh, d.summary.en, d.summary.zh, ...d.authors, ...d.affiliations, ...d.categories, ...d.links.map((l) => l.url)];
  return texts.some((t) => t?.includes(REPLACEMENT));
}

/** Cuts every over-long field in place; one message per field cut. */
function capFields(d: Draft): string[] {
  const notes: string[] = [];
  const cut = (field: string, value: string, max: number): string => {
    if (value.length <= max) return value; // UTF-16 length >= code points: cheap first test
    const points = [...value];
    if (points.length <= max) return value;
    notes.push(`${field} is ${points.length} characters, cut to ${max}`);
    return `${points.slice(0, max - 1).join('')}…`;
  };
  const cutAll = (field: string, values: string[], max: number) => values.map((v) => cut(field, v, max));
  if (d.title.en) d.title.en = cut('English title', d.title.en, FIELD_LIMITS.title);
  if (d.title.zh) d.title.zh = cut('Chinese title', d.title.zh, FIELD_LIMITS.title);
  if (d.summary.en) d.summary.en = cut('English abstract', d.summary.en, FIELD_LIMITS.summary);
  if (d.summary.zh) d.summary.zh = cut('Chinese summary', d.summary.zh, FIELD_LIMITS.summary);
  if (d.authors.length > FIELD_LIMITS.names) {
    notes.push(`${d.authors.length} authors, only the first ${FIELD_LIMITS.names} kept`);
    d.authors = d.authors.slice(0, FIELD_LIMITS.names);
  }
  d.authors = cutAll('an author name', d.authors, FIELD_LIMITS.name);
  d.affiliations = cutAll('an affiliation', d.affiliations, FIELD_LIMITS.name);
  d.categories = cutAll('a category', d.categories, FIELD_LIMITS.category);
  const links = d.links.filter((l) => l.url.length <= FIELD_LIMITS.url);
  if (links.length < d.links.length) notes.push(`${d.links.length - links.length} link(s) over ${FIELD_LIMITS.url} characters dropped`);
  d.links = links;
  return notes;
}
