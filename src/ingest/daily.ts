// Parser for the daily arXiv digest: numbered items "1、[CV] English title", an author line, "[affiliation]",
// a Chinese paragraph (Chinese title。summary), the English abstract and a link; then unnumbered items under
// "另外几篇值得关注的论文" with English title, Chinese title, authors, affiliation and link.
import type { IngestWarning } from '../catalogue/types.js';
import { addLink, appendParagraph, itemLabel, newDraft, preview, type Draft, type FormatResult } from './draft.js';
import { clean, hasCjk, isChromeLine, isImageLine, splitNames, urlsOnly } from './text.js';

const TAGS = String.raw`((?:\[[A-Za-z][\w.-]{0,11}\]\s*)+)`;
export const DAILY_NUMBERED = new RegExp(String.raw`^(\d{1,3})\s*[、.．]\s*${TAGS}(\S.*)$`);
export const DAILY_TAGGED = new RegExp(String.raw`^${TAGS}(\S.*)$`);
const AFFILIATION = /^\[(.+)\]$/;
const MORE_SECTION = /^(另外几篇值得关注的论文)\s*[:：]?$/;
// The Chinese paragraph opens with the Chinese title as its first sentence; longer "sentences" are not titles.
const MAX_ZH_TITLE = 100;

interface DailyDraft extends Draft {
  numbered: boolean;
  hasLink: boolean;
}

export function parseDaily(name: string, lines: string[]): FormatResult {
  const items: DailyDraft[] = [];
  const warnings: IngestWarning[] = [];
  let section = 'main';
  let open: DailyDraft | undefined;

  for (const [i, raw] of lines.entries()) {
    const lineNo = i + 1;
    const line = clean(raw);
    if (!line || isImageLine(line)) continue; // screenshots may sit anywhere in an item
    if (isChromeLine(line)) {
      open = undefined; // footer and widgets: the item, link or not, is over
      continue;
    }
    const start = DAILY_NUMBERED.exec(line) ?? DAILY_TAGGED.exec(line);
    if (start) {
      const numbered = start.length === 4;
      open = startItem(lineNo, numbered ? 'main' : section, numbered, start[numbered ? 2 : 1]!, start[numbered ? 3 : 2]!);
      items.push(open);
      continue;
    }
    const more = MORE_SECTION.exec(line);
    if (more) {
      open = undefined;
      section = more[1]!;
      continue;
    }
    if (!open) continue; // digest header, legend and summary lines
    if (!addLine(open, line)) {
      const where = open.hasLink ? 'text after the link of item' : 'unrecognised line in item';
      warnings.push({ file: name, line: lineNo, message: `${where} "${itemLabel(open)}" ignored: ${preview(line)}` });
      if (open.hasLink) open = undefined; // the item ended with its link
    }
  }

  return { format: 'daily', items, warnings, endsInsideItem: open !== undefined && !open.hasLink };
}

function startItem(line: number, section: string, numbered: boolean, tags: string, title: string): DailyDraft {
  const d: DailyDraft = { ...newDraft(line, section), numbered, hasLink: false };
  d.categories = [...tags.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
  if (hasCjk(title) && !/[A-Za-z]{3}/.test(title)) d.title.zh = title;
  else d.title.en = title;
  return d;
}

/** Files one line of an item's body into the right field; false when the line fits nowhere. */
function addLine(d: DailyDraft, line: string): boolean {
  const urls = urlsOnly(line);
  if (urls) {
    for (const url of urls) addLink(d, url);
    d.hasLink = true;
    return true;
  }
  if (d.hasLink) return false;
  const aff = AFFILIATION.exec(line);
  if (aff) {
    // "A & B & ..." (commas belong to names like "University of California, Irvine")
    d.affiliations.push(...aff[1]!.split(/\s+&\s+/).map(clean).filter((a) => a && !/^(\.{3,}|…+)$/.test(a)));
    return true;
  }
  if (hasCjk(line)) return addChinese(d, line);
  return addLatin(d, line);
}

function addChinese(d: DailyDraft, line: string): boolean {
  if (d.summary.en) return false; // Chinese after the English abstract is not part of the item
  if (!d.numbered && !d.title.zh) {
    d.title.zh = line;
    return true;
  }
  if (d.numbered && !d.title.zh && !d.summary.zh) {
    const stop = line.indexOf('。');
    if (stop > 0 && stop <= MAX_ZH_TITLE) {
      d.title.zh = line.slice(0, stop).trim();
      const rest = line.slice(stop + 1).trim();
      if (rest) d.summary.zh = rest;
      return true;
    }
  }
  d.summary.zh = appendParagraph(d.summary.zh, line, '\n\n');
  return true;
}

function addLatin(d: DailyDraft, line: string): boolean {
  // The author line comes before the affiliation and before the Chinese paragraph of a numbered item.
  const beforeBody = d.affiliations.length === 0 && !d.summary.en && !(d.numbered && (d.title.zh || d.summary.zh));
  if (d.authors.length === 0 && beforeBody && looksLikeNames(line)) {
    d.authors = splitNames(line);
    return true;
  }
  d.summary.en = appendParagraph(d.summary.en, line, '\n\n');
  return true;
}

// "B Ibarz, V Kurin, G Papamakarios..." — short comma-separated names, not a sentence.
function looksLikeNames(line: string): boolean {
  return line.length <= 400 && !/[.!?]\s+[A-Z][a-z]+\s+[a-z]+/.test(line) && splitNames(line).every((n) => n.split(' ').length <= 5);
}
