// The embedding seam. A paper is embedded as one vector per language view so neither language is
// truncated away; the HNSW index stores (paperId, view) entries.

export type ViewName = 'en' | 'zh';

export interface View {
  paperId: string;
  view: ViewName;
  text: string;
}

export interface EmbedderInfo {
  id: string; // stable identity, e.g. "transformers:Xenova/multilingual-e5-small:q8" or "static:zh-en-v1"
  dimensions: number;
  settings: Record<string, unknown>; // everything that changes the vectors (model, dtype, pooling, prefixes...)
}

export interface Embedder {
  readonly info: EmbedderInfo;
  /** Unit-length vectors for document/passage texts, one per input, same order. */
  embedDocuments(texts: string[]): Promise<Float32Array[]>;
  /** Unit-length vector for a search query (models like e5 use a different prefix for queries). */
  embedQuery(text: string): Promise<Float32Array>;
  close(): Promise<void>;
}
