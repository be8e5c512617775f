// The language views a paper is embedded as: one vector per language, so a long Chinese summary cannot
// push the English abstract past the model's token limit (or the other way round).
// The text must be deterministic: the embedding cache and incremental index builds key on its sha256.
import type { Paper } from '../catalogue/types.js';
import type { View } from './types.js';

/**
 * The version of the rules below, recorded in each index generation. An incremental build trusts a paper it did not
 * change to have the views its starting generation holds only when that generation was built under the same rules, so
 * a change to how view text is made bumps it (and the next build compares every paper's views, re-embedding what moved).
 */
export const VIEWS_VERSION = 1;

/** NFC, whitespace runs collapsed: reflowed newsletter text gives the same view text (and cache key). */
export function normaliseViewText(s: string | undefined): string {
  return (s ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
}

function joinParts(...parts: (string | undefined)[]): string {
  return parts.map(normaliseViewText).filter(Boolean).join('\n');
}

/** `en`: English title + abstract; `zh`: Chinese title + Chinese summary. A view with no text is omitted. */
export function paperViews(paper: Paper): View[] {
  const views: View[] = [];
  const en = joinParts(paper.title.en, paper.summary.en);
  if (en) views.push({ paperId: paper.id, view: 'en', text: en });
  const zh = joinParts(paper.title.zh, paper.summary.zh);
  if (zh) views.push({ paperId: paper.id, view: 'zh', text: zh });
  return views;
}
