// Parser for the daily arXiv digest: numbered items "1、[CV] English title", an author line, "[affiliation]",
// a Chinese paragraph (Chinese title。summary), the English abstract and a link; then unnumbered items under
// "另外几篇值得关注的论文" with English title, Chinese title, authors, affiliation and link.
import type { IngestWarning } from '../catalogue/types.js';
import { addLink, appendParagraph, itemLabel, newDraft, preview, type Draft, type FormatResult } from './draft.js';
import { clean, hasCjk, isChromeLine, isImageLine, splitNames, urlsOnly } from './text.js';

// Items are tagged with arXiv categories: the full form of any archive ([cs.LG], [stat.ML], [eess.IV],
// [physics.comp-ph], [cond-mat.mtrl-sci], [quant-ph]) or a bare subject class ([LG], [CV]). Only these count, so an
// abstract that opens with a bracketed word ("[Context] …", "[Abridged] …") is not taken for a new item.
const ARCHIVES = 'cs|econ|eess|math|physics|q-bio|q-fin|stat|astro-ph|cond-mat|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|nlin|nucl-ex|nucl-th|quant-ph';
const CATEGORY = String.raw`(?:(?:${ARCHIVES})(?:\.[A-Za-z]{2,}(?:-[a-z]{2,})?)?|[A-Z]{2})`;
const TAGS = String.raw`((?:\[${CATEGORY}\]\s*)+)`;
export const DAILY_NUMBERED = new RegExp(String.raw`^(\d{1,3})\s*[、.．]\s*${TAGS}(\S.*)$`);
export const DAILY_TAGGED = new RegExp(String.raw`^${TAGS}(\S.*)$`);
const AFFILIATION = /^\[(.+)\]$/;
const MORE_SECTION = /^(另外几篇值得关注的论文)\s*[:：]?$/;
// The digest's opening "摘要:" line lists every item's Chinese title, separated by 、.
const TITLE_LIST = /^摘要\s*[:：]\s*(.+)$/;
// The Chinese paragraph opens with the Chinese title as its first sentence; longer "sentences" are not titles.
const MAX_ZH_TITLE = 100;
// Where that first sentence may end: 。 (not part of the title), or ？！?! (part of it, e.g. "…可靠吗?").
// A "." ends it only when the title list confirms it: decimals and abbreviations use it too.
const ZH_TITLE_END = /[。？！?!.]/g;

interface DailyDraft extends Draft {
  numbered: boolean;
  hasLink: boolean;
}

export function parseDaily(name: string, lines: string[]): FormatResult {
  const items: DailyDraft[] = [];
  const warnings: IngestWarning[] = [];
  let section = 'main';
  let open: DailyDraft | undefined;
  let titleList: string | undefined;

  for (const [i, raw] of lines.entries()) {
    const lineNo = i + 1;
    const line = clean(raw);
    if (!line || isImageLine(line)) continue; // screenshots may sit anywhere in an item
    if (isChromeLine(line)) {
      open = undefined; // footer and widgets: the item, link or not, is over
      continue;
    }
    // inside a numbered item's text (no link yet), a tagged line is that text, not an unnumbered item
    const start = DAILY_NUMBERED.exec(line) ?? (inBody(open) ? null : DAILY_TAGGED.exec(line));
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
    if (!open) {
      titleList ??= TITLE_LIST.exec(line)?.[1];
      continue; // digest header, legend and summary lines
    }
    if (!addLine(open, line, titleList)) {
      const where = open.hasLink ? 'text after the link of item' : 'unrecognised line in item';
      warnings.push({ file: name, line: lineNo, message: `${where} "${itemLabel(open)}" ignored: ${preview(line)}` });
      if (open.hasLink) open = undefined; // the item ended with its link
    }
  }

  return { format: 'daily', items, warnings, endsInsideItem: open !== undefined && !open.hasLink };
}

function inBody(d: DailyDraft | undefined): boolean {
  return d !== undefined && d.numbered && !d.hasLink && (d.title.zh !== undefined || d.summary.zh !== undefined || d.summary.en !== undefined);
}

