// Content-defined segments: a long list stored as several files so that a change to a few items rewrites a few
// files and the rest stay byte-identical (shared between index generations, or between catalogue versions).

/**
 * Cuts `items` into segments that end after an item whose key hashes to 0 modulo `per` (about `per` items per
 * segment). Boundaries depend only on the items at them, so items added or removed elsewhere leave the other
 * segments unchanged, which fixed-size chunks would not. Always at least one segment.
 */
export function contentSegments<T>(items: readonly T[], key: (item: T) => string, per: number): T[][] {
  const segments: T[][] = [[]];
  for (const item of items) {
    segments.at(-1)!.push(item);
    if (fnv1a(key(item)) % per === 0) segments.push([]);
  }
  if (segments.length > 1 && segments.at(-1)!.length === 0) segments.pop();
  return segments;
}

/** 32-bit FNV-1a: a cheap, stable hash for segment boundaries. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Something known about segments (the file each was read from or written as), by the very item objects each holds:
 * a segment cut again from the same objects, in the same order, is the same content and need not be serialised
 * again. Kept by its first item, weakly.
 */
export class KnownSegments<T extends object, V> {
  private readonly byFirst = new WeakMap<T, { items: readonly T[]; value: V }>();

  remember(items: readonly T[], value: V): V {
    if (items[0]) this.byFirst.set(items[0], { items, value });
    return value;
  }

  /** What was remembered for exactly these objects in this order, if anything. */
  find(items: readonly T[]): V | undefined {
    const known = items[0] && this.byFirst.get(items[0]);
    return known && known.items.length === items.length && known.items.every((x, i) => x === items[i]) ? known.value : undefined;
  }
}
