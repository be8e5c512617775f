// Merging items from several documents into one record per paper.
import { describe, expect, it } from 'vitest';
import { derivePapers } from '../../src/catalogue/merge.js';
import { normaliseTitle, titleId } from '../../src/catalogue/identity.js';
import { parseDocument } from '../../src/ingest/document.js';
import { parseSeed } from '../ingest/seeds.js';

const SEEDS = ['weekly-pretraining-no28.txt', 'weekly-pretraining-no36.txt', 'weekly-pretraining-no52.txt', 'daily-arxiv-2021-06.txt', 'daily-arxiv-2022-09.txt'];

// A daily digest that covers MAE (also in weekly No.28, which links the arXiv pdf) but links only a weibo post,
// and SETFIT (also in the 2022-09 daily) under an arXiv pdf URL with a version.
const DAILY_OVERLAP = `LG - 机器学习 CV - 计算机视觉 CL - 计算与语言

1、[CV] Masked Autoencoders Are Scalable Vision Learners

K He, X Chen, S Xie, Y Li, P Dollár, R Girshick
[Facebook AI Research (FAIR)]
掩码自编码器是可扩展的视觉学习器。本文表明,掩码自编码器(MAE)是用于计算机视觉的可扩展自监督学习器。
This paper shows that masked autoencoders (MAE) are scalable self-supervised learners for computer vision.

https://weibo.com/1402400261/L2kqoxyz1
image.png

2、[CL][LG] Efficient Few-Shot Learning Without Prompts

L Tunstall, N Reimers, U E S Jo, L Bates, D Korat, M Wasserblat, O Pereg
[Hugging Face & cohere.ai & Intel Labs]
无提示的高效少样本学习。本文提出SETFIT。
We propose SETFIT.

https://arxiv.org/pdf/2209.11055v1.pdf
`;

describe('derivePapers over the five seeds', async () => {
  const docs = await Promise.all(SEEDS.map(async (f) => (await parseSeed(f)).record));
  const papers = derivePapers(docs);

  it('gives one paper per item: the seeds share no paper', () => {
    expect(papers).toHaveLength(51);
    expect(papers.every((p) => p.sources.length === 1)).toBe(true);
    expect(new Set(papers.map((p) => p.id)).size).toBe(51);
  });

  it('ids papers by arXiv id (version stripped), else DOI, else title hash', () => {
    const ids = papers.map((p) => p.id);
    expect(ids).toContain('arxiv:2106.08208'); // https://arxiv.org/pdf/2106.08208v9.pdf
    expect(ids).toContain('arxiv:2111.01243'); // the Chinese-only research-news item of No.28
    expect(ids).toContain('doi:10.1101/2021.10.25.465689');
    expect(ids).toContain('doi:10.1101/2022.06.23.497375');
    // the 2021-06 daily links only weibo posts, so its papers have title ids
    const beit = papers.find((p) => p.title.en === 'BEiT: BERT Pre-Training of Image Transformers')!;
    expect(beit.id).toBe(titleId(`en:${normaliseTitle('BEiT: BERT Pre-Training of Image Transformers')}`));
    expect(beit.id).toMatch(/^title:[0-9a-f]{16}$/);
    expect(beit.date).toBeUndefined();
  });

  it('dates papers from new-style arXiv ids only', () => {
    expect(papers.find((p) => p.id === 'arxiv:2209.11055')!.date).toBe('2022-09');
    expect(papers.find((p) => p.id === 'arxiv:2010.04389')!.date).toBe('2020-10');
    expect(papers.find((p) => p.id === 'doi:10.1101/2021.10.25.465689')!.date).toBeUndefined();
  });

  it('orders papers by document name then position, whatever order the documents come in', () => {
    expect(derivePapers([...docs].reverse())).toEqual(papers);
    expect(papers[0]!.sources[0]).toMatchObject({ document: 'daily-arxiv-2021-06.txt', position: 1 });
    expect(papers[50]!.sources[0]).toMatchObject({ document: 'weekly-pretraining-no52.txt', position: 9 });
  });

  it('gives the item with no id and no English title a stable id from its Chinese title', () => {
    const mvp = papers.find((p) => p.title.zh === '有监督预训练!文本生成又一探索!')!;
    expect(mvp.id).toBe(titleId(`zh:${normaliseTitle('有监督预训练!文本生成又一探索!')}`));
  });
});

