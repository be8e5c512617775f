// Derives canonical Paper records from documents: items that share an arXiv id, a DOI or a normalised title are
// one paper, which keeps every language view, link and source. Identity evidence that conflicts never fuses two
// papers: the item goes with its strongest id (arXiv, then DOI), the papers stay apart, and a note says so.
import type { DocumentRecord, Link, Paper, ParsedPaper, SourceRef, TitleVariant } from './types.js';
import { canonicalId, identityOf, type ItemIdentity } from './identity.js';
import { dateFromArxivId } from './ref.js';

interface Entry {
  item: ParsedPaper;
  identity: ItemIdentity;
  /** Position of the item's document in ingest order (earliest first): the earliest source names the paper. */
  rank: number;
  /** When the item's document entered the catalogue (its ingestedAt). */
  seen: string;
}

/** Something a user should know about how an item was filed, at the item's document:line. */
export interface MergeNote {
  document: string;
  line: number;
  message: string;
}

/**
 * The version of the rules below. Commits re-derive only the papers a change can reach and trust the others to be
 * what these rules make of their items, so a change to the rules that changes any paper or note bumps it: the next
 * commit of a catalogue derived under another version derives everything.
 */
export const DERIVATION = 1;

/** Papers in a deterministic order: by the (document name, position) of their first source. */
export function derivePapers(docs: DocumentRecord[]): Paper[] {
  return deriveCatalogue(docs).papers;
}

/** The papers and the notes on items whose identity evidence conflicted or whose title differs from the paper's. */
export function deriveCatalogue(docs: DocumentRecord[]): DerivedCatalogue {
  return deriveItems(docs, () => true);
}

export interface DerivedCatalogue {
  papers: Paper[];
  notes: MergeNote[];
}

/**
 * deriveCatalogue over only the items `include` accepts, each ranked and ordered as among all of `docs`: for items
 * closed under shared identity keys (whole key-connected components) the papers and notes are exactly the ones
 * deriveCatalogue(docs) gives them, since grouping never looks beyond an item's keys and only relative order counts.
 */
export function deriveItems(docs: DocumentRecord[], include: (item: ParsedPaper) => boolean): DerivedCatalogue {
  const rank = new Map([...docs].sort(compareIngestOrder).map((d, i) => [d.name, i]));
  const entries = [...docs]
    .sort((a, b) => compareStrings(a.name, b.name))
    .flatMap((d) => d.items.filter(include).map((item) => ({ item, identity: identityOf(item), rank: rank.get(d.name)!, seen: d.ingestedAt })));
  const { groups, notes } = groupEntries(entries);
  const papers = groups.map(buildPaper);
  return { papers, notes: [...notes, ...titleNotes(groups, papers)] };
}

/** Documents in the order they first entered the catalogue (an edited document keeps its place), then by name. */
function compareIngestOrder(a: DocumentRecord, b: DocumentRecord): number {
  return (a.ingestOrder ?? 0) - (b.ingestOrder ?? 0) || compareStrings(a.ingestedAt, b.ingestedAt) || compareStrings(a.name, b.name);
}

/**
 * Union-find over items. arXiv ids join first; DOIs join unless that would put two arXiv ids in one paper; titles
 * then join groups unless that would put two arXiv ids or DOIs in one paper, or join a group under a title that is
 * not the one it shows (an item whose id says paper B while its title says paper A must not pull A into B).
 */
function groupEntries(entries: Entry[]): { groups: Entry[][]; notes: MergeNote[] } {
  const parent = entries.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  // per root: the group's arXiv ids, DOIs and title keys
  const arxiv = entries.map((e) => new Set(e.identity.ref.arxivId ? [e.identity.ref.arxivId] : []));
  const doi = entries.map((e) => new Set(e.identity.ref.doi ? [e.identity.ref.doi] : []));
  // per root and language ("en:" / "zh:"), the title key of the earliest-ingested item: the title the group shows
  const shown = entries.map((e, i) => new Map(e.identity.titleKey ? [[e.identity.titleKey.slice(0, 3), i]] : []));
  const notes: MergeNote[] = [];
  const merge = (ra: number, rb: number): void => {
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent[drop] = keep;
    for (const sets of [arxiv, doi]) for (const v of sets[drop]!) sets[keep]!.add(v);
    for (const [lang, i] of shown[drop]!) {
      const mine = shown[keep]!.get(lang);
      if (mine === undefined || compareAge(entries[i]!, entries[mine]!) < 0) shown[keep]!.set(lang, i);
    }
  };
  // a group may be joined by title only under the title it shows in that language (or when it shows none)
  const shows = (root: number, key: string): boolean => {
    const i = shown[root]!.get(key.slice(0, 3));
    return i === undefined || entries[i]!.identity.titleKey === key;
  };
  // each join answers whether a and b are now one paper
  const join = (a: number, b: number, allowed: (ra: number, rb: number) => boolean): boolean => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb && !allowed(ra, rb)) return false;
    if (ra !== rb) merge(ra, rb);
    return true;
  };
  joinOnKey(entries, (e) => (e.identity.ref.arxivId ? `arxiv:${e.identity.ref.arxivId}` : undefined), (a, b) => join(a, b, () => true));
  const noted = new Set<number>();
  joinOnKey(entries, (e) => (e.identity.ref.doi ? `doi:${e.identity.ref.doi}` : undefined), (a, b) => {
    if (join(a, b, (ra, rb) => !conflict(arxiv[ra]!, arxiv[rb]!))) return true;
    // the note goes to the later-ingested item: the upload that brought the conflict in is told about it
    const [mine, theirs] = entries[b]!.rank >= entries[a]!.rank ? [b, a] : [a, b];
    if (noted.has(mine)) return false;
    noted.add(mine);
    const e = entries[mine]!;
    const ids = (i: number) => [...arxiv[find(i)]!].join(', ');
    notes.push(noteAt(e, `links DOI ${e.identity.ref.doi}, which another item gives to arXiv ${ids(theirs)}; it was filed by its arXiv id ${ids(mine)} and the two papers were kept apart`));
    return false;
  });
  joinOnKey(entries, (e) => e.identity.titleKey, (a, b, key) =>
    join(a, b, (ra, rb) => !conflict(arxiv[ra]!, arxiv[rb]!) && !conflict(doi[ra]!, doi[rb]!) && shows(ra, key) && shows(rb, key)),
  );
  const groups = new Map<number, Entry[]>();
  entries.forEach((e, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(e);
    else groups.set(root, [e]);
  });
  // roots are the smallest member index, so Map insertion order is first-source order
  return { groups: [...groups.values()], notes };
}


