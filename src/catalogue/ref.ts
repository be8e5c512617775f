// Paper identities (arXiv ids, DOIs) read from links and from what users type: an identity concern of the
// catalogue, used by the parsers (ingest), the resolver and the search engine's id queries.
import type { Link } from './types.js';

export interface PaperRef {
  arxivId?: string; // without version, e.g. "2106.08208" or "hep-th/9901001"
  doi?: string; // lower-cased, e.g. "10.1101/2021.10.25.465689"
}

// New-style ids (0704.0001 onwards): YYMM.NNNN(N); old-style: archive(.SUBJ)/YYMMNNN.
const NEW_ID = String.raw`\d{4}\.\d{4,5}`;
const OLD_ID = String.raw`[a-z][a-z-]*(?:\.[a-z]{2})?\/\d{7}`;
const ARXIV_ID = new RegExp(String.raw`^(${NEW_ID}|${OLD_ID})(?:v\d+)?$`, 'i');
const ARXIV_URL = new RegExp(
  String.raw`^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html|format)\/(${NEW_ID}|${OLD_ID})(?:v\d+)?(?:\.pdf)?\/?(?:[?#].*)?$`,
  'i',
);
const DOI = /^(10\.\d{4,9}\/\S+)$/i;
const DOI_URL = /^(?:https?:\/\/)?(?:dx\.)?doi\.org\/(10\.\d{4,9}\/[^?#\s]+)/i;
// bioRxiv/medRxiv content URLs embed the DOI, followed by an optional version and suffixes (.full.pdf, .abstract).
const RXIV_URL = /^(?:https?:\/\/)?(?:www\.)?(?:biorxiv|medrxiv)\.org\/content\/(10\.1101\/[\d.]+?)(?:v\d+)?(?:\.(?:full|abstract|article-info|supplementary-material)(?:\.pdf)?)?\/?(?:[?#].*)?$/i;
// arXiv registers DOIs of the form 10.48550/arXiv.<id>; treat them as the arXiv id they name.
const ARXIV_DOI = new RegExp(String.raw`^10\.48550\/arxiv\.(${NEW_ID}|${OLD_ID})(?:v\d+)?$`, 'i');

/**
 * Reads an arXiv id or DOI from a bare id, an arXiv abs/pdf URL, a DOI, a doi.org URL or a bioRxiv URL.
 * Returns normalised values (arXiv id without version, DOI lower-cased), or undefined when the input is none of these.
 */
export function parsePaperRef(input: string): PaperRef | undefined {
  const s = input.trim().replace(/^<|>$/g, '');
  if (!s) return undefined;
  const bare = s.replace(/^arxiv\s*:\s*/i, '');
  let m = ARXIV_ID.exec(bare) ?? ARXIV_URL.exec(s);
  if (m) return { arxivId: normaliseArxivId(m[1]!) };
  m = RXIV_URL.exec(s) ?? DOI_URL.exec(s) ?? DOI.exec(s.replace(/^doi\s*:\s*/i, ''));
  if (!m) return undefined;
  const doi = cleanDoi(decodeURIComponentSafe(m[1]!));
  const arxiv = ARXIV_DOI.exec(doi);
  return arxiv ? { arxivId: normaliseArxivId(arxiv[1]!) } : { doi };
}

/** `arxiv:<id>` when the ref has an arXiv id, else `doi:<doi>`. */
export function canonicalIdFromRef(ref: PaperRef): string {
  if (ref.arxivId) return `arxiv:${ref.arxivId}`;
  if (ref.doi) return `doi:${ref.doi}`;
  throw new Error('canonicalIdFromRef: ref has neither arxivId nor doi');
}

/** The paper identity a set of links carries: the first arXiv id and the first DOI among them. */
export function refFromLinks(links: Link[]): PaperRef {
  const ref: PaperRef = {};
  for (const link of links) {
    const r = parsePaperRef(link.url);
    if (r?.arxivId && !ref.arxivId) ref.arxivId = r.arxivId;
    if (r?.doi && !ref.doi) ref.doi = r.doi;
  }
  return ref;
}

/** `YYYY-MM` encoded in an arXiv id (new style 2209.11055 -> 2022-09, old style hep-th/9901001 -> 1999-01). */
export function dateFromArxivId(id: string): string | undefined {
  const m = /^(\d{2})(\d{2})\./.exec(id) ?? /\/(\d{2})(\d{2})\d{3}$/.exec(id);
  if (!m) return undefined;
  const yy = Number(m[1]);
  const mm = Number(m[2]);
  if (mm < 1 || mm > 12) return undefined;
  // old-style ids start in 1991; new-style ids start in 2007 (0704)
  const year = id.includes('/') && yy >= 91 ? 1900 + yy : 2000 + yy;
  return `${year}-${String(mm).padStart(2, '0')}`;
}

function normaliseArxivId(id: string): string {
  // the archive part of old-style ids is lower case (hep-th, math.AG keeps its subject class upper case)
  const slash = id.indexOf('/');
  if (slash < 0) return id;
  const [archive, subject] = id.slice(0, slash).split('.');
  return `${archive!.toLowerCase()}${subject ? '.' + subject.toUpperCase() : ''}${id.slice(slash)}`;
}

function cleanDoi(doi: string): string {
  // trailing punctuation is sentence punctuation, not part of the DOI
  return doi.replace(/[.,;:)\]}>'"]+$/, '').toLowerCase();
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
