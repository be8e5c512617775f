// Scores a SearchEngine on the labelled set: MRR@10, nDCG@10 and Recall@10 per query language and per mode,
// related-paper clusters, and how junk queries are flagged. The nightly reindex gates on `hybridMrr`.
import type { SearchEngine, SearchMode } from '../search/types.js';
import { loadLabelledSet, refToId, type LabelledSet, type QueryLang } from './labelled-set.js';
import { mean, ndcg, recall, reciprocalRank } from './metrics.js';

export const MODES: readonly SearchMode[] = ['hybrid', 'semantic', 'lexical'];
const K = 10;

export interface EvalRow {
  lang: QueryLang | 'all';
  mode: SearchMode;
  queries: number;
  mrr: number;
  ndcg: number;
  recall: number;
}

/** The same metrics over a labelled group of queries (they also count in their language's rows). */
export interface GroupRow extends Omit<EvalRow, 'lang'> {
  group: string;
}

export interface QueryResult {
  id: string;
  lang: QueryLang;
  group?: string;
  mode: SearchMode;
  rr: number;
  firstRelevantRank?: number;
  lowConfidence: boolean;
}

export interface ClusterResult {
  name: string;
  papers: number;
  /** Mean over members of: share of the other members in related(member) top 10. */
  recall: number;
  /** Mean reciprocal rank of the first other member in related(member). */
  mrr: number;
}

export interface EvalReport {
  embedder: string;
  rows: EvalRow[];
  groups: GroupRow[];
  /** Overall hybrid MRR@10: the headline number and the reindex quality gate. */
  hybridMrr: number;
  queries: QueryResult[];
  clusters: ClusterResult[];
  /** Junk queries (no relevant paper) whose hybrid answer was flagged all-weak, and labelled queries wrongly flagged so. */
  junk: { queries: number; flagged: number; labelledFlagged: number };
}

export interface EvalOptions {
  set?: LabelledSet;
  modes?: readonly SearchMode[];
}

function checkRefs(engine: SearchEngine, set: LabelledSet): Map<string, string> {
  const ids = new Map<string, string>();
  const refs = [...set.queries.flatMap((q) => q.relevant.map((r) => [r, `query ${q.id}`] as const)), ...set.clusters.flatMap((c) => c.papers.map((r) => [r, `cluster ${c.name}`] as const))];
  for (const [ref, where] of refs) {
    if (ids.has(ref)) continue;
    const id = refToId(ref, where);
    if (!engine.paper(id)) throw new Error(`labelled set, ${where}: paper ref "${ref}" (${id}) matches no paper in the engine`);
    ids.set(ref, id);
  }
  return ids;
}

export async function evaluateEngine(engine: SearchEngine, opts: EvalOptions = {}): Promise<EvalReport> {
  const set = opts.set ?? loadLabelledSet();
  const modes = opts.modes ?? MODES;
  const ids = checkRefs(engine, set);
  const queries: QueryResult[] = [];
  const perRow = new Map<string, { rr: number[]; ndcg: number[]; recall: number[] }>();
  const push = (lang: string, mode: string, rr: number, n: number, r: number) => {
    const key = `${lang}\u0000${mode}`;
    const row = perRow.get(key) ?? perRow.set(key, { rr: [], ndcg: [], recall: [] }).get(key)!;
    row.rr.push(rr);
    row.ndcg.push(n);
    row.recall.push(r);
  };
  for (const mode of modes) {
    for (const q of set.queries) {
      const res = await engine.searchIds({ q: q.q, mode, limit: K });
      const ranked = res.ids;
      const relevant = new Set(q.relevant.map((r) => ids.get(r)!));
      const rr = reciprocalRank(ranked, relevant, K);
      const first = ranked.findIndex((id) => relevant.has(id));
      queries.push({ id: q.id, lang: q.lang, ...(q.group ? { group: q.group } : {}), mode, rr, ...(first >= 0 ? { firstRelevantRank: first + 1 } : {}), lowConfidence: res.lowConfidence });
      const n = ndcg(ranked, relevant, K);
      const r = recall(ranked, relevant, K);
      for (const lang of [q.lang, 'all']) push(lang, mode, rr, n, r);
      if (q.group) push(`group:${q.group}`, mode, rr, n, r);
    }
  }
  const rows: EvalRow[] = [];
  for (const lang of ['zh', 'en', 'mixed', 'all'] as const) {
    for (const mode of modes) {
      const row = perRow.get(`${lang}\u0000${mode}`);
      if (row) rows.push({ lang, mode, queries: row.rr.length, mrr: mean(row.rr), ndcg: mean(row.ndcg), recall: mean(row.recall) });
    }
  }
  const groups: GroupRow[] = [];
  for (const group of [...new Set(set.queries.flatMap((q) => (q.group ? [q.group] : [])))]) {
    for (const mode of modes) {
      const row = perRow.get(`group:${group}\u0000${mode}`)!;
      groups.push({ group, mode, queries: row.rr.length, mrr: mean(row.rr), ndcg: mean(row.ndcg), recall: mean(row.recall) });
    }
  }
  const junkFlags = await Promise.all(set.junk.map(async (j) => (await engine.searchIds({ q: j.q, limit: K })).lowConfidence));
  return {
    embedder: engine.embedder,
    rows,
    groups,
    hybridMrr: rows.find((r) => r.lang === 'all' && r.mode === 'hybrid')?.mrr ?? 0,
    queries,
    clusters: await evaluateClusters(engine, set, ids),
    junk: {
      queries: set.junk.length,
      flagged: junkFlags.filter(Boolean).length,
      labelledFlagged: queries.filter((q) => q.mode === 'hybrid' && q.lowConfidence).length,
    },
  };
}

