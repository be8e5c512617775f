// A word table: words, int8 vectors with a per-row scale (4x smaller than float32, cosine error ~1e-3) and a
// per-row weight. Stored as three files per language; loading is a read plus typed-array views.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { hashFiles } from '../../util/hash-files.ts';

export interface WordTable {
  words: string[]; // sorted by UTF-16 code units, so lookups are a binary search (no index to build on load)
  dimensions: number;
  vectors: Int8Array; // rows x dimensions
  scales: Float32Array; // value = int8 * scale
  weights: Float32Array; // SIF weight of the word
}

export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** Accumulates float rows during a build and quantises them. */
export class TableBuilder {
  private words: string[] = [];
  private rows: Float32Array[] = [];
  private rowWeights: number[] = [];
  private position = new Map<string, number>();
  constructor(readonly dimensions: number) {}

  has(word: string): boolean {
    return this.position.has(word);
  }

  /** Adds a row (the builder keeps the Float32Array it is given); the first row for a word wins. */
  add(word: string, vector: Float32Array, weight: number): void {
    if (this.position.has(word) || word.includes('\n')) return;
    this.position.set(word, this.words.length);
    this.words.push(word);
    this.rows.push(vector);
    this.rowWeights.push(weight);
  }

  /** A row as added (float, before quantisation), for deriving other rows during the build. */
  get(word: string): { vector: Float32Array; weight: number } | undefined {
    const i = this.position.get(word);
    return i === undefined ? undefined : { vector: this.rows[i]!, weight: this.rowWeights[i]! };
  }

  get size(): number {
    return this.words.length;
  }

  build(): WordTable {
    const n = this.words.length;
    const d = this.dimensions;
    const order = this.words.map((_, i) => i).sort((a, b) => compare(this.words[a]!, this.words[b]!));
    const vectors = new Int8Array(n * d);
    const scales = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const row = this.rows[order[r]!]!;
      let max = 0;
      for (let i = 0; i < d; i++) max = Math.max(max, Math.abs(row[i]!));
      const scale = max > 0 ? max / 127 : 1;
      scales[r] = scale;
      const base = r * d;
      const inv = 1 / scale;
      for (let i = 0; i < d; i++) vectors[base + i] = Math.round(row[i]! * inv);
    }
    return {
      words: order.map((i) => this.words[i]!),
      dimensions: d,
      vectors,
      scales,
      weights: Float32Array.from(order, (i) => this.rowWeights[i]!),
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Row of a word in a table, or -1. */
export function findWord(t: WordTable, word: string): number {
  let lo = 0;
  let hi = t.words.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const w = t.words[mid]!;
    if (w === word) return mid;
    if (w < word) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function tableFiles(lang: string) {
  return { words: `${lang}.words.txt`, vectors: `${lang}.vectors.i8`, rows: `${lang}.rows.f32` };
}

function digest(buf: Uint8Array): FileDigest {
  return { bytes: buf.byteLength, sha256: createHash('sha256').update(buf).digest('hex') };
}

/** Writes a table's three files and returns their digests (recorded in model.json for integrity checks). */
export async function writeTable(dir: string, lang: string, t: WordTable): Promise<Record<string, FileDigest>> {
  const names = tableFiles(lang);
  const rows = new Float32Array(t.words.length * 2);
  rows.set(t.scales, 0);
  rows.set(t.weights, t.words.length);
  const files: [string, Uint8Array][] = [
    [names.words, Buffer.from(t.words.join('\n'), 'utf8')],
    [names.vectors, new Uint8Array(t.vectors.buffer, t.vectors.byteOffset, t.vectors.byteLength)],
    [names.rows, new Uint8Array(rows.buffer)],
  ];
  const out: Record<string, FileDigest> = {};
  for (const [name, buf] of files) {
    await writeFile(join(dir, name), buf);
    out[name] = digest(buf);
  }
  return out;
}

/** Reads a table, checking every file against its recorded size and hash; a mismatch names the file. */
export async function readTable(dir: string, lang: string, dims: number, expected: Record<string, FileDigest>): Promise<WordTable> {
  const names = tableFiles(lang);
  const files = [names.words, names.vectors, names.rows];
  for (const name of files) if (!expected[name]) throw new Error(`${join(dir, 'model.json')}: no digest recorded for ${name}`);
  // hashed on a worker thread while this one reads and splits (~50 MB of tables: ~0.1 s of sha256 off the main thread)
  const hashes = hashFiles(files.map((name) => join(dir, name)));
  const load = async (name: string, i: number): Promise<Buffer> => {
    const path = join(dir, name);
    const [buf, got] = await Promise.all([readFile(path), hashes[i]!]).catch((e: Error) => {
      throw new Error(`${path}: cannot read (${e.message})`);
    });
    const want = expected[name]!;
    // the bytes read are the bytes hashed unless the file changed in between: then the size or the hash differs
    if (got.bytes !== want.bytes || got.sha256 !== want.sha256 || buf.byteLength !== want.bytes) {
      throw new Error(`${path}: corrupt (expected ${want.bytes} bytes sha256 ${want.sha256.slice(0, 12)}, got ${got.bytes} bytes sha256 ${got.sha256.slice(0, 12)})`);
    }
    return buf;
  };
  const [wordBuf, vecBuf, rowBuf] = (await Promise.all(files.map(load))) as [Buffer, Buffer, Buffer];
  // sorted by the builder; the digest check above is what guarantees it is still the builder's file
  const words = wordBuf.toString('utf8').split('\n');
  const n = words.length;
  if (vecBuf.byteLength !== n * dims || rowBuf.byteLength !== n * 8) {
    throw new Error(`${join(dir, names.vectors)}: ${n} words but ${vecBuf.byteLength} vector bytes / ${rowBuf.byteLength} row bytes`);
  }
  // copy into aligned buffers: Buffer slices from the pool may not be 4-byte aligned for Float32Array
  const rows = new Float32Array(n * 2);
  new Uint8Array(rows.buffer).set(rowBuf);
  return {
    words,
    dimensions: dims,
    vectors: new Int8Array(vecBuf.buffer, vecBuf.byteOffset, vecBuf.byteLength),
    scales: rows.subarray(0, n),
    weights: rows.subarray(n),
  };
}
