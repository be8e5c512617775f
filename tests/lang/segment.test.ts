import { describe, it, expect } from 'vitest';
import { cut, cutForSearch, subWords } from '../../src/lang/segment.ts';
import { lexicalTerms, tokens, dominantLanguage } from '../../src/lang/text.ts';

describe('Chinese segmentation', () => {
  it('keeps glossary compounds whole that jieba alone would split', () => {
    const words = cut('本文提出一种自监督学习方法，结合对比学习与图神经网络进行预训练。');
    for (const term of ['自监督学习', '对比学习', '图神经网络', '预训练']) expect(words, term).toContain(term);
    expect(words).not.toContain('督学');
  });

  it('drops whitespace and punctuation but keeps Latin words and numbers', () => {
    expect(cut('基于 Transformer 的模型，（BERT）！')).toEqual(['基于', 'Transformer', '的', '模型', 'BERT']);
  });

  it('search mode adds sub-words so 蛋白 matches text that says 蛋白质', () => {
    expect(cut('蛋白质结构')).not.toContain('蛋白');
    expect(cutForSearch('蛋白质结构')).toEqual(expect.arrayContaining(['蛋白', '蛋白质', '结构']));
    const doc = new Set(lexicalTerms('深度学习预测蛋白质结构'));
    for (const t of lexicalTerms('蛋白')) expect(doc.has(t), t).toBe(true);
  });

  it('lists the dictionary sub-words of a word, longest first', () => {
    const parts = subWords('图神经网络');
    expect(parts).toContain('神经网络');
    expect(parts).not.toContain('图神经网络');
    expect(parts[0]!.length).toBeGreaterThanOrEqual(parts.at(-1)!.length);
  });
});

describe('mixed-script tokens', () => {
  it('tags Chinese words and lower-cased English words, dropping stop words of both', () => {
    expect(tokens('基于Transformer的自监督学习 for Few-Shot learners')).toEqual([
      { text: 'transformer', lang: 'en' },
      { text: '自监督学习', lang: 'zh' },
      { text: 'few-shot', lang: 'en' },
      { text: 'learners', lang: 'en' },
    ]);
  });

  it('lexical terms stem English and are the same for documents and queries', () => {
    expect(lexicalTerms('Learning transformers')).toEqual(['learn', 'transform']);
    expect(lexicalTerms('self-supervised')).toEqual(['self-supervis', 'self', 'supervis']);
  });

  it('finds the dominant language of a text', () => {
    expect(dominantLanguage('本文提出一种基于Transformer的方法')).toBe('zh');
    expect(dominantLanguage('A transformer method for 图像')).toBe('en');
    expect(dominantLanguage('')).toBe('en');
  });
});
