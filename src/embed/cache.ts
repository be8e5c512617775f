// The embedding cache: vectors keyed by (embedder, sha256 of the view text), so rebuilding or compacting the
// index never re-embeds text it has seen.
//
// One append-only binary file per embedder under `<dataDir>/cache/`:
//   header : "PSEMBC01" | u32 dimensions | u32 n | n bytes of JSON (EmbedderInfo), zero-padded to 4 bytes
//   record : 32-byte sha256 of the text | dimensions x float32 | u32 crc32 of the preceding bytes
// Numbers are little-endian. 100k x 384-d is ~155 MB and loads with one read (no JSON floats). A crash while
// appending leaves a torn last record: it is ignored on load and cut off before the next append; a record whose
// crc does not match (disk damage) is skipped.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import { silentLogger, type Logger } from '../log.js';
import type { EmbedderInfo } from './types.js';

const MAGIC = Buffer.from('PSEMBC01', 'latin1');

export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface CacheLoadStats {
  records: number;
  tornBytes: number; // an incomplete record at the end (crash mid-append), cut off
  corrupt: number; // complete records with a bad checksum, skipped
}

export class EmbeddingCache {
  private readonly vectors = new Map<string, Float32Array>();
  private pending: Buffer[] = [];
  private flushing: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    readonly info: EmbedderInfo,
    private handle: FileHandle | undefined,
    readonly loadStats: CacheLoadStats,
  ) {}

  /** Opens (or creates) the cache file of this embedder in `dir` (normally `dataPaths(dataDir).cache`). */
  static async open(dir: string, info: EmbedderInfo, opts: { logger?: Logger } = {}): Promise<EmbeddingCache> {
    const logger = opts.logger ?? silentLogger;
    await mkdir(dir, { recursive: true });
    const file = join(dir, cacheFileName(info));
    let loaded = existsSync(file) ? await readCacheFile(file, info) : undefined;
    if (loaded && 'badHeader' in loaded) {
      // the header is unreadable, so no record can be trusted; keep the bytes for inspection and start over
      const aside = `${file}.corrupt-${Date.now()}`;
      await rename(file, aside);
      logger.warn({ file, movedTo: aside, problem: loaded.badHeader }, 'embedding cache header unreadable; starting a new cache');
      loaded = undefined;
    }
    if (!loaded) await createCacheFile(file, info);
    else if (loaded.stats.tornBytes > 0) await truncate(file, loaded.validLength);
    const cache = new EmbeddingCache(file, info, await open(file, 'a'), loaded?.stats ?? { records: 0, tornBytes: 0, corrupt: 0 });
    for (const [k, v] of loaded?.vectors ?? []) cache.vectors.set(k, v);
    if (cache.loadStats.tornBytes || cache.loadStats.corrupt) logger.warn({ file, ...cache.loadStats }, 'embedding cache: ignored damaged records');
    return cache;
  }

  get size(): number {
    return this.vectors.size;
  }

  /** The cached vector for this exact text (shared storage: do not modify it). */
  get(text: string): Float32Array | undefined {
    return this.vectors.get(textHash(text));
  }

  /** Remembers a vector; it reaches disk on the next flush(). */
  put(text: string, vector: Float32Array): void {
    if (vector.length !== this.info.dimensions) {
      throw new Error(`EmbeddingCache.put: vector has ${vector.length} dimensions, embedder ${this.info.id} has ${this.info.dimensions}`);
    }
    const hash = textHash(text);
    if (this.vectors.has(hash)) return;
    this.vectors.set(hash, Float32Array.from(vector));
    this.pending.push(encodeRecord(hash, vector));
  }

  /** Appends pending records with one write and fsyncs, so a finished batch survives a crash. */
  flush(): Promise<void> {
    // serialised: concurrent batches finishing together must not interleave their appends
    const run = this.flushing.then(() => this.writePending());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async writePending(): Promise<void> {
    if (!this.pending.length) return;
    if (!this.handle) throw new Error(`embedding cache ${this.file} is closed`);
    const data = Buffer.concat(this.pending);
    this.pending = [];
    await this.handle.write(data);
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle?.close();
    this.handle = undefined;
  }
}

