import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { seedCorpus, writeTestModel } from '../../scripts/testmodel/generate.js';
import { onnx } from '../../scripts/testmodel/onnx-builder.js';
import { TINY } from '../../scripts/testmodel/params.js';
import { buildWordPieceVocab } from '../../scripts/testmodel/vocab.js';
import { openTransformersEmbedder } from '../../src/embed/transformers.js';

const sha = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];

describe('test-model generator', () => {
  let root: string;
  let corpus: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'papersift-gen-'));
    corpus = await seedCorpus();
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('is deterministic: the same parameters give byte-identical files, another seed other weights', async () => {
    await writeTestModel(join(root, 'a', 'm'), TINY, corpus);
    await writeTestModel(join(root, 'b', 'm'), TINY, corpus);
    await writeTestModel(join(root, 'c', 'm'), { ...TINY, seed: 7 }, corpus);
    for (const f of FILES) expect(await sha(join(root, 'b', 'm', f)), f).toBe(await sha(join(root, 'a', 'm', f)));
    expect(await sha(join(root, 'c', 'm', 'onnx/model.onnx'))).not.toBe(await sha(join(root, 'a', 'm', 'onnx/model.onnx')));
    expect(await sha(join(root, 'c', 'm', 'tokenizer.json'))).toBe(await sha(join(root, 'a', 'm', 'tokenizer.json')));
  });

  it('takes the architecture as parameters: a 3-layer, 48-hidden, 4-head model loads with 48-d vectors', async () => {
    const modelsDir = join(root, 'custom');
    await writeTestModel(join(modelsDir, 'x/custom'), { ...TINY, layers: 3, hidden: 48, heads: 4, ffn: 96, maxPositions: 32 }, corpus);
    const e = await openTransformersEmbedder({ model: 'x/custom', modelsDir, dtype: 'fp32', offline: true });
    expect(e.info.dimensions).toBe(48);
    expect(e.info.settings.maxLength).toBe(32);
    expect((await e.embedQuery('预训练 pretraining'))[0]).toEqual(expect.any(Number));
    await e.close();
  });

  it('has the Xenova exports\' I/O, and the q8 file is int8 weights with DynamicQuantizeLinear + MatMulInteger', async () => {
    await writeTestModel(join(root, 'io', 'm'), TINY, corpus);
    const dir = join(root, 'io', 'm', 'onnx');
    for (const file of ['model.onnx', 'model_quantized.onnx']) {
      const session = await ort.InferenceSession.create(join(dir, file));
      expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
      expect(session.outputNames).toEqual(['last_hidden_state']);
      await session.release();
    }
    const ops = (f: string) => readFile(join(dir, f)).then((b) => onnx.ModelProto.decode(b).graph!);
    const [fp32, q8] = [await ops('model.onnx'), await ops('model_quantized.onnx')];
    const count = (g: typeof fp32, op: string) => g.node!.filter((n) => n.opType === op).length;
    const linears = TINY.layers * 6; // q, k, v, attention output, FFN in, FFN out
    expect(count(fp32, 'MatMulInteger')).toBe(0);
    expect(count(q8, 'MatMulInteger')).toBe(linears);
    expect(count(q8, 'DynamicQuantizeLinear')).toBe(linears);
    const int8 = q8.initializer!.filter((t) => t.dataType === onnx.TensorProto.DataType.INT8 && t.dims!.length === 2);
    expect(int8).toHaveLength(linears + 1); // + the word-embedding table
  });

  it('rejects impossible architectures, naming the parameter', async () => {
    await expect(writeTestModel(join(root, 'bad1'), { ...TINY, hidden: 30, heads: 4 }, corpus)).rejects.toThrow(/hidden \(30\) must be divisible by heads \(4\)/);
    await expect(writeTestModel(join(root, 'bad2'), { ...TINY, layers: 0 }, corpus)).rejects.toThrow(/parameter layers must be a positive integer/);
    await expect(writeTestModel(join(root, 'bad3'), { ...TINY, vocabSize: 100 }, corpus)).rejects.toThrow(/vocabSize 100 is too small/);
  });

  it('learns a WordPiece vocabulary from the corpus: specials first, seed words, ## pieces and CJK characters', () => {
    const vocab = buildWordPieceVocab(corpus, 4096);
    expect(vocab).toHaveLength(4096);
    expect(vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    for (const t of ['pretraining', 'transformer', 'learning', '##s', '预', '训', '练', '蛋', '。']) expect(vocab, t).toContain(t);
    expect(new Set(vocab).size).toBe(vocab.length);
  });
});
