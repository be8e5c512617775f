// Loads index generations from the data directory for the service: the generation's papers and HNSW index,
// an embedder matching the one it was built with, and a search engine over them (openGenerationEngine: the
// generation's persisted lexical index and the project dictionary, the same engine the quality gate measured).
// Embedders are expensive to open (a model load), so one is kept per embedder id and shared by every generation
// built with it; it is closed only when no served generation uses it any more. The dictionary is opened once per
// process and shared by every generation.
import { join } from 'node:path';
import { dataPaths, type Config } from '../config.js';
import type { Embedder, EmbedderInfo } from '../embed/types.js';
import { openEmbedder } from '../embed/select.js';
import { openGenerationStore, type GenerationStore } from '../index/generations.js';
import { readManifest } from '../index/manifest.js';
import { openDictionary, type Dictionary } from '../lang/dictionary.js';
import { openGenerationEngine } from '../index/open-engine.js';
import type { PhaseListener } from '../search/engine.js';
import type { Logger } from '../log.js';
import type { Progress } from '../util/progress.js';
import { createPaperDirectory } from './papers.js';
import type { GenerationSource, LoadedGeneration } from './state.js';

interface SharedEmbedder {
  embedder: Embedder;
  users: number;
}

export interface DataDirSource extends GenerationSource {
  readonly store: GenerationStore;
  /**
   * The embedder new builds must use: the served generation's, or the configured one before any build
   * (opening it may first derive model files, e.g. the static embedder's tables: `progress` shows that).
   */
  embedderForBuild(progress?: Progress): Promise<Embedder>;
  close(): Promise<void>;
}

export function dataDirSource(config: Config, logger: Logger, onPhase?: PhaseListener): DataDirSource {
  const store = openGenerationStore(config.dataDir);
  const embedders = new Map<string, SharedEmbedder>(); // by EmbedderInfo.id
  let latest: string | undefined; // embedder id of the most recently loaded generation
  let dictionary: Promise<Dictionary> | undefined;

  /** The dictionary, opened on first use (converting CC-CEDICT once if needed); a failed open is retried next time. */
  function sharedDictionary(): Promise<Dictionary> {
    dictionary ??= openDictionary({ modelsDir: dataPaths(config.dataDir).models, logger }).catch((err: unknown) => {
      dictionary = undefined;
      throw err;
    });
    return dictionary;
  }

  /** An embedder (the one `require` names, else the configured one), shared by id; counts one more user. */
  async function acquire(require?: EmbedderInfo, progress?: Progress): Promise<Embedder> {
    const known = require && embedders.get(require.id);
    if (known) {
      known.users++;
      return known.embedder;
    }
    const { embedder: opened } = await openEmbedder(config, { logger, ...(require ? { require } : {}), ...(progress ? { progress } : {}) });
    const existing = embedders.get(opened.info.id);
    if (existing) {
      await opened.close();
      existing.users++;
      return existing.embedder;
    }
    embedders.set(opened.info.id, { embedder: opened, users: 1 });
    return opened;
  }

  /** The embedder `built` names: `early` (opened from the manifest before it was verified) if it is that one. */
  async function builtWith(built: EmbedderInfo, early: Embedder | undefined): Promise<Embedder> {
    if (early?.info.id === built.id) return early;
    if (early) await release(early.info.id);
    return acquire(built);
  }

  async function release(id: string): Promise<void> {
    const shared = embedders.get(id);
    if (!shared || --shared.users > 0) return;
    embedders.delete(id);
    await shared.embedder.close();
  }

  return {
    store,
    current: async () => store.current(),
    fallbacks: async (current) => store.fallbacks(current),
    async builtAt(name) {
      if (!store.list().includes(name)) return undefined;
      return (await readManifest(join(store.dir, name))).createdAt;
    },
    async load(name): Promise<LoadedGeneration> {
      // the dictionary and the generation's embedder open while the generation loads, each one's reads overlapping the
      // others' parsing (at 20k papers on an idle machine: ~0.5 s, ~0.15 s and ~0.03 s); what fails is reported below
      const dictionary = sharedDictionary();
      dictionary.catch(() => {});
      const early = readManifest(join(store.dir, name)).then((m) => acquire(m.embedder)).catch(() => undefined);
      let gen;
      try {
        gen = await store.load(name, { ef: config.hnsw.ef });
      } catch (err) {
        await early.then((e) => e && release(e.info.id));
        throw err;
      }
      const embedder = await builtWith(gen.manifest.embedder, await early);
      let engine;
      try {
        // lexical.bin loads in one pass (~0.5 s at 20k papers on a loaded machine); an old generation's BM25 index is rebuilt in chunks that yield
        engine = await openGenerationEngine(gen, embedder, { dictionary: await dictionary, logger, ...(onPhase ? { onPhase } : {}) });
      } catch (err) {
        await release(embedder.info.id);
        throw err;
      }
      latest = embedder.info.id;
      const papers = createPaperDirectory(gen.papers);
      return {
        snapshot: {
          generation: gen.name,
          builtAt: gen.manifest.createdAt,
          papers,
          engine,
          embedder: embedder.info,
          vectors: gen.index.size,
          documents: papers.documentNames().length,
        },
        dispose: () => release(embedder.info.id),
      };
    },
    async embedderForBuild(progress) {
      const served = latest ? embedders.get(latest) : undefined;
      if (served) return served.embedder;
      // nothing served yet: open the configured embedder; the source keeps this reference until close()
      return acquire(undefined, progress);
    },
    async close() {
      for (const { embedder } of embedders.values()) await embedder.close().catch(() => {});
      embedders.clear();
    },
  };
}
