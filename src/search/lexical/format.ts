// lexical.bin: the postings as raw bytes, loaded without parsing them. Layout: a little-endian uint32 header length,
// the JSON header (format, analyzer id, counts, and where each section lies), then the sections, each 4-byte
// aligned (offsets in the header count from the first section): the terms and paper ids as UTF-8 text with their UTF-16 lengths, and the postings arrays as they sit in
// memory. Loading views the arrays in place (no copy when the buffer is aligned) and cuts the strings from one decode.
import { endianness } from 'node:os';
import { FIELD_COUNT, type PostingsData } from './postings.js';

const FORMAT = 'papersift-lexical-bin';
const BYTE_ORDER = endianness();

type SectionName = 'terms' | 'termLengths' | 'ids' | 'idLengths' | 'offsets' | 'docs' | 'tfs';

interface Header {
  format: typeof FORMAT;
  analyzer: string;
  byteOrder: 'LE' | 'BE';
  papers: number;
  terms: number;
  postings: number;
  /** Byte offset (from the first section) and length of each section. */
  sections: Record<SectionName, [number, number]>;
}

/** A persisted index that cannot be used: `reason` says why (another analyzer, not this format, other papers). */
export class LexicalIndexLoadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'analyzer' | 'invalid' | 'papers',
    detail: string,
  ) {
    super(`lexical index ${file}: ${detail}`);
    this.name = 'LexicalIndexLoadError';
  }
}

const align4 = (n: number) => (n + 3) & ~3;

/** Strings as UTF-8 text plus each one's UTF-16 length (so any character, separators included, round-trips). */
function packStrings(strings: readonly string[]): { text: Uint8Array; lengths: Uint32Array } {
  return { text: Buffer.from(strings.join(''), 'utf8'), lengths: Uint32Array.from(strings, (s) => s.length) };
}

function unpackStrings(text: Uint8Array, lengths: Uint32Array): string[] {
  const all = Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
  const out = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) out[i] = all.slice(at, (at += lengths[i]!));
  if (at !== all.length) throw new Error('string lengths do not match the text');
  return out;
}

export function encodePostings(data: PostingsData, analyzer: string): Buffer {
  const terms = packStrings(data.terms);
  const ids = packStrings(data.ids);
  const parts: Record<SectionName, ArrayBufferView> = {
    terms: terms.text,
    termLengths: terms.lengths,
    ids: ids.text,
    idLengths: ids.lengths,
    offsets: data.offsets,
    docs: data.docs,
    tfs: data.tfs,
  };
  const sections = {} as Header['sections'];
  let size = 0;
  for (const [name, v] of Object.entries(parts) as [SectionName, ArrayBufferView][]) {
    sections[name] = [size, v.byteLength];
    size = align4(size + v.byteLength);
  }
  const header: Header = { format: FORMAT, analyzer, byteOrder: BYTE_ORDER, papers: data.ids.length, terms: data.terms.length, postings: data.docs.length, sections };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = dataStart(json.length);
  const out = Buffer.alloc(start + size);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  for (const [name, v] of Object.entries(parts) as [SectionName, ArrayBufferView][]) {
    out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), start + sections[name][0]);
  }
  return out;
}

/** Where the sections start: after the length word and the header, 4-byte aligned. */
const dataStart = (headerLength: number) => align4(4 + headerLength);

/** The header of a lexical.bin (LexicalIndexLoadError when `bytes` is not one, or from a machine of other byte order). */
function readHeader(bytes: Uint8Array, file: string): { header: Header; start: number } {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.byteLength >= 4 ? view.readUInt32LE(0) : -1;
  let header: Header | undefined;
  try {
    header = length > 0 && length <= view.byteLength - 4 ? (JSON.parse(view.toString('utf8', 4, 4 + length)) as Header) : undefined;
  } catch {
    header = undefined;
  }
  if (header?.format !== FORMAT) throw new LexicalIndexLoadError(file, 'invalid', `not a ${FORMAT} file`);
  if (header.byteOrder !== BYTE_ORDER) throw new LexicalIndexLoadError(file, 'invalid', `written on a ${header.byteOrder} machine, this one is ${BYTE_ORDER}`);
  return { header, start: dataStart(length) };
}

/**
 * The postings stored in `bytes` (written by encodePostings with analyzer `analyzer`). `file` only names the source
 * in errors. The arrays view `bytes` when it is 4-byte aligned (a file read whole is), else a copy.
 */
export function decodePostings(bytes: Uint8Array, analyzer: string, file: string): PostingsData {
  const { header, start } = readHeader(bytes, file);
  if (header.analyzer !== analyzer) throw new LexicalIndexLoadError(file, 'analyzer', `written by lexical analyzer ${header.analyzer}, this version is ${analyzer}`);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  const section = (name: SectionName): [number, number] => {
    const [at, length] = header.sections?.[name] ?? [];
    if (!Number.isInteger(at) || !Number.isInteger(length) || at! % 4 !== 0 || at! < 0 || start + at! + length! > aligned.byteLength) {
      throw new LexicalIndexLoadError(file, 'invalid', `section ${name} is missing or outside the file`);
    }
    return [aligned.byteOffset + start + at!, length!];
  };
  const bytesOf = (name: SectionName) => {
    const [at, length] = section(name);
    return new Uint8Array(aligned.buffer, at, length);
  };
  const u32 = (name: SectionName, count: number) => {
    const [at, length] = section(name);
    if (length !== count * 4) throw new LexicalIndexLoadError(file, 'invalid', `section ${name} holds ${length} bytes, expected ${count * 4}`);
    return new Uint32Array(aligned.buffer, at, count);
  };
  const { papers, terms, postings } = header;
  const offsets = u32('offsets', terms * FIELD_COUNT + 1);
  const docs = u32('docs', postings);
  const [tfsAt, tfsLength] = section('tfs');
  if (tfsLength !== postings * 2) throw new LexicalIndexLoadError(file, 'invalid', `section tfs holds ${tfsLength} bytes, expected ${postings * 2}`);
  const tfs = new Uint16Array(aligned.buffer, tfsAt, postings);
  if (offsets[terms * FIELD_COUNT] !== postings || !ascending(offsets) || !allBelow(docs, papers)) throw new LexicalIndexLoadError(file, 'invalid', 'postings do not match the header');
  try {
    return { terms: unpackStrings(bytesOf('terms'), u32('termLengths', terms)), ids: unpackStrings(bytesOf('ids'), u32('idLengths', papers)), offsets, docs, tfs };
  } catch (e) {
    if (e instanceof LexicalIndexLoadError) throw e;
    throw new LexicalIndexLoadError(file, 'invalid', (e as Error).message);
  }
}

// plain loops: a callback per posting (docs.some) costs ~30 ms at 20k papers' 3.6M postings, on every load

function ascending(a: Uint32Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i]! < a[i - 1]!) return false;
  return true;
}

function allBelow(a: Uint32Array, limit: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i]! >= limit) return false;
  return true;
}
