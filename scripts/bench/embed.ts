// Embedding throughput with the e5-small-shaped generated model (12 layers, 384 hidden, 250k vocab, random weights:
// the speed is the real architecture's, the vectors mean nothing). Measures texts/s for short queries and for
// abstracts at batch 1 / 8 / 32 through openTransformersEmbedder; the transformers.js pipeline against a bare
// onnxruntime-node session on the same file (pre-tokenised inputs, same pooling); and q8 against fp32.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { onnxFileFor, type Dtype } from '../../src/embed/models.js';
import { openTransformersEmbedder } from '../../src/embed/transformers.js';
import type { Embedder } from '../../src/embed/types.js';
import { ensureTestModel, seedCorpus, type EnsuredTestModel } from '../testmodel/generate.js';
import { E5_SMALL_SHAPE } from '../testmodel/params.js';
import type { BenchOptions } from './options.js';

const REPO = resolve(import.meta.dirname, '../..');
const E5_SETTINGS = { pooling: 'mean' as const, queryPrefix: 'query: ', passagePrefix: 'passage: ', maxLength: 512 };

/** Abstract-like paragraphs (English and Chinese, >= 300 chars) and short queries (title heads) from the seeds. */
async function benchTexts(): Promise<{ queries: string[]; abstracts: string[] }> {
  const dir = join(REPO, 'seeds');
  const lines = (await Promise.all((await readdir(dir)).sort().map((f) => readFile(join(dir, f), 'utf8')))).join('\n').split('\n').map((l) => l.trim());
  const abstracts = lines.filter((l) => l.length >= 300);
  const titles = lines.map((l) => /^\d+、\[[A-Z]+\]\s*(.+)$/.exec(l)?.[1] ?? /^标题:(?:[^|]*\|)?(.+)$/.exec(l)?.[1]).filter((t): t is string => !!t);
  const queries = titles.map((t) => (/[\u4e00-\u9fff]/.test(t[0] ?? '') ? t.slice(0, 8) : t.split(/\s+/).slice(0, 5).join(' ')));
  return { queries, abstracts };
}

const take = <T>(xs: T[], n: number) => Array.from({ length: n }, (_, i) => xs[i % xs.length]!);
const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

async function textsPerSecond(e: Embedder, texts: string[]): Promise<number> {
  await e.embedDocuments(texts.slice(0, 2)); // warm-up: first-run allocations and kernel selection
  const t0 = process.hrtime.bigint();
  await e.embedDocuments(texts);
  return texts.length / seconds(t0);
}

function openModel(m: EnsuredTestModel, dtype: Dtype, batchSize: number): Promise<Embedder> {
  return openTransformersEmbedder({ model: m.model, modelsDir: m.modelsDir, dtype, offline: true, settings: { ...E5_SETTINGS, batchSize } });
}

async function batchTable(m: EnsuredTestModel, kinds: Record<string, string[]>, batches: number[]) {
  const rows = [];
  for (const [kind, texts] of Object.entries(kinds)) {
    for (const b of batches) {
      const e = await openModel(m, 'q8', b);
      rows.push({ texts: kind, batch: b, n: texts.length, 'texts/s (q8)': +(await textsPerSecond(e, texts)).toFixed(1) });
      await e.close();
    }
  }
  return rows;
}

function loadTokenizer(m: EnsuredTestModel) {
  env.localModelPath = m.modelsDir;
  env.allowRemoteModels = false;
  return AutoTokenizer.from_pretrained(m.model);
}

/** The model alone: a bare InferenceSession fed pre-tokenised, padded batches, mean-pooled in JS. */
async function bareSessionRate(m: EnsuredTestModel, dtype: Dtype, texts: string[], batch: number): Promise<number> {
  const tok = await loadTokenizer(m);
  const session = await ort.InferenceSession.create(join(m.dir, onnxFileFor(dtype)));
  const batches = [];
  for (let i = 0; i < texts.length; i += batch) {
    const enc = tok(texts.slice(i, i + batch).map((t) => `passage: ${t}`), { padding: true, truncation: true });
    batches.push({ input_ids: enc.input_ids.ort_tensor, attention_mask: enc.attention_mask.ort_tensor, token_type_ids: enc.token_type_ids!.ort_tensor });
  }
  const run = async (feeds: Record<string, ort.Tensor>) => {
    const out = (await session.run(feeds)).last_hidden_state!;
    const [b, s, h] = out.dims as [number, number, number];
    const data = out.data as Float32Array;
    const mask = feeds.attention_mask!.data as BigInt64Array;
    for (let i = 0; i < b; i++) {
      const v = new Float32Array(h);
      for (let t = 0; t < s; t++) if (mask[i * s + t]) for (let d = 0; d < h; d++) v[d]! += data[(i * s + t) * h + d]!;
    }
  };
  await run(batches[0]!);
  const t0 = process.hrtime.bigint();
  for (const feeds of batches) await run(feeds);
  const rate = texts.length / seconds(t0);
  await session.release();
  return rate;
}

