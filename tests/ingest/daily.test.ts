// The daily arXiv digest, checked against what the seed digests say (counts and fields read off the files).
import { describe, expect, it } from 'vitest';
import { parseSeed } from './seeds.js';

describe('daily digest 2021-06', async () => {
  const { record, warnings } = await parseSeed('daily-arxiv-2021-06.txt');
  const items = record.items;

  it('has 5 numbered and 4 further items, all complete', () => {
    expect(record.format).toBe('daily');
    expect(items).toHaveLength(9);
    expect(items.filter((i) => i.source.section === 'main')).toHaveLength(5);
    expect(items.filter((i) => i.source.section === '另外几篇值得关注的论文')).toHaveLength(4);
    expect(warnings).toEqual([]);
  });

  it('reads a numbered item: tag, title, authors, affiliation, Chinese title and summary, abstract, link', () => {
    const beit = items[0]!;
    expect(beit.categories).toEqual(['CV']);
    expect(beit.title).toEqual({ en: 'BEiT: BERT Pre-Training of Image Transformers', zh: 'BEIT:图像Transformer的BERT预训练' });
    expect(beit.authors).toEqual(['H Bao', 'L Dong', 'F Wei']);
    expect(beit.affiliations).toEqual(['Microsoft Research']);
    expect(beit.summary.zh).toMatch(/^本文提出一种自监督视觉表示模型BEIT/);
    expect(beit.summary.en).toMatch(/^We introduce a self-supervised vision representation model BEIT/);
    expect(beit.summary.en).toMatch(/\(85\.2%; Dosovitskiy et al\., 2020\)\.$/);
    expect(beit.links).toEqual([{ kind: 'other', url: 'https://weibo.com/1402400261/KkxbEwaR8' }]);
    expect(beit.source).toMatchObject({ document: 'daily-arxiv-2021-06.txt', format: 'daily', position: 1, line: 3 });
  });

  it('splits "A & B & C" affiliations and keeps initials in author names', () => {
    const ssl = items[2]!;
    expect(ssl.title.en).toBe('Self-Supervised Learning with Kernel Dependence Maximization');
    expect(ssl.authors).toEqual(['Y Li', 'R Pogodin', 'D J. Sutherland', 'A Gretton']);
    expect(ssl.affiliations).toEqual(['DeepMind', 'UCL', 'UBC']);
    expect(items[4]!.authors).toEqual(['Y Chen', 'A Krämer', 'N E. Charron', 'B E. Husic', 'C Clementi', 'F Noé']);
  });

  it('reads the unnumbered items: English title, Chinese title, authors, affiliation, link', () => {
    const qa = items[5]!;
    expect(qa.categories).toEqual(['CL']);
    expect(qa.title).toEqual({
      en: 'Question Answering Infused Pre-training of General-Purpose Contextualized Representations',
      zh: '问答注入的通用上下文化表示预训练',
    });
    expect(qa.authors).toEqual(['R Jia', 'M Lewis', 'L Zettlemoyer']);
    expect(qa.affiliations).toEqual(['Facebook AI Research']);
    expect(qa.summary).toEqual({});
    expect(qa.links).toEqual([{ kind: 'other', url: 'https://weibo.com/1402400261/KkxAKC1ax' }]);
    expect(qa.source).toMatchObject({ section: '另外几篇值得关注的论文', position: 6, line: 68 });
    const softq = items[8]!;
    expect(softq.title).toEqual({ en: 'Text Generation with Efficient (Soft) Q-Learning', zh: '基于高效(软)Q-Learning的文本生成' });
    expect(softq.affiliations).toEqual(['CMU', 'UC San Diego']);
  });
});

describe('daily digest 2022-09', async () => {
  const { record, warnings } = await parseSeed('daily-arxiv-2022-09.txt');
  const items = record.items;

  it('has 5 numbered and 4 further items, all complete', () => {
    expect(items).toHaveLength(9);
    expect(items.map((i) => i.categories[0])).toEqual(['LG', 'LG', 'CL', 'LG', 'LG', 'LG', 'CV', 'CL', 'LG']);
    expect(warnings).toEqual([]);
  });

  it('drops "..." from truncated author and affiliation lists', () => {
    const gnal = items[0]!;
    expect(gnal.title).toEqual({ en: 'A Generalist Neural Algorithmic Learner', zh: '通用神经算法学习器' });
    expect(gnal.authors).toEqual(['B Ibarz', 'V Kurin', 'G Papamakarios']);
    expect(gnal.affiliations).toEqual(['DeepMind', 'University of Oxford', 'IDSIA', 'Mila', 'Purdue University']);
    expect(gnal.links).toEqual([{ kind: 'paper', url: 'https://arxiv.org/abs/2209.11142' }]);
    const spice = items[1]!;
    expect(spice.authors).toEqual(['P Eastman', 'P K Behara']);
    expect(spice.affiliations).toEqual(['Stanford University', 'University of California, Irvine', 'Open Molecular Software Foundation']);
  });

  it('reads the Chinese title as the first sentence of the Chinese paragraph', () => {
    const setfit = items[2]!;
    expect(setfit.title).toEqual({ en: 'Efficient Few-Shot Learning Without Prompts', zh: '无提示的高效少样本学习' });
    expect(setfit.summary.zh).toMatch(/^最近的一些方法,如参数高效微调\(PEFT\)/);
    expect(setfit.summary.en).toMatch(/Our code1 and datasets2 are made publicly available\.$/);
  });

  it('reads the last unnumbered item without the copyright footer', () => {
    const last = items[8]!;
    expect(last.title).toEqual({ en: 'Deep Linear Networks can Benignly Overfit when Shallow Ones Do', zh: '浅层线性网络过拟合时深度线性网络可以良性过拟合' });
    expect(last.authors).toEqual(['N S. Chatterji', 'P M. Long']);
    expect(last.affiliations).toEqual(['Stanford University', 'Google']);
    expect(last.links).toEqual([{ kind: 'paper', url: 'https://arxiv.org/abs/2209.09315' }]);
    expect(last.summary).toEqual({});
  });
});

describe('page chrome', async () => {
  const files = ['weekly-pretraining-no28.txt', 'weekly-pretraining-no36.txt', 'weekly-pretraining-no52.txt', 'daily-arxiv-2021-06.txt', 'daily-arxiv-2022-09.txt'];
  const docs = await Promise.all(files.map(parseSeed));
  const chrome = /\.(png|jpe?g)\b|image\.png|二维码|扫描|红包|余额|充值|评论|点赞|收藏|了解详情|版权|转自|智源社区-预训练-交流群|hope_wisdom/;

  it('never leaks into any field of any seed item', () => {
    for (const { record } of docs) {
      for (const item of record.items) {
        const fields = [item.title.en, item.title.zh, ...item.authors, ...item.affiliations, ...item.categories, item.summary.zh, item.summary.en, ...item.links.map((l) => l.url)];
        for (const f of fields) if (f) expect(f, `${record.name} item ${item.source.position}`).not.toMatch(chrome);
      }
    }
  });

  it('gives 51 items across the five seeds', () => {
    expect(docs.map((d) => d.record.items.length)).toEqual([12, 12, 9, 9, 9]);
  });
});