function startItem(line: number, section: string, numbered: boolean, tags: string, title: string): DailyDraft {
  const d: DailyDraft = { ...newDraft(line, section), numbered, hasLink: false };
  d.categories = [...tags.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
  if (hasCjk(title) && !/[A-Za-z]{3}/.test(title)) d.title.zh = title;
  else d.title.en = title;
  return d;
}

/** Files one line of an item's body into the right field; false when the line fits nowhere. */
function addLine(d: DailyDraft, line: string, titleList: string | undefined): boolean {
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
  if (hasCjk(line)) return addChinese(d, line, titleList);
  return addLatin(d, line);
}

function addChinese(d: DailyDraft, line: string, titleList: string | undefined): boolean {
  // Latin text before a numbered item's Chinese paragraph can only be its author line, however unusual the names
  if (d.numbered && d.authors.length === 0 && !d.title.zh && !d.summary.zh && d.summary.en && !d.summary.en.includes('\n')) {
    d.authors = splitNames(d.summary.en);
    delete d.summary.en;
  }
  if (d.summary.en) return false; // Chinese after the English abstract is not part of the item
  if (!d.numbered && !d.title.zh) {
    d.title.zh = line;
    return true;
  }
  if (d.numbered && !d.title.zh && !d.summary.zh) {
    const split = splitZhTitle(line, titleList);
    if (split) {
      d.title.zh = split.title;
      if (split.rest) d.summary.zh = split.rest;
      return true;
    }
  }
  d.summary.zh = appendParagraph(d.summary.zh, line, '\n\n');
  return true;
}

/** "中文标题。摘要…" -> title and rest: the first sentence end the digest's title list confirms, else the first 。？！?!. */
function splitZhTitle(paragraph: string, titleList: string | undefined): { title: string; rest: string } | undefined {
  const cuts = [...paragraph.slice(0, MAX_ZH_TITLE + 1).matchAll(ZH_TITLE_END)].map((m) => {
    const end = m.index + (m[0] === '。' ? 0 : 1);
    return { title: paragraph.slice(0, end).trim(), rest: paragraph.slice(m.index + 1).trim(), dot: m[0] === '.' };
  });
  const listed = titleList && cuts.find((c) => c.title && `、${titleList}、`.includes(`、${c.title}、`));
  return listed || cuts.find((c) => c.title && !c.dot);
}

function addLatin(d: DailyDraft, line: string): boolean {
  // The author line comes before the affiliation and the body: for a numbered item, before the Chinese paragraph;
  // an unnumbered item has no abstract, so its first Latin line is the author line.
  const beforeBody = d.affiliations.length === 0 && !d.summary.en && !d.summary.zh && !(d.numbered && d.title.zh);
  if (d.authors.length === 0 && beforeBody && (!d.numbered || looksLikeNames(line))) {
    d.authors = splitNames(line);
    return true;
  }
  d.summary.en = appendParagraph(d.summary.en, line, '\n\n');
  return true;
}

// Prose has function words; author lists have none, however long they are (1,000+ names), however the names are
// spelled ("M V d S d Oliveira", glued "SantosCarlos Henrique") or abbreviated.
const PROSE_WORD = /(?:^|[\s,(])(?:the|of|we|our|is|are|was|were|this|that|these|with|for|to|in|on|by|from|which|can|be|an|as)(?=[\s,.;:)]|$)/;

function looksLikeNames(line: string): boolean {
  if (PROSE_WORD.test(line) || /[.!?]\s+[A-Z][a-z]+\s+[a-z]+/.test(line)) return false;
  const words = line.split(/[\s,，、;；]+/).filter((w) => /\p{L}/u.test(w));
  // names are capitalised (or written in a script without case); particles like "da", "van" are the exception
  const capitalised = words.filter((w) => /^[^\p{Ll}]/u.test(w)).length;
  return words.length > 0 && capitalised >= words.length / 2;
}
