// A catalogue with part of some papers held out, for fitting on queries that do not copy indexed text: a sentence
// of a paper's English abstract asked of an index where that paper has no abstract is the cross-language search the
// product exists for, while the same sentence asked of the full index is a copy that the lexical channel always wins.
// The held-out papers are re-tokenised into a side lexical index (the others' postings are copied, so every BM25
// statistic is the catalogue's) and their remaining views re-embedded; the HNSW index is used as it is, with the
// held-out papers' stored views hidden and their new vectors scored beside it.
import type { Paper } from '../catalogue/types.js';
import { paperViews } from '../embed/views.js';
import type { ViewName } from '../embed/types.js';
import type { VectorHit, VectorIndex, VectorKey } from '../embed/vector-index.js';
import { cosine } from './dense.js';
import { createEngineContext, type EngineContext } from './engine.js';
import { updateLexicalIndex } from './lexical.js';

const EMBED_BATCH = 64;

/**
 * An engine context over `papers` with each paper of `heldOut` (same id, some text removed) in place of the
 * original: both channels see only the text it kept.
 */
export async function heldOutContext(ctx: EngineContext, papers: readonly Paper[], heldOut: readonly Paper[]): Promise<EngineContext> {
  const replaced = new Map(heldOut.map((p) => [p.id, p]));
  const after = papers.map((p) => replaced.get(p.id) ?? p);
  const lexical = (await updateLexicalIndex(ctx.lexical, papers, after)).index;
  const vectors = new Map<string, Map<ViewName, Float32Array>>(heldOut.map((p) => [p.id, new Map()]));
  const views = heldOut.flatMap(paperViews);
  for (let i = 0; i < views.length; i += EMBED_BATCH) {
    const part = views.slice(i, i + EMBED_BATCH);
    const embedded = await ctx.embedder.embedDocuments(part.map((v) => v.text));
    part.forEach((v, j) => vectors.get(v.paperId)!.set(v.view, embedded[j]!));
  }
  return createEngineContext({
    papers: after,
    index: new HeldOutIndex(ctx.index, vectors),
    embedder: ctx.embedder,
    lexical,
    dictionary: ctx.translator,
    confidence: ctx.thresholds,
    semanticWeight: ctx.semanticWeight,
    logger: ctx.logger,
  });
}

/** A read-only view of an index in which some papers' vectors are replaced (a paper may keep fewer views). */
class HeldOutIndex implements VectorIndex {
  readonly size: number;

  constructor(
    private readonly base: VectorIndex,
    private readonly replaced: ReadonlyMap<string, ReadonlyMap<ViewName, Float32Array>>,
  ) {
    const hidden = [...replaced.keys()].reduce((n, id) => n + (['en', 'zh'] as const).filter((view) => base.has({ paperId: id, view })).length, 0);
    const added = [...replaced.values()].reduce((n, views) => n + views.size, 0);
    this.size = base.size - hidden + added;
  }

  get dimensions(): number {
    return this.base.dimensions;
  }

  get deletedCount(): number {
    return this.base.deletedCount;
  }

  has(key: VectorKey): boolean {
    const own = this.replaced.get(key.paperId);
    return own ? own.has(key.view) : this.base.has(key);
  }

  vector(key: VectorKey): Float32Array | undefined {
    const own = this.replaced.get(key.paperId);
    return own ? own.get(key.view) : this.base.vector(key);
  }

  keys(): VectorKey[] {
    const own = [...this.replaced].flatMap(([paperId, views]) => [...views.keys()].map((view) => ({ paperId, view })));
    return [...this.base.keys().filter((k) => !this.replaced.has(k.paperId)), ...own];
  }

  search(query: Float32Array, k: number, filter?: (key: VectorKey) => boolean): VectorHit[] {
    const admit = (key: VectorKey) => !filter || filter(key);
    const hits = this.base.size > 0 ? this.base.search(query, Math.min(k, this.base.size), (key) => !this.replaced.has(key.paperId) && admit(key)) : [];
    for (const [paperId, views] of this.replaced) {
      for (const [view, v] of views) if (admit({ paperId, view })) hits.push({ paperId, view, score: cosine(query, v) });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  upsert(): void {
    throw new Error('a held-out view of an index is read-only');
  }

  remove(): boolean {
    throw new Error('a held-out view of an index is read-only');
  }

  removePaper(): number {
    throw new Error('a held-out view of an index is read-only');
  }
}
