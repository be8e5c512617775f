// A read-only key -> value lookup over the bytes of a TSV file (`key <TAB> value` lines), with no JavaScript object
// per entry: the bytes themselves plus an open-addressing hash table of line offsets in typed arrays. The dictionary's
// two CC-CEDICT files hold 232k entries, read at every start of a server or a reindex: built as a Map of strings that
// took ~150 ms and ~40 MB of heap (every line decoded and every key hashed by the Map); this decodes only what is
// looked up.

export interface TsvLookup {
  /** The value of the line whose key is exactly `key` (the last such line), or undefined. */
  get(key: string): string | undefined;
  has(key: string): boolean;
  /** Every key, in file order (decoded on each call: for whole-vocabulary passes, not lookups). */
  keys(): string[];
}

const NL = 0x0a;
const TAB = 0x09;

/** Indexes TSV bytes (UTF-8); a non-empty line without a key before a tab is an error naming file:line. */
export function tsvLookup(bytes: Buffer, file: string): TsvLookup {
  const lines = lineOffsets(bytes, file);
  const slots = new Int32Array(tableSize(lines.count)).fill(-1); // line number per slot, -1 empty
  const mask = slots.length - 1;
  const hashes = new Int32Array(lines.count); // per line, its key's: most probes end at a differing hash, without comparing bytes
  /** Whether `line`'s key is the bytes [from, to) of `src`, whose hash is `hash`. */
  const keyIs = (line: number, hash: number, src: Uint8Array, from: number, to: number) =>
    hashes[line] === hash && lines.tab[line]! - lines.start[line]! === to - from && bytes.compare(src, from, to, lines.start[line]!, lines.tab[line]!) === 0;
  /** The slot holding the key [from, to) of `src`, or the empty slot where it would go. */
  const slotOf = (src: Uint8Array, from: number, to: number, hash = fnv1a(src, from, to)) => {
    let s = hash & mask;
    while (slots[s] !== -1 && !keyIs(slots[s]!, hash, src, from, to)) s = (s + 1) & mask;
    return s;
  };
  for (let line = 0; line < lines.count; line++) {
    hashes[line] = fnv1a(bytes, lines.start[line]!, lines.tab[line]!);
    slots[slotOf(bytes, lines.start[line]!, lines.tab[line]!, hashes[line])] = line; // a repeated key: the later line wins, as in a Map
  }
  const find = (key: string): number => {
    const utf8 = Buffer.from(key, 'utf8');
    const line = slots[slotOf(utf8, 0, utf8.length)]!;
    // equal bytes, and the same string (a lone surrogate in `key` encodes as U+FFFD's bytes)
    return line >= 0 && bytes.toString('utf8', lines.start[line], lines.tab[line]) === key ? line : -1;
  };
  return {
    get(key) {
      const line = find(key);
      return line < 0 ? undefined : bytes.toString('utf8', lines.tab[line]! + 1, lines.end[line]);
    },
    has: (key) => find(key) >= 0,
    keys: () => Array.from({ length: lines.count }, (_, line) => bytes.toString('utf8', lines.start[line], lines.tab[line])),
  };
}

interface Lines {
  count: number;
  /** Per non-empty line: the offsets of its first byte, of its first tab (the key's end) and of its end. */
  start: Int32Array;
  tab: Int32Array;
  end: Int32Array;
}

function lineOffsets(bytes: Buffer, file: string): Lines {
  let most = 1;
  for (let at = bytes.indexOf(NL); at >= 0; at = bytes.indexOf(NL, at + 1)) most++;
  const lines: Lines = { count: 0, start: new Int32Array(most), tab: new Int32Array(most), end: new Int32Array(most) };
  let lineNo = 0;
  for (let at = 0; at < bytes.length; ) {
    lineNo++;
    const nl = bytes.indexOf(NL, at);
    const end = nl < 0 ? bytes.length : nl;
    if (end > at) {
      const tab = bytes.indexOf(TAB, at);
      if (tab <= at || tab > end) throw new Error(`${file}:${lineNo}: malformed line`);
      lines.start[lines.count] = at;
      lines.tab[lines.count] = tab;
      lines.end[lines.count++] = end;
    }
    at = end + 1;
  }
  return lines;
}

/** A power of two at least twice the entries: short probe runs. */
function tableSize(entries: number): number {
  let size = 16;
  while (size < 2 * entries) size *= 2;
  return size;
}

/** 32-bit FNV-1a of the bytes [from, to), as a signed integer (what an Int32Array holds). */
function fnv1a(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h | 0;
}
