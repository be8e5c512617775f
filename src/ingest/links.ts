// Link kinds recognised in newsletter links. Paper identities (arXiv ids, DOIs) live in the catalogue's ref.ts;
// they are re-exported here for the callers that read them alongside link kinds.
import type { LinkKind } from '../catalogue/types.js';

export type { LinkKind };
export { canonicalIdFromRef, dateFromArxivId, parsePaperRef, refFromLinks, type PaperRef } from '../catalogue/ref.js';

/** Kind of a link by its URL: arXiv abstract pages and DOIs are the paper, PDFs pdf, code hosts code, BAAI Hub hub. */
export function classifyLink(url: string): LinkKind {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'other';
  }
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  const path = u.pathname.toLowerCase();
  if (/(^|\.)arxiv\.org$/.test(host)) return path.startsWith('/pdf/') || path.endsWith('.pdf') ? 'pdf' : 'paper';
  if (host === 'github.com' || host === 'gitlab.com' || host === 'bitbucket.org' || host === 'huggingface.co' || host === 'paperswithcode.com')
    return 'code';
  if (host === 'hub.baai.ac.cn') return 'hub';
  if (path.endsWith('.pdf')) return 'pdf';
  if (host === 'doi.org' || host === 'dx.doi.org') return 'paper';
  if (/(^|\.)(biorxiv|medrxiv)\.org$/.test(host) || host === 'openreview.net' || host === 'aclanthology.org') return 'paper';
  return 'other';
}
