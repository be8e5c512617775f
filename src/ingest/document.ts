// One newsletter document: read and validate the file, detect its format, parse it into items with provenance.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DocumentFormat, DocumentRecord, IngestWarning, ParsedPaper } from '../catalogue/types.js';
import { DAILY_NUMBERED, DAILY_TAGGED, parseDaily } from './daily.js';
import { itemLabel, toParsedPaper, type Draft, type FormatResult } from './draft.js';
import { IngestError } from './errors.js';
import { screenItems } from './screen.js';
import { clean, normaliseText } from './text.js';
import { parseWeekly, WEEKLY_ITEM } from './weekly.js';

export { IngestError };

/** Newsletters are a few hundred KB at most; anything far larger is not one. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** Reads a newsletter file as UTF-8 text, rejecting empty, binary, non-UTF-8, cut-off and oversized files. */
export async function readDocumentFile(path: string): Promise<{ name: string; text: string }> {
  const name = basename(path);
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new IngestError(path, err.code === 'ENOENT' ? 'no such file' : `cannot read (${err.code ?? err.message})`);
  });
  if (!info.isFile()) throw new IngestError(path, 'not a regular file');
  if (info.size > MAX_DOCUMENT_BYTES) throw new IngestError(path, `too large (${info.size} bytes, limit ${MAX_DOCUMENT_BYTES})`);
  const bytes = await readFile(path);
  return { name, text: decodeDocument(path, bytes) };
}

/**
 * Decodes bytes as UTF-8, naming the file and byte offset of whatever makes it unreadable. A few stray invalid
 * bytes in an otherwise UTF-8 file (at most one per KB, and 8 in all) are decoded as U+FFFD, so only the items
 * holding them are rejected; more than that means another encoding (GBK, Latin-1), and the file is refused.
 */
export function decodeDocument(file: string, bytes: Uint8Array): string {
  if (bytes.length === 0) throw new IngestError(file, 'empty file');
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new IngestError(file, `binary content (NUL byte at offset ${nul}), expected a UTF-8 text newsletter`);
  const bad = invalidUtf8(bytes);
  const tolerated = Math.min(MAX_STRAY_BYTES, Math.max(1, Math.floor(bytes.length / 1024)));
  if (bad.count > tolerated)
    throw new IngestError(file, `not valid UTF-8 (byte 0x${bytes[bad.first!]!.toString(16)} at offset ${bad.first}); convert it to UTF-8`);
  if (bad.truncated) throw new IngestError(file, 'truncated: the file ends in the middle of a UTF-8 character');
  return new TextDecoder('utf-8').decode(bytes);
}

const MAX_STRAY_BYTES = 8;

/** The invalid sequences in bytes (how many, the first one's offset), and whether the last character is cut off. */
function invalidUtf8(bytes: Uint8Array): { count: number; first?: number; truncated: boolean } {
  let count = 0;
  let first: number | undefined;
  for (let i = 0; i < bytes.length; ) {
    const need = sequenceLength(bytes, i);
    if (need === 'truncated') return { count, first, truncated: true };
    if (need > 0) {
      i += need;
      continue;
    }
    count++;
    first ??= i;
    i++;
  }
  return { count, first, truncated: false };
}

/** Length of the valid UTF-8 sequence starting at i, 0 when it is invalid, 'truncated' when the bytes end inside it. */
function sequenceLength(bytes: Uint8Array, i: number): number | 'truncated' {
  const b = bytes[i]!;
  const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
  if (need < 0) return 0;
  for (let k = 1; k <= need; k++) {
    if (i + k >= bytes.length) return 'truncated';
    const c = bytes[i + k]!;
    if ((c & 0xc0) !== 0x80) return 0;
    // reject overlong forms and surrogates the decoder would also refuse
    if (k === 1 && ((b === 0xe0 && c < 0xa0) || (b === 0xed && c > 0x9f) || (b === 0xf0 && c < 0x90) || (b === 0xf4 && c > 0x8f))) return 0;
  }
  return need + 1;
}

/** Which newsletter format a text is in: the one whose item openings it contains most, undefined for neither. */
export function detectFormat(lines: string[]): DocumentFormat | undefined {
  let weekly = 0;
  let daily = 0;
  for (const raw of lines) {
    const line = clean(raw);
    if (WEEKLY_ITEM.test(line)) weekly++;
    else if (DAILY_NUMBERED.test(line) || DAILY_TAGGED.test(line)) daily++;
  }
  if (weekly === 0 && daily === 0) return undefined;
  return weekly >= daily ? 'weekly' : 'daily';
}

