// The VectorIndex over hnswlib-node.
//
// Space: hnswlib 'cosine'. The addon normalises every added point and every query natively, so scores are
// true cosine similarities (1 - distance) even when an embedder's output is a rounding error off unit length;
// on unit vectors this is the same graph 'ip' would build.
// Labels: hnswlib stores integer labels. Each (paperId, view) gets a fresh label on every upsert and labels are
// never reused, so a deleted entry (markDelete) can never be confused with a live one; compaction renumbers.
import { join } from 'node:path';
import type { HierarchicalNSW } from 'hnswlib-node';
import type { ViewName } from '../embed/types.js';
import type { VectorHit, VectorIndex, VectorKey } from '../embed/vector-index.js';
import { hnswlib } from './native.js';
import { IndexFileError } from './errors.js';
import { noProgress, type Progress } from '../util/progress.js';
import { readFileFewTurns } from '../util/read-file.js';
import { writeFileWhole } from '../util/write-file.js';

export interface HnswParams {
  M: number;
  efConstruction: number;
  ef: number;
}

export interface HnswOptions extends HnswParams {
  dimensions: number;
  /** Initial capacity; the graph grows on demand. */
  capacity?: number;
}

export const HNSW_FILE = 'hnsw.bin';
export const LABELS_FILE = 'labels.json';
const MIN_CAPACITY = 1024;
const SEED = 100; // fixed: the same inputs build the same graph

interface Entry {
  label: number;
  textHash?: string;
}

/** labels.json: the label <-> (paperId, view) mapping of live entries, plus the next unused label. */
interface LabelsFile {
  format: 1;
  dimensions: number;
  nextLabel: number;
  entries: [label: number, paperId: string, view: ViewName, textHash: string | null][];
}

const keyString = (k: VectorKey) => `${k.paperId}\u0000${k.view}`;

export class HnswIndex implements VectorIndex {
  private readonly byKey = new Map<string, Entry>();
  private readonly byLabel = new Map<number, VectorKey>();
  private nextLabel = 0;

  private constructor(
    private graph: HierarchicalNSW,
    readonly dimensions: number,
    private params: HnswParams,
  ) {}

  static create(opts: HnswOptions): HnswIndex {
    const { M, efConstruction, ef } = opts;
    return new HnswIndex(newGraph(opts, Math.max(opts.capacity ?? 0, MIN_CAPACITY)), opts.dimensions, { M, efConstruction, ef });
  }

  /** Reads hnsw.bin + labels.json from `dir`; any unreadable or inconsistent file is an IndexFileError naming it. */
  static async load(dir: string, params: HnswParams): Promise<HnswIndex> {
    const labelsPath = join(dir, LABELS_FILE);
    const labels = parseLabels(labelsPath, await readFileFewTurns(labelsPath).then((b) => b.toString('utf8')).catch((e: Error) => fail(labelsPath, e.message)));
    const binPath = join(dir, HNSW_FILE);
    const graph = new (hnswlib().lib.HierarchicalNSW)('cosine', labels.dimensions);
    await graph.readIndex(binPath).catch((e: Error) => fail(binPath, `unreadable (${e.message})`));
    graph.setEf(params.ef);
    const index = new HnswIndex(graph, labels.dimensions, { M: params.M, efConstruction: params.efConstruction, ef: params.ef });
    const inGraph = new Set(graph.getIdsList());
    for (const [label, paperId, view, textHash] of labels.entries) {
      if (!inGraph.has(label)) fail(labelsPath, `label ${label} (${paperId} ${view}) is not in ${HNSW_FILE}`);
      index.remember({ paperId, view }, label, textHash ?? undefined);
    }
    if (graph.getCurrentCount() < labels.entries.length) fail(binPath, 'holds fewer entries than labels.json lists');
    index.nextLabel = labels.nextLabel;
    return index;
  }

  /**
   * A second, independent copy of this index, which was loaded from `dir` and not changed since (a generation's files
   * never change): the graph is read again from hnsw.bin, the labels are copied from memory rather than parsed again.
   */
  async copyFrom(dir: string, params: HnswParams): Promise<HnswIndex> {
    const binPath = join(dir, HNSW_FILE);
    const graph = new (hnswlib().lib.HierarchicalNSW)('cosine', this.dimensions);
    await graph.readIndex(binPath).catch((e: Error) => fail(binPath, `unreadable (${e.message})`));
    graph.setEf(params.ef);
    const copy = new HnswIndex(graph, this.dimensions, { M: params.M, efConstruction: params.efConstruction, ef: params.ef });
    for (const [k, e] of this.byKey) copy.byKey.set(k, e); // entries are replaced on change, never changed in place
    for (const [label, key] of this.byLabel) copy.byLabel.set(label, key);
    copy.nextLabel = this.nextLabel;
    return copy;
  }

  /** Writes hnsw.bin and labels.json into `dir` (the generation store fsyncs them and makes the directory switch atomic). */
  async save(dir: string): Promise<string[]> {
    await this.graph.writeIndex(join(dir, HNSW_FILE));
    const file: LabelsFile = {
      format: 1,
      dimensions: this.dimensions,
      nextLabel: this.nextLabel,
      entries: [...this.byLabel].map(([label, key]) => [label, key.paperId, key.view, this.textHash(key) ?? null]),
    };
    await writeFileWhole(join(dir, LABELS_FILE), JSON.stringify(file));
    return [HNSW_FILE, LABELS_FILE];
  }

  get size(): number {
    return this.byKey.size;
  }

  get deletedCount(): number {
    return this.graph.getCurrentCount() - this.byKey.size;
  }

  get capacity(): number {
    return this.graph.getMaxElements();
  }

