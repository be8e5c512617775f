/** Bad search input (a request field out of range, a malformed filter). `parameter` names the offending field. */
export class SearchInputError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'SearchInputError';
  }
}
