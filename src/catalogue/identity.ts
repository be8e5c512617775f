// Identity of parsed items: the keys under which two items count as the same paper, and the canonical id.
import { createHash } from 'node:crypto';
import type { ParsedPaper } from './types.js';
import { canonicalIdFromRef, refFromLinks, type PaperRef } from './ref.js';

/** Lower-case, NFKC, punctuation and spacing removed: "Masked Autoencoders Are…" == "MASKED AUTOENCODERS ARE…". */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '') // zero-width and bidi controls sit inside words: drop them, do not split there
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
  const titleKey = titleKeyOf(item.title);
  return { ref: refFromLinks(item.links), ...(titleKey ? { titleKey } : {}) };
}

/** `en:<normalised English title>`, else `zh:<normalised Chinese title>`. */
function titleKeyOf(title: ParsedPaper['title']): string | undefined {
  const text = title.en ?? title.zh;
  const key = text ? normaliseTitle(text) : undefined;
  return key ? `${title.en ? 'en' : 'zh'}:${key}` : undefined;
}

/** arxiv:<id>, else doi:<doi>, else title:<hash>, else an id from the item's provenance (it has nothing else). */
export function canonicalId(ref: PaperRef, titleKey: string | undefined, firstSource: ParsedPaper['source']): string {
  if (ref.arxivId || ref.doi) return canonicalIdFromRef(ref);
  if (titleKey) return titleId(titleKey);
  return titleId(`source:${firstSource.document}#${firstSource.position}`);
}
