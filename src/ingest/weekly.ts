// Parser for the weekly digest 《预训练周刊》: items start at "标题:机构|English title(中文标题)了解详情",
// followed by "作者:", "简介:" and labelled link lines ("论文地址:", "代码下载:", "Hub地址:" ...).
import type { IngestWarning } from '../catalogue/types.js';
import { addLink, appendParagraph, appendWrapped, itemLabel, newDraft, preview, type Draft, type FormatResult } from './draft.js';
import { clean, hasCjk, hasLatin, isChromeLine, splitNames, urlsOnly } from './text.js';

export const WEEKLY_ITEM = /^标题\s*[:：]/;
const FIELD = /^(作者|简介|摘要|机构|单位)\s*[:：]\s*(.*)$/;
const LINK_LINE = /^([^:：\s]{1,12})\s*[:：]\s*(https?:\/\/\S+)\s*$/;
// Section headings are short bare Chinese lines (论文推荐, 研究动态); the page's nav menu looks the same, harmlessly.
// Inside an item that has no link yet, only the known names count: other short lines there are item text.
const SECTION = /^[\u4e00-\u9fff]{2,8}$/;
const KNOWN_SECTIONS = new Set(['论文推荐', '研究动态', '新闻动态', '行业动态', '资源推荐', '观点', '资源', '活动', '教程']);

export function parseWeekly(name: string, lines: string[]): FormatResult {
  const items: Draft[] = [];
  const warnings: IngestWarning[] = [];
  let section: string | undefined;
  let open: Draft | undefined;
  let hasLink = false;
  let inSummary = false; // the previous line belonged to the 简介 paragraph

  const close = () => {
    open = undefined;
    inSummary = false;
  };

  for (const [i, raw] of lines.entries()) {
    const lineNo = i + 1;
    const line = clean(raw);
    if (!line) {
      inSummary = false;
      continue;
    }
    if (WEEKLY_ITEM.test(line)) {
      open = newDraft(lineNo, section);
      Object.assign(open, parseTitleLine(line.replace(WEEKLY_ITEM, '')));
      items.push(open);
      hasLink = false;
      inSummary = false;
      continue;
    }
    // an open item's own fields and links are its text, whatever words they hold
    const itemLine = open !== undefined && (FIELD.test(line) || LINK_LINE.test(line));
    if (!itemLine && isChromeLine(line)) {
      close(); // images and page widgets follow an item's last line; nothing after them belongs to it
      continue;
    }
    if (SECTION.test(line) && (!open || hasLink || KNOWN_SECTIONS.has(line))) {
      close();
      section = line;
      continue;
    }
    if (!open) continue; // intro prose and page text between items
    const link = LINK_LINE.exec(line);
    const field = FIELD.exec(line);
    const urls = urlsOnly(line);
    if (link) {
      addLink(open, link[2]!, link[1]);
      hasLink = true;
      inSummary = false;
    } else if (field) {
      applyField(open, field[1]!, field[2]!);
      inSummary = field[1] === '简介' || field[1] === '摘要';
    } else if (inSummary) {
      open.summary.zh = appendWrapped(open.summary.zh, line);
    } else if (urls) {
      for (const url of urls) addLink(open, url);
      hasLink = true;
    } else if (hasLink) {
      // the item ended with its links; say so rather than silently dropping text that may belong to it
      warnings.push({ file: name, line: lineNo, message: `text after the links of item "${itemLabel(open)}" ignored: ${preview(line)}` });
      close();
    } else {
      warnings.push({ file: name, line: lineNo, message: `unrecognised line in item "${itemLabel(open)}" ignored: ${preview(line)}` });
    }
  }

  return {
    format: 'weekly',
    ...documentHeading(lines),
    items,
    warnings,
    endsInsideItem: open !== undefined,
    announced: announcedCounts(lines),
  };
}

function applyField(d: Draft, label: string, value: string): void {
  const v = clean(value);
  if (!v) return;
  if (label === '作者') d.authors = splitNames(v);
  else if (label === '机构' || label === '单位') d.affiliations = splitNames(v);
  else d.summary.zh = appendParagraph(d.summary.zh, v, '\n\n');
}

/** "机构|English title(中文标题)了解详情" -> affiliations, English and Chinese title. */
export function parseTitleLine(text: string): Pick<Draft, 'title' | 'affiliations'> {
  let rest = clean(text).replace(/\s*了解详情\s*$/, '');
  let affiliations: string[] = [];
  const bar = rest.search(/[|｜]/);
  if (bar > 0 && bar < 80) {
    affiliations = splitNames(rest.slice(0, bar));
    rest = rest.slice(bar + 1).trim();
  }
  const paren = splitTrailingParenthetical(rest);
  if (paren && hasCjk(paren.inside) && hasLatin(paren.before) && !hasCjk(paren.before)) {
    return { affiliations, title: { en: paren.before, zh: paren.inside } };
  }
  if (!hasCjk(rest)) return { affiliations, title: { en: rest } };
  return { affiliations, title: { zh: rest } };
}

/** Splits "Title (ABC)(中文 (X) 标题)" into the text before the last balanced group at the end, and its inside. */
export function splitTrailingParenthetical(s: string): { before: string; inside: string } | undefined {
  if (!/[)）]$/.test(s)) return undefined;
  let depth = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s[i];
    if (c === ')' || c === '）') depth++;
    else if (c === '(' || c === '（') {
      depth--;
      if (depth === 0) {
        const before = s.slice(0, i).trim();
        const inside = s.slice(i + 1, -1).trim();
        return before && inside ? { before, inside } : undefined;
      }
    }
  }
  return undefined;
}

function documentHeading(lines: string[]): { title?: string; issue?: string } {
  const first = lines.map(clean).find((l) => l.length > 0);
  const title = first && !WEEKLY_ITEM.test(first) ? first : undefined;
  const text = lines.slice(0, 40).join('\n');
  const issue = /第\s*(\d+)\s*期/.exec(title ?? '')?.[1] ?? /^No\.\s*(\d+)\s*$/m.exec(text)?.[1];
  return { ...(title ? { title } : {}), ...(issue ? { issue } : {}) };
}

// "本期周刊,我们选择了11篇预训练相关的论文…此外,在研究动态方面,我们选择了1篇预训练资讯"
function announcedCounts(lines: string[]): FormatResult['announced'] {
  const at = lines.findIndex((l) => /本期周刊.*选择了\s*\d+\s*篇/.test(l));
  if (at < 0) return undefined;
  const counts: Record<string, number> = {};
  const papers = /选择了\s*(\d+)\s*篇[^,，。;；]*论文/.exec(lines[at]!);
  const news = /选择了\s*(\d+)\s*篇[^,，。;；]*资讯/.exec(lines[at]!);
  if (papers) counts['论文推荐'] = Number(papers[1]);
  if (news) counts['研究动态'] = Number(news[1]);
  return Object.keys(counts).length ? { line: at + 1, counts } : undefined;
}
