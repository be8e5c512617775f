// The one way to open a search engine over an index generation (the service, the reindex quality gate): its
// papers and HNSW index, the bridge and lexical index persisted with it, and the project dictionary for
// cross-language expansion. Generations written before lexical indexes were persisted (or by another lexical analyzer) still
// open: their lexical index is rebuilt from the papers, in chunks that yield to the event loop, with a warning.
import type { Embedder } from '../embed/types.js';
import type { Paper } from '../catalogue/types.js';
import type { GenerationFile, GenerationLexical, LoadedGeneration } from './generations.js';
import { IndexFileError } from './errors.js';
import { silentLogger, type Logger } from '../log.js';
import { noProgress, type Progress } from '../util/progress.js';
import type { Translator } from '../search/analyzer.js';
import type { ConfidenceThresholds } from '../search/confidence.js';
import { createSearchEngine, type PhaseListener } from '../search/engine.js';
import { buildLexicalIndexAsync, lexicalAnalyzerId, loadLexicalIndex, LexicalIndexLoadError, writtenLexicalIndex, type LexicalIndex } from '../search/lexical.js';
import type { SearchEngine } from '../search/types.js';
import { loadShippedBridge, parseBridge, type Bridge } from '../lang/bridge.js';

export interface OpenEngineOptions {
  /** Cross-language expansion: the project dictionary (openDictionary). Without it, the glossary alone. */
  dictionary?: Translator;
  logger?: Logger;
  /** Shows a lexical rebuild of an old generation. */
  progress?: Progress;
  confidence?: ConfidenceThresholds;
  /** Told how long each retrieval phase of every search took (the service's /metrics). */
  onPhase?: PhaseListener;
}

/** What an engine needs of a generation (a LoadedGeneration; tests may pass papers and an index alone). */
export type EngineGeneration = Pick<LoadedGeneration, 'name' | 'papers' | 'index' | 'lexical' | 'bridge'> & { manifest?: Pick<LoadedGeneration['manifest'], 'calibration'> };

export async function openGenerationEngine(gen: EngineGeneration, embedder: Embedder, opts: OpenEngineOptions = {}): Promise<SearchEngine> {
  const logger = opts.logger ?? silentLogger;
  // the lexical index's file (the largest) is read while the bridge, which says whether it can be used, is parsed,
  // unless this process already read it (see `lexicals`)
  const lexicalBytes = gen.lexical && !gen.lexical.written && lexicals.get(gen.lexical)?.papers !== gen.papers ? gen.lexical.read() : undefined;
  lexicalBytes?.catch(() => {}); // awaited only if the bridge says the file is usable
  const bridge = await generationBridge(gen);
  const lexical = await generationLexicalIndex(gen, bridge, { logger, progress: opts.progress ?? noProgress, reading: lexicalBytes });
  return createSearchEngine({
    papers: gen.papers,
    index: gen.index,
    embedder,
    lexical,
    logger,
    ...(opts.dictionary ? { dictionary: opts.dictionary } : {}),
    ...(opts.onPhase ? { onPhase: opts.onPhase } : {}),
    // the generation's own fitted cut-offs, unless the caller overrides them; without either, the embedder's priors
    ...(opts.confidence ?? gen.manifest?.calibration ? { confidence: opts.confidence ?? gen.manifest!.calibration!.confidence } : {}),
    // and the hybrid fusion weight fitted on it; without one, the prior (DEFAULT_SEMANTIC_WEIGHT)
    ...(gen.manifest?.calibration?.fusion ? { semanticWeight: gen.manifest.calibration.fusion.semanticWeight } : {}),
  });
}

/**
 * The last bridge parsed, by its file's sha256: a generation keeps its predecessor's bridge until enough papers changed
 * (src/index/bridge.ts), so a reindex's build and both engines of its gate, or a service's hot swap, open the same one.
 */
let lastBridge: { sha256: string; bridge: Bridge } | undefined;

