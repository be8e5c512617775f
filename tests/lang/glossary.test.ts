import { describe, it, expect } from 'vitest';
import { loadGlossary, parseGlossary } from '../../src/lang/glossary.ts';

describe('ML glossary', () => {
  it('ships at least 300 zh-en pairs covering the field vocabulary', () => {
    const g = loadGlossary();
    expect(g.entries.length).toBeGreaterThanOrEqual(300);
    for (const [zh, en] of [
      ['预训练', 'pretraining'],
      ['自监督', 'self-supervised'],
      ['强化学习', 'reinforcement learning'],
      ['扩散模型', 'diffusion model'],
      ['图神经网络', 'graph neural network'],
      ['对比学习', 'contrastive learning'],
      ['少样本', 'few-shot'],
      ['多模态', 'multimodal'],
      ['知识蒸馏', 'knowledge distillation'],
    ]) {
      expect(g.english(zh!), zh).toContain(en);
      expect(g.chinese(en!), en).toContain(zh);
    }
  });

  it('lower-cases English variants and looks them up case-insensitively', () => {
    const g = parseGlossary('变换器\tTransformer|Transformers\n');
    expect(g.english('变换器')).toEqual(['transformer', 'transformers']);
    expect(g.chinese('TRANSFORMER')).toEqual(['变换器']);
  });

  it('merges the variants of a Chinese term listed twice instead of dropping one', () => {
    const g = parseGlossary('微调\tfine-tuning\n# comment\n\n微调\tfinetuning|fine-tuning\n');
    expect(g.english('微调')).toEqual(['fine-tuning', 'finetuning']);
  });

  it('rejects malformed lines naming file and line', () => {
    expect(() => parseGlossary('预训练\tpretraining\n预训练 pretraining\n', 'g.tsv')).toThrow(/g\.tsv:2: expected/);
    expect(() => parseGlossary('# ok\npretraining\t预训练\n', 'g.tsv')).toThrow(/g\.tsv:2: first column "pretraining" has no Chinese/);
    expect(() => parseGlossary('预训练\t | \n', 'g.tsv')).toThrow(/g\.tsv:1: no English variant/);
  });
});
