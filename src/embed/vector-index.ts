import type { ViewName } from './types.js';

export interface VectorKey {
  paperId: string;
  view: ViewName;
}

export interface VectorHit extends VectorKey {
  score: number; // cosine similarity in [-1, 1]
}

/** The vector-store seam. Vectors are unit length; score is cosine similarity. */
export interface VectorIndex {
  readonly dimensions: number;
  /** Live (not deleted) entries. */
  readonly size: number;
  /** Deleted entries still occupying the graph (compaction candidates). */
  readonly deletedCount: number;
  has(key: VectorKey): boolean;
  upsert(key: VectorKey, vector: Float32Array): void;
  remove(key: VectorKey): boolean;
  /** Removes every view of a paper; returns how many entries were removed. */
  removePaper(paperId: string): number;
  /** The stored vector of an entry (used for related-paper lookups). */
  vector(key: VectorKey): Float32Array | undefined;
  keys(): VectorKey[];
  /** k nearest live entries; `filter` is applied inside the HNSW search so k results come back when k exist. */
  search(query: Float32Array, k: number, filter?: (key: VectorKey) => boolean): VectorHit[];
}
