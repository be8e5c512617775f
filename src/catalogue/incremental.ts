// Re-deriving only what a commit can have changed. Items join only through a shared arXiv id, DOI or title key, so
// the papers of items key-connected to no changed document come out of deriveCatalogue exactly as they were: only
// the key-connected components around the changed documents' items (old and new) are derived again, and their papers
// take the places first-source order gives them among the others, which stay the very same objects.
import { compareSources, deriveItems, type DerivedCatalogue } from './merge.js';
import { identityOf } from './identity.js';
import type { DocumentRecord, Paper, ParsedPaper } from './types.js';

export interface CatalogueChange {
  /** The documents after the change, every one of them. */
  documents: DocumentRecord[];
  /** The papers before the change: deriveCatalogue of the documents before it. */
  papers: Paper[];
  /** The documents as they were before the change, of those it replaced or removed. */
  replaced: DocumentRecord[];
  /** Names of the documents the change brought in (new, changed or restated): their notes are derived too. */
  touched: ReadonlySet<string>;
}

/**
 * deriveCatalogue(change.documents), computed from the papers before the change and the components around it; the
 * notes are those of the re-derived components, which hold every note on a touched document. Undefined when the
 * stored papers cannot be matched to items (a source position out of document order): derive everything then.
 */
export function deriveChange(change: CatalogueChange): DerivedCatalogue | undefined {
  const { documents, papers, replaced, touched } = change;
  if (!documents.every(inSourceOrder) || !papers.every((p) => p.sources.length > 0)) return undefined;
  const component = keyConnected(documents, documents.filter((d) => touched.has(d.name)), replaced);
  const derived = deriveItems(documents, (item) => component.has(item));
  const rederived = new Set([...replaced.map((d) => d.name), ...touched]);
  const sourceKeys = new Set([...component].map((item) => sourceKey(item.source)));
  const kept = papers.filter((p) => !p.sources.some((s) => rederived.has(s.document) || sourceKeys.has(sourceKey(s))));
  return { papers: mergeBySource(kept, derived.papers), notes: derived.notes };
}

/**
 * The items of the touched documents and those reachable from them, or from a replaced document's old items (the
 * component those held together may have fallen apart), through shared identity keys.
 */
function keyConnected(documents: DocumentRecord[], touched: DocumentRecord[], replaced: DocumentRecord[]): Set<ParsedPaper> {
  const holders = new Map<string, ParsedPaper[]>();
  for (const d of documents)
    for (const item of d.items)
      for (const k of keysOf(item)) {
        const list = holders.get(k);
        if (list) list.push(item);
        else holders.set(k, [item]);
      }
  const reached = new Set<ParsedPaper>();
  const pending: string[] = [];
  const visited = new Set<string>();
  const reach = (item: ParsedPaper) => {
    for (const k of keysOf(item)) if (!visited.has(k)) visited.add(k), pending.push(k);
  };
  for (const d of touched) for (const item of d.items) reached.add(item), reach(item);
  for (const d of replaced) for (const item of d.items) reach(item);
  while (pending.length) {
    for (const item of holders.get(pending.pop()!) ?? []) {
      if (reached.has(item)) continue;
      reached.add(item);
      reach(item);
    }
  }
  return reached;
}

/**
 * The keys under which grouping may join an item to others (see groupEntries in merge.ts), as they are: the kinds
 * cannot be mistaken for one another (a DOI starts "10.", a title key "en:" or "zh:"), and if they were, the only
 * cost would be components derived again that need not be.
 */
function keysOf(item: ParsedPaper): string[] {
  const { ref, titleKey } = identityOf(item);
  const keys: string[] = [];
  if (ref.arxivId) keys.push(ref.arxivId);
  if (ref.doi) keys.push(ref.doi);
  if (titleKey) keys.push(titleKey);
  return keys;
}

/** Items carry their document's name and ascending positions: a paper's first source is its first item. */
function inSourceOrder(d: DocumentRecord): boolean {
  return d.items.every((item, i) => item.source.document === d.name && (i === 0 || item.source.position > d.items[i - 1]!.source.position));
}

function sourceKey(s: ParsedPaper['source']): string {
  return `${s.position}\u0000${s.document}`;
}

/** Two lists each in first-source order, as one. */
function mergeBySource(a: Paper[], b: Paper[]): Paper[] {
  const out: Paper[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareSources(a[i]!.sources[0]!, b[j]!.sources[0]!) <= 0 ? a[i++]! : b[j++]!);
  return out.concat(a.slice(i), b.slice(j));
}
