// The paper model shared by every stage after parsing. Parsers emit ParsedPaper items per document;
// the catalogue derives Paper records by merging all items that share an identity.

export type LinkKind = 'paper' | 'pdf' | 'code' | 'hub' | 'other';
export interface Link {
  kind: LinkKind;
  url: string;
}

export type DocumentFormat = 'weekly' | 'daily';

/** Where an item came from: enough to point a reader at file:line. */
export interface SourceRef {
  document: string; // document name (the file's base name, or the name given to POST /api/documents)
  documentTitle?: string;
  issue?: string; // e.g. "52" for 《预训练周刊》第52期
  format: DocumentFormat;
  section?: string; // e.g. 论文推荐 | 研究动态 | main | 另外几篇值得关注的论文
  position: number; // 1-based order of the item in its document
  line: number; // 1-based line where the item starts
}

/** One paper as read from one document, before merging. */
export interface ParsedPaper {
  title: { en?: string; zh?: string };
  authors: string[];
  affiliations: string[];
  categories: string[]; // tags like CV, LG, CL (without brackets)
  summary: { zh?: string; en?: string }; // zh: Chinese summary; en: English abstract
  links: Link[];
  source: SourceRef;
}

/** The merged, canonical record. */
export interface Paper {
  id: string; // arxiv:<id> | doi:<doi> | title:<stable hash of normalised title>
  arxivId?: string;
  doi?: string;
  title: { en?: string; zh?: string };
  authors: string[];
  affiliations: string[];
  categories: string[];
  summary: { zh?: string; en?: string };
  links: Link[];
  sources: SourceRef[];
  /** Sources that word the title differently from `title` (which comes from the earliest-ingested source). */
  titleVariants?: TitleVariant[];
  date?: string; // ISO date (YYYY-MM) when known, e.g. derived from a new-style arXiv id
  /** When the catalogue first saw the paper: the earliest `ingestedAt` of its source documents (ISO timestamp). */
  firstSeen?: string;
}

export interface TitleVariant {
  title: { en?: string; zh?: string };
  document: string;
  line: number;
}

export interface IngestWarning {
  file: string;
  line: number;
  message: string;
}

export interface DocumentRecord {
  name: string;
  path?: string;
  sha256: string;
  format: DocumentFormat;
  title?: string;
  issue?: string;
  ingestedAt: string;
  /**
   * 1-based order in which the document first entered the catalogue, kept across edits; it decides which source
   * names a paper. Absent in catalogues written before it existed (those documents count as earliest, by ingestedAt).
   */
  ingestOrder?: number;
  /**
   * The file's size and modification time when it was last read (file-sourced documents): a file found with both
   * unchanged is not read again. Absent for uploads and in catalogues written before it existed.
   */
  stat?: FileStat;
  items: ParsedPaper[];
}

export interface FileStat {
  size: number;
  mtimeMs: number;
}

export interface IngestReport {
  documents: { name: string; status: 'new' | 'changed' | 'unchanged' | 'failed' | 'removed'; papers: number; error?: string }[];
  added: string[]; // paper ids
  updated: string[];
  unchanged: string[];
  removed: string[];
  merged: string[]; // ids of papers that now combine items from more than one document
  warnings: IngestWarning[];
}

/** The catalogue seam: the ingest pipeline and search read and write papers only through this. */
export interface Catalogue {
  papers(): Paper[];
  get(id: string): Paper | undefined;
  /** Canonical id, bare arXiv id (any version/URL form), DOI or doi.org URL. */
  resolve(idOrRef: string): Paper | undefined;
  documents(): DocumentRecord[];
  /** Replace (or add) documents and drop others by name, re-derive papers, persist atomically. */
  commit(change: { upsert: DocumentRecord[]; remove: string[] }): Promise<IngestReport>;
}
