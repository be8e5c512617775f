// The labelled evaluation set (src/eval/queries.json): loading, validation and resolving its paper refs
// against a paper list. Refs are 'arxiv:<id>' / 'doi:<doi>' or, for papers the seeds give no identifier,
// 'en:<English title>' / 'zh:<Chinese title>', so the set does not depend on how title ids are hashed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normaliseTitle, titleId } from '../catalogue/identity.js';

export type QueryLang = 'zh' | 'en' | 'mixed';

export interface LabelledQuery {
  id: string;
  lang: QueryLang;
  q: string;
  relevant: string[]; // refs
  /** Optional slice reported on its own as well (e.g. 'title': a pasted paper title). */
  group?: string;
}

export interface LabelledSet {
  queries: LabelledQuery[];
  junk: { id: string; lang: QueryLang; q: string }[];
  clusters: { name: string; papers: string[] }[];
}

export const DEFAULT_SET_PATH = fileURLToPath(new URL('./queries.json', import.meta.url));

const LANGS: readonly QueryLang[] = ['zh', 'en', 'mixed'];

export function loadLabelledSet(path = DEFAULT_SET_PATH): LabelledSet {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read labelled set: ${(err as Error).message}`);
  }
  const set = raw as Partial<LabelledSet>;
  if (!Array.isArray(set.queries) || !Array.isArray(set.junk) || !Array.isArray(set.clusters)) {
    throw new Error(`${path}: expected "queries", "junk" and "clusters" arrays`);
  }
  const seen = new Set<string>();
  for (const [i, q] of [...set.queries, ...set.junk].entries()) {
    const where = `${path}: query #${i + 1} (${(q as { id?: string }).id ?? 'no id'})`;
    if (typeof q.id !== 'string' || seen.has(q.id)) throw new Error(`${where}: missing or duplicate id`);
    seen.add(q.id);
    if (!LANGS.includes(q.lang)) throw new Error(`${where}: lang must be zh, en or mixed`);
    if (typeof q.q !== 'string' || !q.q.trim()) throw new Error(`${where}: empty query text`);
    const group = (q as { group?: unknown }).group;
    if (group !== undefined && (typeof group !== 'string' || !group.trim())) throw new Error(`${where}: group must be a non-empty string`);
  }
  for (const q of set.queries) {
    if (!Array.isArray(q.relevant) || q.relevant.length === 0) throw new Error(`${path}: query ${q.id}: no relevant papers`);
  }
  return set as LabelledSet;
}

/**
 * The canonical paper id a ref names, computed the way the catalogue assigns ids (src/catalogue/identity.ts):
 * arXiv and DOI refs are ids already; a title ref hashes its language-tagged normalised title.
 */
export function refToId(ref: string, where: string): string {
  const m = /^(arxiv|doi|en|zh):(.+)$/.exec(ref);
  if (!m) throw new Error(`${where}: bad paper ref "${ref}" (use arxiv:, doi:, en: or zh:)`);
  if (m[1] === 'arxiv') return ref;
  if (m[1] === 'doi') return `doi:${m[2]!.toLowerCase()}`;
  return titleId(`${m[1]}:${normaliseTitle(m[2]!)}`);
}
