// Cross-lingual retrieval evaluation: for each paper, embed one of its texts in one language and rank the
// other-language texts of all papers; the paper's own text should come first. Used by
// scripts/eval-crosslingual.ts (the table in docs/embedding.md) and by the embedder's quality-floor test.
import type { Embedder } from '../types.ts';
import type { Paper } from '../../catalogue/types.ts';

/** The parts of a paper the evaluation reads (a catalogue Paper, or a parsed item). */
export type EvalPaper = Pick<Paper, 'title' | 'summary'>;

export type Field = 'zhSummary' | 'zhTitle' | 'enTitle' | 'enAbstract';

export const FIELD_LABEL: Record<Field, string> = {
  zhSummary: 'zh summary',
  zhTitle: 'zh title',
  enTitle: 'en title',
  enAbstract: 'en abstract',
};

export function fieldText(p: EvalPaper, f: Field): string | undefined {
  const t = { zhSummary: p.summary.zh, zhTitle: p.title.zh, enTitle: p.title.en, enAbstract: p.summary.en }[f];
  return t && t.trim() !== '' ? t : undefined;
}

export interface DirectionResult {
  from: Field;
  to: Field;
  n: number; // queries (= candidates: papers having both fields)
  p1: number;
  mrr: number;
}

export const DIRECTIONS: [Field, Field][] = [
  ['zhSummary', 'enTitle'],
  ['enTitle', 'zhSummary'],
  ['zhTitle', 'enTitle'],
  ['enTitle', 'zhTitle'],
  ['zhTitle', 'enAbstract'],
  ['enAbstract', 'zhTitle'],
  ['zhSummary', 'enAbstract'],
  ['enAbstract', 'zhSummary'],
];

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Every paper having both fields is a candidate; those passing `isQuery` (default all) are queried.
 * Rank = 1 + number of other candidates scoring strictly higher than the paper's own text.
 */
export async function evaluateDirection<P extends EvalPaper>(
  embedder: Embedder,
  papers: P[],
  from: Field,
  to: Field,
  isQuery: (p: P) => boolean = () => true,
): Promise<DirectionResult> {
  const both = papers.filter((p) => fieldText(p, from) && fieldText(p, to));
  const targets = await embedder.embedDocuments(both.map((p) => fieldText(p, to)!));
  let n = 0;
  let p1 = 0;
  let rr = 0;
  for (const [i, paper] of both.entries()) {
    if (!isQuery(paper)) continue;
    const q = await embedder.embedQuery(fieldText(paper, from)!);
    const own = dot(q, targets[i]!);
    const rank = 1 + targets.filter((t, j) => j !== i && dot(q, t) > own).length;
    n++;
    if (rank === 1) p1++;
    rr += 1 / rank;
  }
  return { from, to, n, p1: n ? p1 / n : 0, mrr: n ? rr / n : 0 };
}

/** Combines per-fold results of one direction, weighting each fold by its number of queries. */
export function combineFolds(parts: DirectionResult[]): DirectionResult {
  const n = parts.reduce((s, r) => s + r.n, 0);
  const sum = (k: 'p1' | 'mrr') => parts.reduce((s, r) => s + r[k] * r.n, 0) / (n || 1);
  return { from: parts[0]!.from, to: parts[0]!.to, n, p1: sum('p1'), mrr: sum('mrr') };
}

/** Expected P@1 and MRR of a random ranking over n candidates. */
export function randomBaseline(n: number): { p1: number; mrr: number } {
  let h = 0;
  for (let k = 1; k <= n; k++) h += 1 / k;
  return { p1: n ? 1 / n : 0, mrr: n ? h / n : 0 };
}