/** `<readable id>-<hash of id, dimensions and settings>.bin`: a settings change gets a fresh file. */
export function cacheFileName(info: EmbedderInfo): string {
  const slug = info.id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const identity = createHash('sha256').update(JSON.stringify([info.id, info.dimensions, sortedEntries(info.settings)])).digest('hex');
  return `${slug}-${identity.slice(0, 12)}.bin`;
}

function sortedEntries(o: Record<string, unknown>): [string, unknown][] {
  return Object.keys(o)
    .sort()
    .map((k) => [k, o[k]]);
}

function headerBytes(info: EmbedderInfo): Buffer {
  const json = Buffer.from(JSON.stringify(info), 'utf8');
  const padded = Buffer.alloc(Math.ceil(json.length / 4) * 4, 0x20);
  json.copy(padded);
  const fixed = Buffer.alloc(16);
  MAGIC.copy(fixed, 0);
  fixed.writeUInt32LE(info.dimensions, 8);
  fixed.writeUInt32LE(padded.length, 12);
  return Buffer.concat([fixed, padded]);
}

async function createCacheFile(file: string, info: EmbedderInfo): Promise<void> {
  // 'wx': if another process created it first, its file (and any records it appended) wins
  const fh = await open(file, 'wx').catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
  if (!fh) return;
  try {
    await fh.write(headerBytes(info));
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function encodeRecord(hash: string, vector: Float32Array): Buffer {
  const rec = Buffer.alloc(32 + vector.length * 4 + 4);
  Buffer.from(hash, 'hex').copy(rec, 0);
  for (let i = 0; i < vector.length; i++) rec.writeFloatLE(vector[i]!, 32 + i * 4);
  rec.writeUInt32LE(crc32(rec.subarray(0, rec.length - 4)), rec.length - 4);
  return rec;
}

type Loaded = { vectors: Map<string, Float32Array>; stats: CacheLoadStats; validLength: number } | { badHeader: string };

async function readCacheFile(file: string, info: EmbedderInfo): Promise<Loaded> {
  const buf = await readFile(file);
  if (buf.length < 16 || !buf.subarray(0, 8).equals(MAGIC)) return { badHeader: 'missing magic bytes' };
  const dims = buf.readUInt32LE(8);
  const jsonLength = buf.readUInt32LE(12);
  if (16 + jsonLength > buf.length) return { badHeader: 'header truncated' };
  let stored: EmbedderInfo;
  try {
    stored = JSON.parse(buf.subarray(16, 16 + jsonLength).toString('utf8')) as EmbedderInfo;
  } catch {
    return { badHeader: 'header JSON unreadable' };
  }
  if (stored.id !== info.id || dims !== info.dimensions) {
    return { badHeader: `written for embedder ${stored.id} (${dims}-d), not ${info.id} (${info.dimensions}-d)` };
  }
  const recordSize = 32 + dims * 4 + 4;
  const start = 16 + jsonLength;
  const count = Math.floor((buf.length - start) / recordSize);
  const vectors = new Map<string, Float32Array>();
  let corrupt = 0;
  for (let r = 0; r < count; r++) {
    const off = start + r * recordSize;
    const rec = buf.subarray(off, off + recordSize);
    if (crc32(rec.subarray(0, recordSize - 4)) !== rec.readUInt32LE(recordSize - 4)) {
      corrupt++;
      continue;
    }
    vectors.set(rec.toString('hex', 0, 32), floatsAt(buf, off + 32, dims));
  }
  const validLength = start + count * recordSize;
  return { vectors, stats: { records: vectors.size, tornBytes: buf.length - validLength, corrupt }, validLength };
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** A view into the file buffer when possible (no copy for 100k vectors), else a decoded copy. */
function floatsAt(buf: Buffer, offset: number, n: number): Float32Array {
  const byteOffset = buf.byteOffset + offset;
  if (LITTLE_ENDIAN_HOST && byteOffset % 4 === 0) return new Float32Array(buf.buffer, byteOffset, n);
  return Float32Array.from({ length: n }, (_, i) => buf.readFloatLE(offset + i * 4));
}