/**
 * The lexical index read from a generation's file, by the file (a LoadedGeneration's): a generation never changes, so a
 * process that opens one twice reads, verifies and decodes it once. A reindex run's build reads the live generation's
 * to update it (an update leaves it usable), then its quality gate opens an engine over the live generation.
 */
const lexicals = new WeakMap<GenerationFile, { papers: readonly Paper[]; analyzer: string; found: Promise<PersistedLexical> }>();

/** The bridge the generation was indexed with: its own, or the shipped one for generations written before they carried one. */
export async function generationBridge(gen: Pick<EngineGeneration, 'bridge'>): Promise<Bridge> {
  if (!gen.bridge) return loadShippedBridge();
  const { sha256 } = gen.bridge;
  if (sha256 !== undefined && lastBridge?.sha256 === sha256) return lastBridge.bridge; // parsed from bytes with this hash
  const text = (await gen.bridge.read()).toString('utf8');
  let bridge: Bridge;
  try {
    bridge = parseBridge(text, gen.bridge.path);
  } catch (err) {
    throw new IndexFileError(gen.bridge.path, `unusable bridge (${(err as Error).message})`);
  }
  if (sha256 !== undefined) lastBridge = { sha256, bridge };
  return bridge;
}

type PersistedLexical = { index: LexicalIndex } | { reason: string };

/**
 * The generation's persisted lexical index built with `bridge`, or why it has none usable. A damaged file (checksum, or content this
 * format cannot read) throws IndexFileError naming the file: it is never served and never silently rebuilt. `reading`: the
 * file's bytes being read already (gen.lexical.read()).
 */
export function persistedLexicalIndex(gen: EngineGeneration, bridge: Bridge, reading?: Promise<Buffer>): Promise<PersistedLexical> {
  const file = gen.lexical;
  if (!file) return Promise.resolve({ reason: `generation ${gen.name} has no persisted lexical index (written before they were persisted)` });
  const analyzer = lexicalAnalyzerId(bridge);
  const known = lexicals.get(file);
  if (known && known.papers === gen.papers && known.analyzer === analyzer) return known.found;
  const found = readLexical(gen, file, bridge, analyzer, reading);
  lexicals.set(file, { papers: gen.papers, analyzer, found });
  // a failed read is not kept: the next open reads the file again and reports it again
  found.catch(() => lexicals.get(file)?.found === found && lexicals.delete(file));
  return found;
}

async function readLexical(gen: EngineGeneration, file: GenerationLexical, bridge: Bridge, analyzer: string, reading?: Promise<Buffer>): Promise<PersistedLexical> {
  if (file.analyzer !== analyzer) {
    return { reason: `generation ${gen.name}'s lexical index was written by lexical analyzer ${file.analyzer}, this version is ${analyzer}` };
  }
  try {
    // the postings this process wrote into the file, unless only decoding its bytes gives what they hold
    const written = file.written && writtenLexicalIndex(file.written, gen.papers, bridge, file.path);
    return { index: written ?? loadLexicalIndex(await (reading ?? file.read()), gen.papers, bridge, file.path) };
  } catch (err) {
    if (err instanceof LexicalIndexLoadError) {
      if (err.reason === 'analyzer') return { reason: err.message };
      throw new IndexFileError(file.path, `unusable lexical index (${err.message})`);
    }
    throw err;
  }
}

async function generationLexicalIndex(gen: EngineGeneration, bridge: Bridge, o: { logger: Logger; progress: Progress; reading: Promise<Buffer> | undefined }): Promise<LexicalIndex> {
  const found = await persistedLexicalIndex(gen, bridge, o.reading);
  if ('index' in found) return found.index;
  o.logger.warn({ generation: gen.name, papers: gen.papers.length }, `${found.reason}; building it from the papers (reindex to persist one)`);
  return buildLexicalIndexAsync(gen.papers, bridge, { progress: o.progress });
}
