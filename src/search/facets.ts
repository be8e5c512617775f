// Facet counts over a ranking, Meilisearch/Orama style: for each value of a facet, how many answers the same query
// would give with that value chosen. A facet's counts respect every filter except its own group (disjunctive
// faceting), and each value's count is exactly the `total` a search filtered to that value returns: the same
// ranking, the same no-padding rule, the same cap.
import type { Paper } from '../catalogue/types.js';
import type { Candidate } from './candidate.js';
import type { FilterGroup, PaperPredicate } from './filters.js';
import { allOf } from './filters.js';
import { answerCount, MAX_DEPTH } from './retrieve.js';
import type { FacetName, FacetValue } from './types.js';

/** The filter group choosing a value of the facet sets (and that its counts therefore ignore). */
const OWN_GROUP: Record<FacetName, FilterGroup> = { category: 'category', source: 'source', year: 'date', month: 'date' };

/** A paper's values of a facet (none for a paper with no date in the year and month facets). */
function valuesOf(paper: Paper, facet: FacetName): string[] {
  switch (facet) {
    case 'category':
      return [...new Set(paper.categories)];
    case 'source':
      return [...new Set(paper.sources.map((s) => s.document))];
    case 'year':
      return paper.date ? [paper.date.slice(0, 4)] : [];
    case 'month':
      return paper.date ? [paper.date.slice(0, 7)] : [];
  }
}

/** Counts per value, by count (descending) then value. `groups` are the filters applied after ranking. */
export function facetCounts(
  facet: FacetName,
  candidates: readonly Candidate[],
  groups: Partial<Record<FilterGroup, PaperPredicate>>,
  paperOf: (id: string) => Paper | undefined,
  keepAll: boolean,
): FacetValue[] {
  const others = allOf(Object.entries(groups).flatMap(([g, test]) => (g === OWN_GROUP[facet] ? [] : [test])));
  const byValue = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const paper = paperOf(c.paperId);
    if (!paper || (others && !others(paper))) continue;
    for (const v of valuesOf(paper, facet)) (byValue.get(v) ?? byValue.set(v, []).get(v)!).push(c);
  }
  return [...byValue]
    .map(([value, cands]) => ({ value, count: Math.min(MAX_DEPTH, answerCount(cands, keepAll)) }))
    .filter((f) => f.count > 0)
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