export default async function embedBench(opts: BenchOptions): Promise<void> {
  const t0 = process.hrtime.bigint();
  const m = await ensureTestModel(join(REPO, 'node_modules', '.cache', 'papersift'), E5_SMALL_SHAPE, await seedCorpus());
  const sizes = { q8: (await stat(join(m.dir, onnxFileFor('q8')))).size, fp32: (await stat(join(m.dir, onnxFileFor('fp32')))).size };
  console.log(`model: e5-small shape ${JSON.stringify(E5_SMALL_SHAPE)}; ${m.generated ? 'generated' : 'cached'} in ${seconds(t0).toFixed(1)} s at ${m.modelsDir}`);
  console.log(`files: fp32 ${(sizes.fp32 / 1e6).toFixed(0)} MB, q8 ${(sizes.q8 / 1e6).toFixed(0)} MB; ORT threads: library default (all cores)\n`);

  const { queries, abstracts } = await benchTexts();
  const nq = opts.quick ? 32 : 256;
  const na = opts.quick ? 16 : 96;
  const kinds = { 'short queries': take(queries, nq), abstracts: take(abstracts, na) };
  const tk = await loadTokenizer(m);
  const avgTokens = (ts: string[]) => ts.reduce((s, t) => s + Math.min(512, tk.encode(`passage: ${t}`).length), 0) / ts.length;
  console.log(`average tokens (with prefix): short queries ${avgTokens(kinds['short queries']).toFixed(1)}, abstracts ${avgTokens(kinds.abstracts).toFixed(1)}\n`);

  console.log('### texts/s by batch size (transformers.js pipeline, q8)\n');
  console.table(await batchTable(m, kinds, opts.quick ? [1, 8] : [1, 8, 32]));

  console.log('\n### transformers.js pipeline vs bare onnxruntime-node session (same file, abstracts, batch 8)\n');
  const cmp = [];
  for (const dtype of ['q8', 'fp32'] as const) {
    const e = await openModel(m, dtype, 8);
    const pipe = await textsPerSecond(e, kinds.abstracts);
    await e.close();
    const bare = await bareSessionRate(m, dtype, kinds.abstracts, 8);
    cmp.push({ dtype, 'pipeline texts/s': +pipe.toFixed(1), 'bare session texts/s': +bare.toFixed(1), 'pipeline / bare': +(pipe / bare).toFixed(2) });
  }
  console.table(cmp);
  const [q8, fp32] = cmp as [(typeof cmp)[0], (typeof cmp)[0]];

  console.log('\n### q8 vs fp32 (pipeline)\n');
  const qe = await openModel(m, 'q8', 8);
  const fe = await openModel(m, 'fp32', 8);
  const sample = kinds.abstracts.slice(0, 8);
  const [a, b] = [await qe.embedDocuments(sample), await fe.embedDocuments(sample)];
  const qShort = await textsPerSecond(qe, kinds['short queries']);
  const fShort = await textsPerSecond(fe, kinds['short queries']);
  await Promise.all([qe.close(), fe.close()]);
  const cos = a.map((v, i) => v.reduce((s, x, d) => s + x * b[i]![d]!, 0));
  console.table([
    { measure: 'abstracts texts/s (batch 8)', q8: q8['pipeline texts/s'], fp32: fp32['pipeline texts/s'], 'q8 / fp32': +(q8['pipeline texts/s'] / fp32['pipeline texts/s']).toFixed(2) },
    { measure: 'short queries texts/s (batch 8)', q8: +qShort.toFixed(1), fp32: +fShort.toFixed(1), 'q8 / fp32': +(qShort / fShort).toFixed(2) },
    { measure: 'file size MB', q8: +(sizes.q8 / 1e6).toFixed(0), fp32: +(sizes.fp32 / 1e6).toFixed(0), 'q8 / fp32': +(sizes.q8 / sizes.fp32).toFixed(2) },
  ]);
  console.log(`q8 vs fp32 vector agreement on ${cos.length} abstracts: mean cosine ${(cos.reduce((s, c) => s + c, 0) / cos.length).toFixed(4)}, min ${Math.min(...cos).toFixed(4)} (random weights: a check of the quantised graph, not of a trained model's quality)`);
}