/**
 * Joins each entry to the first earlier group with the same key that accepts it. Groups that refused each other
 * all stay candidates, so an item whose ids conflict cannot, by sorting first, keep later items from their paper.
 */
function joinOnKey(entries: Entry[], key: (e: Entry) => string | undefined, join: (a: number, b: number, key: string) => boolean): void {
  const holders = new Map<string, number[]>();
  entries.forEach((e, i) => {
    const k = key(e);
    if (k === undefined) return;
    const seen = holders.get(k);
    if (!seen) holders.set(k, [i]);
    else if (!seen.some((h) => join(h, i, k))) seen.push(i);
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
  const title = displayTitle(group);
  const variants = titleVariants(group, title);
  return {
    id: canonicalId({ arxivId, doi }, titleKey, items[0]!.source),
    ...(arxivId ? { arxivId } : {}),
    ...(doi ? { doi } : {}),
    title,
    // the fullest author list wins: weekly digests truncate with 等, daily ones with "..."
    authors: items.reduce<string[]>((best, i) => (i.authors.length > best.length ? i.authors : best), []),
    affiliations: unique(items.flatMap((i) => i.affiliations)),
    categories: unique(items.flatMap((i) => i.categories)),
    summary: pick({ zh: longest(items.map((i) => i.summary.zh)), en: longest(items.map((i) => i.summary.en)) }),
    links: uniqueLinks(items.flatMap((i) => i.links)),
    sources: items.map((i) => i.source).sort(compareSources),
    ...(variants.length ? { titleVariants: variants } : {}),
    ...(date ? { date } : {}),
    firstSeen: group.map((e) => e.seen).reduce((a, b) => (b < a ? b : a)),
  };
}

/**
 * The display title is stable: each language's title comes from the earliest-ingested source that has one, so a
 * later upload (whatever its name) never renames a paper. Ties in ingest order go to document name and position.
 */
function displayTitle(group: Entry[]): Paper['title'] {
  const byAge = [...group].sort(compareAge);
  return pick({ en: firstDefined(byAge.map((e) => e.item.title.en)), zh: firstDefined(byAge.map((e) => e.item.title.zh)) });
}

/** Earliest-ingested first: by the document's place in ingest order, then the item's position in it. */
function compareAge(a: Entry, b: Entry): number {
  return a.rank - b.rank || a.item.source.position - b.item.source.position;
}

/** Every source whose title is worded differently from the display title, kept as provenance. */
function titleVariants(group: Entry[], title: Paper['title']): TitleVariant[] {
  return group
    .filter((e) => (e.item.title.en !== undefined && e.item.title.en !== title.en) || (e.item.title.zh !== undefined && e.item.title.zh !== title.zh))
    .map((e) => ({ title: e.item.title, document: e.item.source.document, line: e.item.source.line }));
}

/**
 * A note for every item filed under a paper whose English title means something else (not just other case,
 * spacing or punctuation): naming the other paper when the item's title is that paper's.
 */
function titleNotes(groups: Entry[][], papers: Paper[]): MergeNote[] {
  const owner = new Map<string, Paper>();
  groups.forEach((g, i) => {
    for (const e of g) if (e.identity.titleKey && !owner.has(e.identity.titleKey)) owner.set(e.identity.titleKey, papers[i]!);
  });
  const notes: MergeNote[] = [];
  groups.forEach((g, i) => {
    const paper = papers[i]!;
    // the key of the source that gave the display title (its English title makes it an en: key)
    const shown = g.find((e) => e.item.title.en !== undefined && e.item.title.en === paper.title.en)?.identity.titleKey;
    for (const e of g) {
      const key = e.identity.titleKey;
      if (!shown || !key?.startsWith('en:') || key === shown) continue;
      const other = owner.get(key);
      const named = other && other !== paper ? `; that title belongs to ${other.id}, which was kept apart` : '';
      notes.push(noteAt(e, `titles ${paper.id} "${e.item.title.en}", but the paper keeps its title "${paper.title.en}" (earliest source)${named}`));
    }
  });
  return notes;
}

function noteAt(e: Entry, what: string): MergeNote {
  return { document: e.item.source.document, line: e.item.source.line, message: `item ${e.item.source.position} ${what}` };
}

/** First-source order, the order of papers: by document name, then position. */
export function compareSources(a: SourceRef, b: SourceRef): number {
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