/**
 * Parses one newsletter into a DocumentRecord (items with provenance) and warnings (`file:line: message`).
 * Throws IngestError naming the document when it is empty, binary, in no known format or cut off; an item that
 * cannot be trusted (replacement characters) is left out with a warning instead, and the rest is ingested.
 */
export function parseDocument(name: string, text: string): { record: DocumentRecord; warnings: IngestWarning[] } {
  if (!name.trim()) throw new IngestError('(unnamed)', 'document name is empty');
  if (text.includes('\u0000')) throw new IngestError(name, 'binary content (NUL character), expected a text newsletter');
  const lines = normaliseText(text).split('\n');
  if (lines.every((l) => !clean(l))) throw new IngestError(name, 'empty document (only whitespace)');
  const format = detectFormat(lines);
  if (!format)
    throw new IngestError(name, 'unrecognised format: expected a weekly digest ("标题:…" items) or a daily arXiv digest ("1、[CV] Title" items)');
  const result = format === 'weekly' ? parseWeekly(name, lines) : parseDaily(name, lines);
  checkNotTruncated(name, result);
  // items are screened one by one: a bad one is rejected with file:line, the others are ingested
  const screened = screenItems(name, result.items, lines);
  const index = new Map(result.items.map((d, i) => [d, i]));
  const items = screened.kept.map((d) => toParsedPaper(d, sourceOf(name, result, d, index.get(d)!)));
  const record: DocumentRecord = {
    name,
    sha256: sha256(text),
    format,
    ...(result.title ? { title: result.title } : {}),
    ...(result.issue ? { issue: result.issue } : {}),
    ingestedAt: new Date().toISOString(),
    items,
  };
  return { record, warnings: [...result.warnings, ...screened.warnings, ...completenessWarnings(name, result.items, new Set(screened.kept)), ...countWarnings(name, result)] };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function sourceOf(name: string, r: FormatResult, d: Draft, index: number): ParsedPaper['source'] {
  return {
    document: name,
    ...(r.title ? { documentTitle: r.title } : {}),
    ...(r.issue ? { issue: r.issue } : {}),
    format: r.format,
    ...(d.section ? { section: d.section } : {}),
    position: index + 1,
    line: d.line,
  };
}

// A document that stops inside an item which never got its link, or that stops before the papers its intro
// announces, was cut off (an interrupted download or copy); ingesting it would silently lose papers.
function checkNotTruncated(name: string, r: FormatResult): void {
  const last = r.items[r.items.length - 1];
  if (!last) return;
  if (r.endsInsideItem && last.links.length === 0)
    throw new IngestError(name, `truncated: the document ends inside item ${r.items.length} "${itemLabel(last)}" before its link`, last.line);
  const short = shortSections(r);
  if (r.endsInsideItem && short.length > 0)
    throw new IngestError(name, `truncated: the document ends inside item ${r.items.length} but announces ${short.join(', ')}`, last.line);
}

/** Announced vs found item counts per section, for documents whose intro announces them. */
function sectionCounts(r: FormatResult): { section: string; announced: number; found: number }[] {
  return Object.entries(r.announced?.counts ?? {}).map(([section, announced]) => ({
    section,
    announced,
    found: r.items.filter((d) => d.section === section).length,
  }));
}

function shortSections(r: FormatResult): string[] {
  return sectionCounts(r)
    .filter((c) => c.found < c.announced)
    .map((c) => `${c.announced} items in ${c.section} (found ${c.found})`);
}

function countWarnings(name: string, r: FormatResult): IngestWarning[] {
  return sectionCounts(r)
    .filter((c) => c.found !== c.announced)
    .map((c) => ({ file: name, line: r.announced!.line, message: `the document announces ${c.announced} items in ${c.section} but ${c.found} were found` }));
}

function completenessWarnings(name: string, drafts: Draft[], kept: Set<Draft>): IngestWarning[] {
  const out: IngestWarning[] = [];
  drafts.forEach((d, i) => {
    if (!kept.has(d)) return; // rejected, and said so
    const what = `item ${i + 1} "${itemLabel(d)}"`;
    if (!d.title.en) out.push({ file: name, line: d.line, message: `${what} has no English title` });
    if (d.authors.length === 0) out.push({ file: name, line: d.line, message: `${what} has no authors` });
    if (d.links.length === 0) out.push({ file: name, line: d.line, message: `${what} has no link` });
  });
  return out;
}
