import { cp, mkdtemp, rm, truncate, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelUnavailableError } from '../../src/embed/errors.js';
import { openTransformersEmbedder } from '../../src/embed/transformers.js';
import type { Embedder } from '../../src/embed/types.js';
import { openTestEmbedder, testModel } from '../helpers/test-model.js';

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (a: Float32Array) => Math.sqrt(cos(a, a));

const EN = 'Contrastive pretraining of protein language models improves few-shot structure prediction.';
const EN_EDIT = 'Contrastive pretraining of protein language models improves zero-shot structure prediction.';
const ZH = '本文提出一种用于蛋白质结构预测的对比学习预训练方法,在小样本设置下效果显著。';
const OTHER = 'A sharing-delinking paradigm for efficient multi-trillion parameter training on GPUs.';

// The tiny model's window is 64 tokens; this text is several windows long.
const LONG_HEAD = Array.from({ length: 12 }, (_, i) => `Sentence ${i} describes the encoder architecture and its training data.`).join(' ');

describe('transformers embedder over the generated test model', () => {
  let q8: Embedder;
  beforeAll(async () => {
    q8 = await openTestEmbedder();
  });
  afterAll(() => q8.close());

  it('reports the model hidden size as its dimensions and an id naming backend, model and dtype', () => {
    expect(q8.info.dimensions).toBe(32);
    expect(q8.info.id).toMatch(/^transformers:papersift-test\/bert-random:q8:[0-9a-f]{12}$/);
    expect(q8.info.settings).toMatchObject({ pooling: 'mean', queryPrefix: 'query: ', passagePrefix: 'passage: ', maxLength: 64 });
  });

  it('gives the same vector for the same text, across calls and across separately opened embedders', async () => {
    const [a] = await q8.embedDocuments([EN]);
    const [b] = await q8.embedDocuments([EN]);
    const again = await openTestEmbedder();
    const [c] = await again.embedDocuments([EN]);
    await again.close();
    expect(Array.from(b!)).toEqual(Array.from(a!));
    expect(Array.from(c!)).toEqual(Array.from(a!));
  });

  it('returns unit-length vectors for English, Chinese and mixed documents and for queries', async () => {
    const docs = await q8.embedDocuments([EN, ZH, `${EN} ${ZH}`, 'x']);
    for (const v of [...docs, await q8.embedQuery('对比学习 pretraining')]) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(32);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it('gives different texts different vectors, and a one-word edit stays closer than an unrelated text', async () => {
    const [en, edit, zh, other] = await q8.embedDocuments([EN, EN_EDIT, ZH, OTHER]);
    expect(cos(en!, zh!)).toBeLessThan(0.99);
    expect(cos(en!, other!)).toBeLessThan(0.99);
    expect(cos(en!, edit!)).toBeGreaterThan(cos(en!, other!));
  });

  it('prepends the e5 prefixes literally: a query differs from the same text as a passage', async () => {
    const query = await q8.embedQuery(EN);
    const [passage] = await q8.embedDocuments([EN]);
    expect(cos(query, passage!)).toBeLessThan(0.9999);
    const bare = await openTestEmbedder({ settings: { queryPrefix: '', passagePrefix: '' } });
    const [asQuery, asPassage] = await bare.embedDocuments([`query: ${EN}`, `passage: ${EN}`]);
    expect(await bare.embedQuery(EN)).toEqual((await bare.embedDocuments([EN]))[0]);
    await bare.close();
    expect(cos(query, asQuery!)).toBeCloseTo(1, 5);
    expect(cos(passage!, asPassage!)).toBeCloseTo(1, 5);
  });

  it('returns results in input order whatever the batch size and concurrency', async () => {
    const texts = [EN, ZH, OTHER, EN_EDIT, 'short', `${ZH}${ZH}`, 'graph neural networks', LONG_HEAD];
    const oneByOne = await Promise.all(texts.map(async (t) => (await q8.embedDocuments([t]))[0]!));
    const batched = await openTestEmbedder({ settings: { batchSize: 3, concurrency: 2 } });
    const together = await batched.embedDocuments(texts);
    expect(batched.info.id).toBe(q8.info.id); // batching does not change the vectors, so not the id either
    await batched.close();
    together.forEach((v, i) => expect(cos(v, oneByOne[i]!)).toBeGreaterThan(0.9999));
  });

  it('embeds text longer than the model window in full: a different ending changes the vector', async () => {
    const [a, b, headOnly] = await q8.embedDocuments([
      `${LONG_HEAD} It ends with reinforcement learning for robots.`,
      `${LONG_HEAD} 最后讨论了蛋白质结构预测。`,
      LONG_HEAD,
    ]);
    expect(norm(a!)).toBeCloseTo(1, 5);
    expect(cos(a!, b!)).toBeLessThan(0.9999); // plain truncation at 64 tokens would make these identical
    expect(cos(a!, headOnly!)).toBeGreaterThan(cos(a!, (await q8.embedDocuments([OTHER]))[0]!));
  });

  it('rejects empty or non-string input, naming the position', async () => {
    await expect(q8.embedDocuments([EN, '  '])).rejects.toThrow(/embedDocuments: texts\[1\] must be a non-empty string/);
    await expect(q8.embedQuery('')).rejects.toThrow(/embedQuery: texts\[0\]/);
  });
});

describe('dtype variants', () => {
  it('loads both the int8 (MatMulInteger) and fp32 files; their vectors agree closely but ids differ', async () => {
    const q8 = await openTestEmbedder({ dtype: 'q8' });
    const fp32 = await openTestEmbedder({ dtype: 'fp32' });
    const texts = [EN, ZH, OTHER, LONG_HEAD];
    const [a, b] = [await q8.embedDocuments(texts), await fp32.embedDocuments(texts)];
    expect(fp32.info.id).not.toBe(q8.info.id);
    a.forEach((v, i) => {
      expect(cos(v, b[i]!)).toBeGreaterThan(0.99);
      expect(Array.from(v)).not.toEqual(Array.from(b[i]!)); // really two different model files
    });
    await Promise.all([q8.close(), fp32.close()]);
  });

  it('changes the id whenever a setting that changes vectors changes', async () => {
    const ids = new Set<string>();
    for (const settings of [{}, { pooling: 'cls' as const }, { queryPrefix: 'q: ' }, { passagePrefix: '' }, { maxLength: 32 }]) {
      const e = await openTestEmbedder({ settings });
      ids.add(e.info.id);
      await e.close();
    }
    expect(ids.size).toBe(5);
  });
});

describe('missing or damaged model files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'papersift-embed-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('offline with no model: names the model, the directory searched, and the fixes', async () => {
    const modelsDir = join(dir, 'empty-models');
    const err = await openTransformersEmbedder({ model: 'Xenova/multilingual-e5-small', dtype: 'q8', modelsDir, offline: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    const msg = (err as Error).message;
    expect(msg).toContain('"Xenova/multilingual-e5-small"');
    expect(msg).toContain(join(modelsDir, 'Xenova/multilingual-e5-small'));
    expect(msg).toContain('onnx/model_quantized.onnx');
    expect(msg).toMatch(/PAPERSIFT_OFFLINE/);
    expect(msg).toMatch(/PAPERSIFT_EMBEDDER=static/);
  });

  it('offline with only the fp32 file present: asking for q8 names the missing file', async () => {
    const { modelsDir, model } = testModel();
    const copy = join(dir, 'partial');
    await cp(join(modelsDir, model), join(copy, model), { recursive: true });
    await unlink(join(copy, model, 'onnx', 'model_quantized.onnx'));
    const err = await openTransformersEmbedder({ model, dtype: 'q8', modelsDir: copy, offline: true }).catch((e: unknown) => e);
    expect((err as ModelUnavailableError).missingFiles).toEqual(['onnx/model_quantized.onnx']);
    const fp32 = await openTransformersEmbedder({ model, dtype: 'fp32', modelsDir: copy, offline: true });
    expect(fp32.info.dimensions).toBe(32);
    await fp32.close();
  });

  it('finds a model under localModelPath before modelsDir', async () => {
    const { modelsDir, model } = testModel();
    const e = await openTransformersEmbedder({ model, dtype: 'q8', modelsDir: join(dir, 'nothing-here'), localModelPath: modelsDir, offline: true });
    expect(e.info.dimensions).toBe(32);
    await e.close();
  });

  it('a truncated ONNX file is reported with the directory, not served', async () => {
    const { modelsDir, model } = testModel();
    const copy = join(dir, 'corrupt');
    await cp(join(modelsDir, model), join(copy, model), { recursive: true });
    await truncate(join(copy, model, 'onnx', 'model_quantized.onnx'), 1000);
    await expect(openTransformersEmbedder({ model, dtype: 'q8', modelsDir: copy, offline: true })).rejects.toThrow(
      new RegExp(`failed to load embedding model "${model}" \\(dtype q8\\) from ${join(copy, model)}`),
    );
  });
});
