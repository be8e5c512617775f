// Identity of parsed items: the keys under which two items count as the same paper, and the canonical id.
import { createHash } from 'node:crypto';
import type { ParsedPaper } from './types.js';
import { canonicalIdFromRef, refFromLinks, type PaperRef } from './ref.js';

/** Lower-case, NFKC, punctuation and spacing removed: "Masked Autoencoders Are…" == "MASKED AUTOENCODERS ARE…". */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** `title:<16 hex>`: a stable id for papers with neither an arXiv id nor a DOI. */
export function titleId(normalisedTitle: string): string {
  return `title:${createHash('sha256').update(normalisedTitle).digest('hex').slice(0, 16)}`;
}

export interface ItemIdentity {
  ref: PaperRef;
  /** The normalised English title, or the Chinese one when the item has no English title. */
  titleKey?: string;
}

export function identityOf(item: ParsedPaper): ItemIdentity {
  const title = item.title.en ?? item.title.zh;
  const titleKey = title ? normaliseTitle(title) : undefined;
  return { ref: refFromLinks(item.links), ...(titleKey ? { titleKey: `${item.title.en ? 'en' : 'zh'}:${titleKey}` } : {}) };
}

/** arxiv:<id>, else doi:<doi>, else title:<hash>, else an id from the item's provenance (it has nothing else). */
export function canonicalId(ref: PaperRef, titleKey: string | undefined, firstSource: ParsedPaper['source']): string {
  if (ref.arxivId || ref.doi) return canonicalIdFromRef(ref);
  if (titleKey) return titleId(titleKey);
  return titleId(`source:${firstSource.document}#${firstSource.position}`);
}
