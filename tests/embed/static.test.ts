// The offline bilingual static embedder with its real model (built once into the shared test cache).
import { describe, it, expect, beforeAll } from 'vitest';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStaticEmbedder, StaticEmbedder, staticModelDir, loadModel } from '../../src/embed/static/index.ts';
import type { LoadedModel } from '../../src/embed/static/model.ts';
import { parseDocument } from '../../src/ingest/document.ts';
import { evaluateDirection, randomBaseline } from '../../src/embed/static/crosslingual-eval.ts';
import { derivePapers } from '../../src/catalogue/merge.ts';
import { DICTIONARY_DIR } from '../../src/lang/dictionary.ts';
import type { Progress } from '../../src/util/progress.ts';
import type { DocumentRecord } from '../../src/catalogue/types.ts';
import { SHARED_MODELS_DIR, sharedStaticModel } from './static-fixture.ts';

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (a: Float32Array) => Math.sqrt(cos(a, a));

function recordingProgress(): Progress & { labels: string[] } {
  const labels: string[] = [];
  return { labels, start: (_total, label) => labels.push(label), tick() {}, stop() {} };
}

let model: LoadedModel;
let embedder: StaticEmbedder;

beforeAll(async () => {
  model = await sharedStaticModel();
  embedder = new StaticEmbedder(model);
});

describe('static embedder vectors', () => {
  it('are 100-d, unit length, for Chinese, English, mixed, unknown-only and empty text', async () => {
    const texts = ['自监督学习', 'Masked autoencoders are scalable vision learners', '基于Transformer的预训练模型', 'qwzx vbnm', '', '，。！'];
    const vs = await embedder.embedDocuments(texts);
    expect(vs).toHaveLength(texts.length);
    for (const v of vs) {
      expect(v.length).toBe(100);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(embedder.info.dimensions).toBe(100);
  });

  it('are deterministic: same text, same vector, across calls and across loads', async () => {
    const text = '本文提出一种用于蛋白质结构预测的图神经网络';
    const a = await embedder.embedQuery(text);
    const b = (await embedder.embedDocuments([text]))[0]!;
    const c = await new StaticEmbedder(await loadModel(staticModelDir(SHARED_MODELS_DIR))).embedQuery(text);
    expect([...b]).toEqual([...a]);
    expect([...c]).toEqual([...a]);
  });

  it('put a Chinese query nearer its English paper than unrelated papers', async () => {
    const papers = [
      'Highly accurate protein structure prediction with deep learning',
      'Deep reinforcement learning for robot locomotion',
      'Contrastive learning of visual representations',
      'Denoising diffusion probabilistic models for image generation',
      'Knowledge distillation for compressing large language models',
    ];
    const queries: [string, number][] = [
      ['蛋白质结构预测', 0],
      ['强化学习 机器人', 1],
      ['视觉表示的对比学习', 2],
      ['扩散模型 图像生成', 3],
      ['大语言模型的知识蒸馏', 4],
    ];
    const docs = await embedder.embedDocuments(papers);
    for (const [q, want] of queries) {
      const qv = await embedder.embedQuery(q);
      const scores = docs.map((d) => cos(qv, d));
      const best = scores.indexOf(Math.max(...scores));
      expect(papers[best], q).toBe(papers[want]);
    }
  });

  it('give English terms missing from the word vectors a meaning from their parts or the glossary', async () => {
    const [pre, pre2, zh, other] = await embedder.embedDocuments(['pretraining', 'pre-training', '预训练', 'weather forecast']);
    expect(cos(pre!, pre2!)).toBeGreaterThan(0.5);
    expect(cos(pre!, zh!)).toBeGreaterThan(cos(pre!, other!));
  });
});

describe('cross-lingual quality on the seed newsletters', () => {
  it('retrieves the English title from the Chinese summary well above chance (measured P@1 0.63)', async () => {
    const docs: DocumentRecord[] = [];
    for (const name of (await readdir('seeds')).filter((n) => n.endsWith('.txt'))) {
      docs.push(parseDocument(name, await readFile(join('seeds', name), 'utf8')).record);
    }
    const papers = derivePapers(docs);
    const r = await evaluateDirection(embedder, papers, 'zhSummary', 'enTitle');
    expect(r.n).toBeGreaterThanOrEqual(30);
    expect(r.p1).toBeGreaterThanOrEqual(0.45);
    expect(r.mrr).toBeGreaterThan(5 * randomBaseline(r.n).mrr);
  });
});

describe('model identity and files', () => {
  it('has an id naming the model version and a hash of the built statistics', () => {
    expect(embedder.info.id).toBe(`static:zh-en-v1:${model.manifest.hash}`);
    expect(model.manifest.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(embedder.info.settings).toMatchObject({ model: 'static-zh-en-v1', hash: model.manifest.hash });
    // an ablation is a different vector space and must not share the id
    expect(new StaticEmbedder(model, { weighted: false, center: true, removeComponent: true }).info.id).not.toBe(embedder.info.id);
  });

  it('reopens an existing build without rebuilding', async () => {
    const progress = recordingProgress();
    const again = await openStaticEmbedder({ modelsDir: SHARED_MODELS_DIR, progress });
    expect(progress.labels).toEqual([]);
    expect(again.info.id).toBe(embedder.info.id);
  });

  it('refuses a corrupt model file with a clear error, and openStaticEmbedder rebuilds the same model', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'papersift-static-'));
    try {
      for (const sub of [DICTIONARY_DIR, 'static-zh-en-v1']) await cp(join(SHARED_MODELS_DIR, sub), join(modelsDir, sub), { recursive: true });
      const file = join(staticModelDir(modelsDir), 'zh.vectors.i8');
      const bytes = await readFile(file);
      bytes[12345] = bytes[12345]! ^ 0x7f;
      await writeFile(file, bytes);
      await expect(loadModel(staticModelDir(modelsDir))).rejects.toThrow(/zh\.vectors\.i8: corrupt/);

      const progress = recordingProgress();
      const rebuilt = await openStaticEmbedder({ modelsDir, progress });
      expect(progress.labels).toEqual(['static embedder: English words', 'static embedder: Chinese words']);
      expect(rebuilt.info.id).toBe(embedder.info.id); // the build is deterministic
      const text = '多模态预训练模型';
      expect([...(await rebuilt.embedQuery(text))]).toEqual([...(await embedder.embedQuery(text))]);
      expect((await readdir(modelsDir)).sort()).toEqual([DICTIONARY_DIR, 'static-zh-en-v1']); // no temp dirs left
    } finally {
      await rm(modelsDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('refuses an edited model.json whose hash no longer matches', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'papersift-static-'));
    try {
      await cp(staticModelDir(SHARED_MODELS_DIR), staticModelDir(modelsDir), { recursive: true });
      const path = join(staticModelDir(modelsDir), 'model.json');
      const m = JSON.parse(await readFile(path, 'utf8'));
      m.stats.component[0] += 0.5;
      await writeFile(path, JSON.stringify(m));
      await expect(loadModel(staticModelDir(modelsDir))).rejects.toThrow(/model\.json: hash does not match/);
    } finally {
      await rm(modelsDir, { recursive: true, force: true });
    }
  });
});