describe('derivePapers across documents', async () => {
  // ingested in this order: the weekly, the 2022-09 daily, then the overlapping daily
  const at = (minute: number) => `2026-01-01T00:0${minute}:00.000Z`;
  const no28 = { ...(await parseSeed('weekly-pretraining-no28.txt')).record, ingestedAt: at(1) };
  const d2209 = { ...(await parseSeed('daily-arxiv-2022-09.txt')).record, ingestedAt: at(2) };
  const overlap = { ...parseDocument('daily-overlap.txt', DAILY_OVERLAP).record, ingestedAt: at(3) };
  const papers = derivePapers([no28, d2209, overlap]);

  it('merges an item linking only a social-media post with the same English title linked to arXiv elsewhere', () => {
    expect(papers).toHaveLength(12 + 9); // MAE and SETFIT are not counted twice
    const mae = papers.find((p) => p.id === 'arxiv:2111.06377')!;
    // titles come from the earliest-ingested source (weekly No.28), not the first by name (daily-overlap.txt)
    expect(mae.title).toEqual({ en: 'Masked Autoencoders Are Scalable Vision Learners', zh: '屏蔽自编码器是可扩展的视觉学习器' });
    expect(mae.titleVariants).toEqual([{ title: { en: 'Masked Autoencoders Are Scalable Vision Learners', zh: '掩码自编码器是可扩展的视觉学习器' }, document: 'daily-overlap.txt', line: 3 }]);
    expect(mae.authors).toEqual(['K He', 'X Chen', 'S Xie', 'Y Li', 'P Dollár', 'R Girshick']); // the fuller list
    expect(mae.affiliations).toEqual(['Facebook AI Research (FAIR)', 'META']);
    expect(mae.categories).toEqual(['CV']);
    expect(mae.summary.zh).toMatch(/^本文介绍了掩码自编码器 \(MAE\)/); // the longer Chinese summary (weekly)
    expect(mae.summary.en).toBe('This paper shows that masked autoencoders (MAE) are scalable self-supervised learners for computer vision.');
    expect(mae.links).toEqual([
      { kind: 'other', url: 'https://weibo.com/1402400261/L2kqoxyz1' },
      { kind: 'pdf', url: 'https://arxiv.org/pdf/2111.06377.pdf' },
    ]);
    expect(mae.sources.map((s) => `${s.document}#${s.position}`)).toEqual(['daily-overlap.txt#1', 'weekly-pretraining-no28.txt#2']);
    expect(mae.date).toBe('2021-11');
  });

  it('merges the same arXiv id written as abs and versioned pdf URLs, keeping every link and tag', () => {
    const setfit = papers.find((p) => p.id === 'arxiv:2209.11055')!;
    expect(setfit.sources.map((s) => s.document)).toEqual(['daily-arxiv-2022-09.txt', 'daily-overlap.txt']);
    expect(setfit.categories).toEqual(['CL', 'LG']);
    expect(setfit.links.map((l) => l.url)).toEqual(['https://arxiv.org/abs/2209.11055', 'https://arxiv.org/pdf/2209.11055v1.pdf']);
    expect(setfit.authors).toHaveLength(7);
  });

  it('merges a doi.org link with a bioRxiv URL of the same DOI', () => {
    const weekly = parseDocument('w.txt', '标题:中山大学 | MuRaL(突变率学习器)了解详情\n\n论文地址:https://www.biorxiv.org/content/10.1101/2021.10.25.465689v2.full.pdf\n').record;
    const merged = derivePapers([no28, weekly]).filter((p) => p.id === 'doi:10.1101/2021.10.25.465689');
    expect(merged).toHaveLength(1);
    expect(merged[0]!.sources).toHaveLength(2);
    expect(merged[0]!.sources.map((s) => s.document)).toEqual(['w.txt', 'weekly-pretraining-no28.txt']);
    expect(merged[0]!.links.map((l) => l.kind)).toEqual(['pdf', 'paper']);
  });

  it('keeps papers apart that share a title but have different arXiv ids', () => {
    const a = parseDocument('a.txt', '标题:X|A Survey(综述)了解详情\n\n论文地址:https://arxiv.org/abs/2101.00001\n').record;
    const b = parseDocument('b.txt', '标题:Y|A survey(一个综述)了解详情\n\n论文地址:https://arxiv.org/abs/2202.00002\n').record;
    const c = parseDocument('c.txt', '1、[CL] A SURVEY\n\nA Author\n[Z]\nhttps://weibo.com/1/abc\n').record;
    const papers = derivePapers([a, b, c]);
    expect(papers.map((p) => p.id)).toEqual(['arxiv:2101.00001', 'arxiv:2202.00002']);
    // the title-only item joins the first paper with that title, not both
    expect(papers[0]!.sources.map((s) => s.document)).toEqual(['a.txt', 'c.txt']);
    expect(papers[1]!.sources.map((s) => s.document)).toEqual(['b.txt']);
  });
});