  get hnswParams(): HnswParams {
    return { ...this.params };
  }

  /** Deleted share of the graph, 0..1: compaction pays off when this passes a threshold. */
  get deletedRatio(): number {
    const total = this.graph.getCurrentCount();
    return total === 0 ? 0 : this.deletedCount / total;
  }

  setEf(ef: number): void {
    this.params = { ...this.params, ef };
    this.graph.setEf(ef);
  }

  has(key: VectorKey): boolean {
    return this.byKey.has(keyString(key));
  }

  /** Hash of the text the stored vector was embedded from (lets incremental builds skip unchanged views). */
  textHash(key: VectorKey): string | undefined {
    return this.byKey.get(keyString(key))?.textHash;
  }

  upsert(key: VectorKey, vector: Float32Array, textHash?: string): void {
    const point = this.checkVector(vector, `vector for ${key.paperId} ${key.view}`);
    this.remove(key);
    if (this.graph.getCurrentCount() >= this.graph.getMaxElements()) this.graph.resizeIndex(this.graph.getMaxElements() * 2);
    const label = this.nextLabel++;
    this.graph.addPoint(point, label);
    this.remember(key, label, textHash);
  }

  remove(key: VectorKey): boolean {
    const ks = keyString(key);
    const entry = this.byKey.get(ks);
    if (!entry) return false;
    this.graph.markDelete(entry.label);
    this.byKey.delete(ks);
    this.byLabel.delete(entry.label);
    return true;
  }

  removePaper(paperId: string): number {
    const views = this.keys().filter((k) => k.paperId === paperId);
    for (const k of views) this.remove(k);
    return views.length;
  }

  vector(key: VectorKey): Float32Array | undefined {
    const entry = this.byKey.get(keyString(key));
    return entry ? Float32Array.from(this.graph.getPoint(entry.label)) : undefined;
  }

  keys(): VectorKey[] {
    return [...this.byLabel.values()];
  }

  search(query: Float32Array, k: number, filter?: (key: VectorKey) => boolean): VectorHit[] {
    if (!Number.isInteger(k) || k < 1) throw new Error(`search: k must be a positive integer, got ${k}`);
    const point = this.checkVector(query, 'search query');
    const n = Math.min(k, this.size);
    if (n === 0) return [];
    // hnswlib skips deleted entries and labels the filter rejects while it walks the graph, so it keeps
    // exploring until it has n accepted entries (or has seen every reachable one).
    const accept = filter
      ? (label: number) => {
          const key = this.byLabel.get(label);
          return key !== undefined && filter(key);
        }
      : undefined;
    const { neighbors, distances } = this.graph.searchKnn(point, n, accept);
    return neighbors.map((label, i) => {
      const key = this.byLabel.get(label)!;
      return { paperId: key.paperId, view: key.view, score: 1 - distances[i]! };
    });
  }

  /**
   * Rebuilds a fresh graph from the live vectors, dropping deleted entries (markDelete only hides them).
   * Keys and text hashes are kept; labels are renumbered.
   */
  compact(progress: Progress = noProgress): { before: number; after: number } {
    const before = this.graph.getCurrentCount();
    const live = [...this.byKey].map(([, e]) => ({ key: this.byLabel.get(e.label)!, entry: e, point: this.graph.getPoint(e.label) }));
    this.graph = newGraph({ ...this.params, dimensions: this.dimensions }, Math.max(MIN_CAPACITY, Math.ceil(live.length * 1.25)));
    this.byKey.clear();
    this.byLabel.clear();
    this.nextLabel = 0;
    progress.start(live.length, 'compacting');
    try {
      for (const { key, entry, point } of live) {
        const label = this.nextLabel++;
        this.graph.addPoint(point, label);
        this.remember(key, label, entry.textHash);
        progress.tick();
      }
    } finally {
      progress.stop();
    }
    return { before, after: this.graph.getCurrentCount() };
  }

  private remember(key: VectorKey, label: number, textHash: string | undefined): void {
    this.byKey.set(keyString(key), { label, ...(textHash ? { textHash } : {}) });
    this.byLabel.set(label, { paperId: key.paperId, view: key.view });
  }

  private checkVector(vector: Float32Array, what: string): number[] {
    if (vector.length !== this.dimensions) throw new Error(`${what}: expected ${this.dimensions} dimensions, got ${vector.length}`);
    let norm = 0;
    for (const x of vector) norm += x * x;
    if (!Number.isFinite(norm) || norm === 0) throw new Error(`${what}: vector must be finite and non-zero`);
    return Array.from(vector);
  }
}

function newGraph(opts: HnswOptions, capacity: number): HierarchicalNSW {
  const graph = new (hnswlib().lib.HierarchicalNSW)('cosine', opts.dimensions);
  graph.initIndex(capacity, opts.M, opts.efConstruction, SEED);
  graph.setEf(opts.ef);
  return graph;
}

function fail(file: string, problem: string): never {
  throw new IndexFileError(file, problem);
}

function parseLabels(path: string, text: string): LabelsFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    fail(path, `not valid JSON (${(e as Error).message})`);
  }
  const f = data as Partial<LabelsFile>;
  if (f?.format !== 1 || !Number.isInteger(f.dimensions) || !Number.isInteger(f.nextLabel) || !Array.isArray(f.entries)) {
    fail(path, 'not a labels file (expected format 1 with dimensions, nextLabel, entries)');
  }
  f.entries.forEach((e, i) => {
    if (!Array.isArray(e) || !Number.isInteger(e[0]) || typeof e[1] !== 'string' || (e[2] !== 'en' && e[2] !== 'zh')) {
      fail(path, `entry ${i} is malformed: ${JSON.stringify(e)}`);
    }
  });
  return f as LabelsFile;
}
