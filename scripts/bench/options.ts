export interface BenchOptions {
  /** Smaller sizes for a smoke run; full sizes otherwise. */
  quick: boolean;
}
