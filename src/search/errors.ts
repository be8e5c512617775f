/** Bad search input (a request field out of range, a malformed filter). `parameter` names the offending field. */
export class SearchInputError extends Error {
  constructor(
    readonly parameter: string,
    /** What is wrong with it (the message without the parameter name). */
    readonly detail: string,
  ) {
    super(`${parameter}: ${detail}`);
    this.name = 'SearchInputError';
  }
}
