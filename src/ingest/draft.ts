// The mutable item a parser fills while walking a document's lines, and what a format parser returns.
import type { DocumentFormat, IngestWarning, LinkKind, ParsedPaper } from '../catalogue/types.js';
import { classifyLink } from './links.js';

/** A ParsedPaper in the making: its provenance is completed from `line` and `section` when the item closes. */
export type Draft = Omit<ParsedPaper, 'source'> & {
  line: number; // 1-based line of the item's first line
  section?: string;
};

export interface FormatResult {
  format: DocumentFormat;
  title?: string;
  issue?: string;
  items: Draft[];
  warnings: IngestWarning[];
  /** The document ends inside its last item (no closing line after it): a hint the text was cut off. */
  endsInsideItem: boolean;
  /** Items the document announces per section (weekly intro "选择了11篇…论文") and the line saying so. */
  announced?: { line: number; counts: Record<string, number> };
}

export function newDraft(line: number, section?: string): Draft {
  return { line, section, title: {}, authors: [], affiliations: [], categories: [], summary: {}, links: [] };
}

/** Adds a link once; a label such as 代码下载 decides the kind when the URL alone says nothing. */
export function addLink(draft: Draft, url: string, label?: string): void {
  if (draft.links.some((l) => l.url === url)) return;
  let kind: LinkKind = classifyLink(url);
  if (kind === 'other' && label) {
    if (/代码|code/i.test(label)) kind = 'code';
    else if (/论文|paper|pdf/i.test(label)) kind = /\.pdf($|[?#])/i.test(url) ? 'pdf' : 'paper';
  }
  draft.links.push({ kind, url });
}

export function appendParagraph(existing: string | undefined, text: string, joiner: string): string {
  return existing ? `${existing}${joiner}${text}` : text;
}

/** Joins a wrapped line onto the previous one: Chinese needs no space between lines, Latin words do. */
export function appendWrapped(existing: string | undefined, text: string): string {
  if (!existing) return text;
  const latinJoint = /[A-Za-z0-9,.;:!?)]$/.test(existing) && /^[A-Za-z0-9(]/.test(text);
  return `${existing}${latinJoint ? ' ' : ''}${text}`;
}

export function toParsedPaper(d: Draft, source: ParsedPaper['source']): ParsedPaper {
  return {
    title: { ...(d.title.en ? { en: d.title.en } : {}), ...(d.title.zh ? { zh: d.title.zh } : {}) },
    authors: d.authors,
    affiliations: d.affiliations,
    categories: d.categories,
    summary: { ...(d.summary.zh ? { zh: d.summary.zh } : {}), ...(d.summary.en ? { en: d.summary.en } : {}) },
    links: d.links,
    source,
  };
}

/** How warnings name an item: its title, or its line when it has none. */
export function itemLabel(d: Draft): string {
  return preview(d.title.en ?? d.title.zh ?? `line ${d.line}`);
}

export function preview(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
