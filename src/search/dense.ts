// The dense channel: nearest language views in the HNSW index, folded to papers (a paper scores its best view).
import type { ViewName } from '../embed/types.js';
import type { VectorIndex } from '../embed/vector-index.js';

export interface DenseHit {
  paperId: string;
  score: number; // cosine of the best view
  view: ViewName;
  views: { view: ViewName; score: number }[]; // every view that came back, best first
}

/** Top `k` papers for a query vector; `filter` runs inside HNSW so k papers come back when k match. */
export function denseSearch(index: VectorIndex, vector: Float32Array, k: number, filter?: (paperId: string) => boolean): DenseHit[] {
  if (k <= 0 || index.size === 0) return [];
  // A paper has at most two views, so 2k view hits always hold k distinct papers when k exist.
  const hits = index.search(vector, Math.min(2 * k, index.size), filter ? (key) => filter(key.paperId) : undefined);
  const byPaper = new Map<string, DenseHit>();
  for (const h of hits) {
    const prev = byPaper.get(h.paperId);
    if (prev) prev.views.push({ view: h.view, score: h.score });
    else byPaper.set(h.paperId, { paperId: h.paperId, score: h.score, view: h.view, views: [{ view: h.view, score: h.score }] });
  }
  // hits arrive best first, so the first view seen per paper is its best one
  return [...byPaper.values()].sort((a, b) => b.score - a.score).slice(0, k);
}

const VIEWS: readonly ViewName[] = ['en', 'zh'];

/** The view vectors the index stores for a paper (each a copy out of hnswlib, so read once per use). */
export function viewVectors(index: VectorIndex, paperId: string): Float32Array[] {
  const vecs: Float32Array[] = [];
  for (const view of VIEWS) {
    const v = index.vector({ paperId, view });
    if (v) vecs.push(v);
  }
  return vecs;
}

/** A paper's stored view vectors by paper id (viewVectors, or a request's reads of it: requestViews). */
export type ViewsOf = (paperId: string) => Float32Array[];

/**
 * viewVectors read once per paper for the length of one request: a recommendation needs the same papers' vectors
 * for MMR and for the evidence of what it picks, and each read copies the vector out of hnswlib.
 */
export function requestViews(index: VectorIndex): ViewsOf {
  const read = new Map<string, Float32Array[]>();
  return (paperId) => {
    let views = read.get(paperId);
    if (!views) read.set(paperId, (views = viewVectors(index, paperId)));
    return views;
  };
}

/** Best cosine between any of the query vectors and any stored view of a paper (undefined when it has no view). */
export function bestViewCosine(index: VectorIndex, vectors: readonly Float32Array[], paperId: string, viewsOf: ViewsOf = (id) => viewVectors(index, id)): number | undefined {
  let best: number | undefined;
  for (const v of viewsOf(paperId)) for (const q of vectors) best = Math.max(best ?? -1, cosine(q, v));
  return best;
}

/** Mean of a paper's stored view vectors, unit length (its "paper vector" for related/recommend/MMR). */
export function paperVector(index: VectorIndex, paperId: string, viewsOf: ViewsOf = (id) => viewVectors(index, id)): Float32Array | undefined {
  const vecs = viewsOf(paperId);
  if (vecs.length === 0) return undefined;
  return normalise(addScaled(new Float32Array(vecs[0]!.length), vecs.map((v) => [v, 1 / vecs.length] as const)));
}

export function addScaled(into: Float32Array, parts: readonly (readonly [Float32Array, number])[]): Float32Array {
  for (const [v, w] of parts) for (let i = 0; i < into.length; i++) into[i]! += w * v[i]!;
  return into;
}

export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
