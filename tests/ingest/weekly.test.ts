// The weekly digest 《预训练周刊》, checked against what the seed issues say (counts and fields read off the files).
import { describe, expect, it } from 'vitest';
import { parseSeed } from './seeds.js';
import { parseTitleLine, splitTrailingParenthetical } from '../../src/ingest/weekly.js';

describe('weekly digest No.28', async () => {
  const { record, warnings } = await parseSeed('weekly-pretraining-no28.txt');
  const items = record.items;

  it('is detected as weekly with its title and issue number', () => {
    expect(record.format).toBe('weekly');
    expect(record.issue).toBe('28');
    expect(record.title).toMatch(/^《预训练周刊》第28期:M6-10T/);
  });

  it('has 11 recommended papers and 1 research-news item', () => {
    expect(items).toHaveLength(12);
    expect(items.filter((i) => i.source.section === '论文推荐')).toHaveLength(11);
    expect(items.filter((i) => i.source.section === '研究动态')).toHaveLength(1);
  });

  it('splits institution, English and Chinese title, and keeps the pdf link', () => {
    const m6 = items[0]!;
    expect(m6.title).toEqual({
      en: 'M6-10T: A SHARING-DELINKING PARADIGM FOR EFFICIENT MULTI-TRILLION PARAMETER PRETRAINING',
      zh: 'M6-10T:用于高效多万亿参数预训练的共享去链接范式',
    });
    expect(m6.affiliations).toEqual(['阿里']);
    expect(m6.authors).toEqual(['Junyang Lin', 'An Yang', 'Hongxia Yang']);
    expect(m6.links).toEqual([{ kind: 'pdf', url: 'https://arxiv.org/pdf/2110.03888.pdf' }]);
    expect(m6.summary.zh).toMatch(/^本文介绍一种训练大模型的CPU内存并维护高GPU的方法。/);
    expect(m6.summary.zh).toMatch(/为更环保的人工智能做出贡献。$/);
    expect(m6.source).toMatchObject({ document: 'weekly-pretraining-no28.txt', issue: '28', format: 'weekly', position: 1, line: 39 });
  });

  it('strips 等 from author lists and splits "机构、机构 | " institution lists', () => {
    const mae = items[1]!;
    expect(mae.title.en).toBe('Masked Autoencoders Are Scalable Vision Learners');
    expect(mae.authors).toEqual(['Kaiming He', 'Xinlei Chen']);
    expect(mae.affiliations).toEqual(['META']);
    const climate = items[2]!;
    expect(climate.affiliations).toEqual(['德国纽伦堡大学', '苏黎世联邦理工学院', '苏黎世大学瑞士分校']);
    expect(climate.title).toEqual({ en: 'ClimateBert: A Pretrained Language Model for Climate-Related Text', zh: '气候相关文本的预训练模型' });
    expect(items[6]!.authors).toEqual(['Dheeraj Rajagopal', 'Vivek Khetan']); // "Dheeraj Rajagopal,Vivek Khetan等"
    expect(items[9]!.authors).toEqual(['Jingkang Yang', 'Ziwei Liu']); // "Jingkang Yang, Ziwei Liu 等"
    expect(items[10]!.affiliations).toEqual(['香侬科技', '佐治亚理工', '清华']); // "香侬科技、佐治亚理工、清华等"
  });

  it('classifies DOI and arXiv abs links as paper links', () => {
    expect(items[7]!.links).toEqual([{ kind: 'paper', url: 'https://doi.org/10.1101/2021.10.25.465689' }]);
    expect(items[8]!.links).toEqual([{ kind: 'paper', url: 'https://arxiv.org/abs/2110.14746v1' }]);
    expect(items[8]!.title.zh).toBe('MutFormer : 用于预测致病性错义突变的上下文依赖Transformer');
  });

  it('keeps the research-news item that has only a Chinese title, with a warning', () => {
    const news = items[11]!;
    expect(news.title).toEqual({ zh: '基于大型预训练语言模型自然语言处理的最新进展综述' });
    expect(news.affiliations).toEqual(['雷神', '哈佛', '宾大']);
    expect(news.authors).toEqual(['Bonan Min', 'Hayley Ross', 'Elior Sulem']);
    expect(news.links).toEqual([{ kind: 'pdf', url: 'http://arxiv.org/pdf/2111.01243' }]);
    expect(news.source).toMatchObject({ section: '研究动态', position: 12, line: 139 });
    expect(warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual([
      'weekly-pretraining-no28.txt:139: item 12 "基于大型预训练语言模型自然语言处理的最新进展综述" has no English title',
    ]);
  });
});

describe('weekly digest No.36', async () => {
  const { record, warnings } = await parseSeed('weekly-pretraining-no36.txt');
  const items = record.items;

  it('has 12 items (11 + 1) and no warnings', () => {
    expect(record.issue).toBe('36');
    expect(items).toHaveLength(12);
    expect(warnings).toEqual([]);
  });

  it('reads code, paper and Hub links in document order', () => {
    const adam = items[0]!;
    expect(adam.title).toEqual({ en: 'SUPER-ADAM: Faster and Universal Framework of Adaptive Gradients', zh: 'SUPER-ADAM:更快、更通用的自适应梯度框架' });
    expect(adam.affiliations).toEqual(['匹兹堡大学']);
    expect(adam.authors).toEqual(['Feihu Huang', 'Junyi Li', 'Heng Huang']);
    expect(adam.links).toEqual([
      { kind: 'code', url: 'https://github.com/LIJUNYI95/SuperAdam' },
      { kind: 'pdf', url: 'https://arxiv.org/pdf/2106.08208v9.pdf' },
      { kind: 'hub', url: 'https://hub.baai.ac.cn/view/14104' },
    ]);
  });

  it('handles "论文下载", trailing-comma author lists and question marks in titles', () => {
    const eden = items[5]!;
    expect(eden.authors).toEqual(['Yehao Li', 'Jiahao Fan', 'Yingwei Pan']); // "Yehao Li,Jiahao Fan,Yingwei Pan,等"
    expect(eden.affiliations).toEqual(['京东', '上海交大']);
    expect(eden.links[0]).toEqual({ kind: 'pdf', url: 'https://arxiv.org/pdf/2201.04026.pdf' });
    const relic = items[9]!;
    expect(relic.title.en).toBe('Pushing the limits of self-supervised ResNets: Can we outperform supervised learning without labels on ImageNet?');
    expect(relic.title.zh).toBe('突破自监督ResNet的极限:我们能否在无标签ImageNet上超越监督学习?');
    expect(relic.affiliations).toEqual(['Deepmind', '牛津']);
  });

  it('reads authors written after a non-breaking space', () => {
    expect(items[10]!.authors).toEqual(['Sara Hooker', 'Tonio Ball']);
    expect(items[11]!.title.en).toBe('A Survey of Knowledge-Enhanced Text Generation');
    expect(items[11]!.source.section).toBe('研究动态');
  });
});

describe('weekly digest No.52', async () => {
  const { record, warnings } = await parseSeed('weekly-pretraining-no52.txt');
  const items = record.items;

  it('has 7 recommended papers and 2 research-news items', () => {
    expect(record.issue).toBe('52');
    expect(items).toHaveLength(9);
    expect(items.filter((i) => i.source.section === '研究动态').map((i) => i.source.position)).toEqual([8, 9]);
  });

  it('keeps parentheses inside both titles', () => {
    expect(items[0]!.title).toEqual({
      en: 'Video PreTraining (VPT): Learning to Act by Watching Unlabeled Online Videos',
      zh: '视频预训练 (VPT):基于观看未标记的在线视频的行动学习',
    });
    expect(items[0]!.authors).toEqual(['Bowen Baker', 'Ilge Akkaya', 'Peter Zhokhov', 'Jeff Clune']);
    expect(items[4]!.title.en).toBe('Molecular Geometry Pretraining with SE(3)-Invariant Denoising Distance Matching');
    expect(items[4]!.title.zh).toBe('用SE(3)不变去噪距离匹配进行分子几何预训练');
  });

  it('splits authors separated by 、 and reads bioRxiv DOIs', () => {
    const sars = items[5]!;
    expect(sars.authors).toEqual(['Wenkai Han', 'Xin Gao']);
    expect(sars.links).toEqual([{ kind: 'paper', url: 'https://doi.org/10.1101/2022.06.23.497375' }]);
    expect(items[2]!.links).toEqual([
      { kind: 'code', url: 'https://github.com/Microsoft/GODEL' },
      { kind: 'pdf', url: 'https://arxiv.org/pdf/2206.11309v1.pdf' },
    ]);
  });

  it('keeps the item with no English title, authors or link, warning about each', () => {
    const mvp = items[8]!;
    expect(mvp.title).toEqual({ zh: '有监督预训练!文本生成又一探索!' });
    expect(mvp.authors).toEqual([]);
    expect(mvp.links).toEqual([]);
    expect(mvp.summary.zh).toMatch(/^本文收集了7种代表性生成任务的45个有标签数据集/);
    expect(mvp.summary.zh).toMatch(/在GLUE上也优于基线BART。$/);
    expect(warnings.map((w) => `${w.line}: ${w.message}`)).toEqual([
      '137: item 9 "有监督预训练!文本生成又一探索!" has no English title',
      '137: item 9 "有监督预训练!文本生成又一探索!" has no authors',
      '137: item 9 "有监督预训练!文本生成又一探索!" has no link',
    ]);
  });
});

describe('weekly title lines', () => {
  it('splits "机构|English(中文)了解详情" with ASCII or full-width bars and parentheses', () => {
    expect(parseTitleLine('谷歌｜Deep Nets (DN)（深度网络（DN））了解详情')).toEqual({
      affiliations: ['谷歌'],
      title: { en: 'Deep Nets (DN)', zh: '深度网络（DN）' },
    });
    expect(parseTitleLine('Only An English Title (OAET)')).toEqual({ affiliations: [], title: { en: 'Only An English Title (OAET)' } });
  });

  it('finds the balanced group at the end only', () => {
    expect(splitTrailingParenthetical('A (B) C(中(文))')).toEqual({ before: 'A (B) C', inside: '中(文)' });
    expect(splitTrailingParenthetical('no group')).toBeUndefined();
    expect(splitTrailingParenthetical('unbalanced)')).toBeUndefined();
  });
});
