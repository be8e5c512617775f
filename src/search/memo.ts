// A bounded memo for pure per-key computations on the query path (a text's words, a paper's distinctive terms):
// at most `limit` entries, the oldest evicted first, so a long-running service over a large catalogue keeps a
// working set rather than a copy of everything it has ever shown.

export class BoundedMemo<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    private readonly limit: number,
    private readonly compute: (key: K) => V,
  ) {
    if (!(limit >= 1)) throw new Error(`BoundedMemo: limit must be >= 1, got ${limit}`);
  }

  get(key: K): V {
    let value = this.entries.get(key);
    if (value === undefined && !this.entries.has(key)) {
      value = this.compute(key);
      if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as K);
      this.entries.set(key, value);
    }
    return value as V;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * BoundedMemo for async computations given at the call: concurrent callers of one key share one computation, and
 * a failed one is forgotten so the next caller tries again.
 */
export class AsyncMemo<V> {
  private readonly entries = new Map<string, Promise<V>>();

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`AsyncMemo: limit must be >= 1, got ${limit}`);
  }

  get(key: string, compute: () => Promise<V>): Promise<V> {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute();
      if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, value);
      value.catch(() => this.entries.get(key) === value && this.entries.delete(key));
    }
    return value;
  }
}
