export interface BenchOptions {
  /** Smaller sizes for a smoke run; full sizes otherwise. */
  quick: boolean;
  /** `--papers N`: the catalogue size for sections that take one (scale). */
  papers?: number;
}
