// Errors the index layer raises for stored data. Each names the file (or embedders) involved and what to do,
// because these reach users of `papersift index` / `serve` directly.
import type { EmbedderInfo } from '../embed/types.js';

/** A stored index file is missing, truncated, altered or unreadable. Such a generation is never served. */
export class IndexFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`index file ${file}: ${problem}. Rebuild it with \`papersift index --full\``);
    this.name = 'IndexFileError';
  }
}

/** The index was built by another embedder than the one requested: its vectors live in another space. */
export class EmbedderMismatchError extends Error {
  constructor(
    readonly built: EmbedderInfo,
    readonly requested: EmbedderInfo,
    where: string,
    detail = '',
  ) {
    super(
      `index ${where} was built with embedder "${built.id}" (${built.dimensions}-d) but embedder "${requested.id}" ` +
        `(${requested.dimensions}-d) was requested${detail ? ` (${detail})` : ''}; run \`papersift index --full\` (or \`npm run reindex\`) to rebuild it ` +
        `with the requested embedder, or select the embedder it was built with`,
    );
    this.name = 'EmbedderMismatchError';
  }
}