async function evaluateClusters(engine: SearchEngine, set: LabelledSet, ids: Map<string, string>): Promise<ClusterResult[]> {
  const out: ClusterResult[] = [];
  for (const c of set.clusters) {
    const members = c.papers.map((r) => ids.get(r)!);
    const recalls: number[] = [];
    const rrs: number[] = [];
    for (const m of members) {
      const related = (await engine.related(m, { limit: K }))!.results.map((h) => h.id);
      const others = new Set(members.filter((x) => x !== m));
      recalls.push(recall(related, others, K));
      rrs.push(reciprocalRank(related, others, K));
    }
    out.push({ name: c.name, papers: members.length, recall: mean(recalls), mrr: mean(rrs) });
  }
  return out;
}

const f3 = (x: number) => x.toFixed(3);

/** The report as Markdown tables (what `npm run eval` prints and docs/evaluation.md quotes). */
export function formatReport(r: EvalReport): string {
  const lines = [`embedder: ${r.embedder}`, '', '| queries | mode | n | MRR@10 | nDCG@10 | Recall@10 |', '| --- | --- | --- | --- | --- | --- |'];
  for (const row of r.rows) lines.push(`| ${row.lang} | ${row.mode} | ${row.queries} | ${f3(row.mrr)} | ${f3(row.ndcg)} | ${f3(row.recall)} |`);
  if (r.groups.length) {
    lines.push('', '| group (also in the rows above) | mode | n | MRR@10 | nDCG@10 | Recall@10 |', '| --- | --- | --- | --- | --- | --- |');
    for (const g of r.groups) lines.push(`| ${g.group} | ${g.mode} | ${g.queries} | ${f3(g.mrr)} | ${f3(g.ndcg)} | ${f3(g.recall)} |`);
  }
  lines.push('', '| related-paper cluster | papers | Recall@10 | MRR@10 |', '| --- | --- | --- | --- |');
  for (const c of r.clusters) lines.push(`| ${c.name} | ${c.papers} | ${f3(c.recall)} | ${f3(c.mrr)} |`);
  lines.push('', `junk queries flagged all-weak: ${r.junk.flagged}/${r.junk.queries}; labelled queries flagged all-weak (hybrid): ${r.junk.labelledFlagged}`);
  lines.push(`overall hybrid MRR@10: ${f3(r.hybridMrr)}`);
  return lines.join('\n');
}

/** Which targets hold: hybrid MRR@10 >= 0.8 overall, hybrid >= max(lexical, semantic) per language. */
export function checkTargets(r: EvalReport): string[] {
  const misses: string[] = [];
  if (r.hybridMrr < 0.8) misses.push(`overall hybrid MRR@10 ${f3(r.hybridMrr)} < 0.8`);
  for (const lang of ['zh', 'en', 'mixed', 'all'] as const) {
    const get = (mode: SearchMode) => r.rows.find((x) => x.lang === lang && x.mode === mode)?.mrr;
    const h = get('hybrid');
    const best = Math.max(get('lexical') ?? 0, get('semantic') ?? 0);
    if (h !== undefined && h + 1e-9 < best) misses.push(`${lang}: hybrid MRR@10 ${f3(h)} < best single channel ${f3(best)}`);
  }
  return misses;
}
