// Derives canonical Paper records from documents: items that share an arXiv id, a DOI or a normalised English
// title are one paper, which keeps every language view, link and source.
import type { DocumentRecord, Link, Paper, ParsedPaper, SourceRef } from './types.js';
import { canonicalId, identityOf, type ItemIdentity } from './identity.js';
import { dateFromArxivId } from './ref.js';

interface Entry {
  item: ParsedPaper;
  identity: ItemIdentity;
}

/** Papers in a deterministic order: by the (document name, position) of their first source. */
export function derivePapers(docs: DocumentRecord[]): Paper[] {
  const entries = [...docs]
    .sort((a, b) => compareStrings(a.name, b.name))
    .flatMap((d) => d.items.map((item) => ({ item, identity: identityOf(item) })));
  return groupEntries(entries).map(buildPaper);
}

/**
 * Union-find over items. Ids (arXiv, DOI) join first; titles then join groups unless that would put two
 * different arXiv ids or DOIs into one paper (two papers can share a title; one paper has one arXiv id).
 */
function groupEntries(entries: Entry[]): Entry[][] {
  const parent = entries.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  // the arXiv ids and DOIs of each root's group
  const arxiv = entries.map((e) => new Set(e.identity.ref.arxivId ? [e.identity.ref.arxivId] : []));
  const doi = entries.map((e) => new Set(e.identity.ref.doi ? [e.identity.ref.doi] : []));
  const union = (a: number, b: number, guarded: boolean): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    if (guarded && (conflict(arxiv[ra]!, arxiv[rb]!) || conflict(doi[ra]!, doi[rb]!))) return;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent[drop] = keep;
    for (const v of arxiv[drop]!) arxiv[keep]!.add(v);
    for (const v of doi[drop]!) doi[keep]!.add(v);
  };
  joinOnKey(entries, (e) => (e.identity.ref.arxivId ? `arxiv:${e.identity.ref.arxivId}` : undefined), (a, b) => union(a, b, false));
  joinOnKey(entries, (e) => (e.identity.ref.doi ? `doi:${e.identity.ref.doi}` : undefined), (a, b) => union(a, b, false));
  joinOnKey(entries, (e) => e.identity.titleKey, (a, b) => union(a, b, true));
  const groups = new Map<number, Entry[]>();
  entries.forEach((e, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(e);
    else groups.set(root, [e]);
  });
  // roots are the smallest member index, so Map insertion order is first-source order
  return [...groups.values()];
}

function joinOnKey(entries: Entry[], key: (e: Entry) => string | undefined, join: (a: number, b: number) => void): void {
  const first = new Map<string, number>();
  entries.forEach((e, i) => {
    const k = key(e);
    if (k === undefined) return;
    const seen = first.get(k);
    if (seen === undefined) first.set(k, i);
    else join(seen, i);
  });
}

function conflict(a: Set<string>, b: Set<string>): boolean {
  return a.size > 0 && b.size > 0 && [...b].some((v) => !a.has(v));
}

function buildPaper(group: Entry[]): Paper {
  const items = group.map((e) => e.item);
  const arxivId = firstDefined(group.map((e) => e.identity.ref.arxivId));
  const doi = firstDefined(group.map((e) => e.identity.ref.doi));
  const titleKey = firstDefined(group.map((e) => e.identity.titleKey));
  const date = arxivId ? dateFromArxivId(arxivId) : undefined;
  return {
    id: canonicalId({ arxivId, doi }, titleKey, items[0]!.source),
    ...(arxivId ? { arxivId } : {}),
    ...(doi ? { doi } : {}),
    title: pick({ en: firstDefined(items.map((i) => i.title.en)), zh: firstDefined(items.map((i) => i.title.zh)) }),
    // the fullest author list wins: weekly digests truncate with 等, daily ones with "..."
    authors: items.reduce<string[]>((best, i) => (i.authors.length > best.length ? i.authors : best), []),
    affiliations: unique(items.flatMap((i) => i.affiliations)),
    categories: unique(items.flatMap((i) => i.categories)),
    summary: pick({ zh: longest(items.map((i) => i.summary.zh)), en: longest(items.map((i) => i.summary.en)) }),
    links: uniqueLinks(items.flatMap((i) => i.links)),
    sources: items.map((i) => i.source).sort(compareSources),
    ...(date ? { date } : {}),
  };
}

function compareSources(a: SourceRef, b: SourceRef): number {
  return compareStrings(a.document, b.document) || a.position - b.position;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function firstDefined<T>(values: (T | undefined)[]): T | undefined {
  return values.find((v) => v !== undefined);
}

function longest(values: (string | undefined)[]): string | undefined {
  return values.reduce<string | undefined>((best, v) => (v && (!best || v.length > best.length) ? v : best), undefined);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function uniqueLinks(links: Link[]): Link[] {
  const seen = new Set<string>();
  return links.filter((l) => !seen.has(l.url) && (seen.add(l.url), true));
}

function pick<T extends Record<string, string | undefined>>(o: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}
