// Errors that name the document (and line, when known) they are about.

/** A document that cannot be ingested: empty, binary, not UTF-8, truncated or in no known format. */
export class IngestError extends Error {
  constructor(
    readonly document: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${document}${line ? `:${line}` : ''}: ${reason}`);
    this.name = 'IngestError';
  }
}
