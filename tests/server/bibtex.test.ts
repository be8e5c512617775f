// "copy BibTeX": the entry a card copies, checked field by field for the three kinds of paper the catalogue holds.
import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/catalogue/types.js';
import { bibtex, primaryClass } from '../../src/server/web/bibtex.js';

const paper = (p: Partial<Paper>): Paper => ({ id: 'x', title: {}, authors: [], affiliations: [], categories: [], summary: {}, links: [], sources: [], ...p });

describe('BibTeX for a paper', () => {
  it('writes an arXiv paper as @misc with eprint, archivePrefix and the primary class', () => {
    const entry = bibtex(
      paper({ id: 'arxiv:2106.08254', arxivId: '2106.08254', title: { en: 'BEiT: BERT Pre-Training of Image Transformers', zh: '图像 BERT' }, authors: ['Hangbo Bao', 'Li Dong', 'Furu Wei'], categories: ['CV'], date: '2021-06' }),
    );
    expect(entry).toBe(
      [
        '@misc{bao2021beit,',
        '  title = {BEiT: BERT Pre-Training of Image Transformers},',
        '  author = {Bao, Hangbo and Dong, Li and Wei, Furu},',
        '  year = {2021},',
        '  eprint = {2106.08254},',
        '  archivePrefix = {arXiv},',
        '  primaryClass = {cs.CV},',
        '  url = {https://arxiv.org/abs/2106.08254}',
        '}',
      ].join('\n'),
    );
  });

  it('writes a DOI-only paper as @article with its DOI and doi.org URL, and no year when the date is unknown', () => {
    const entry = bibtex(paper({ id: 'doi:10.1101/2021.10.25.465689', doi: '10.1101/2021.10.25.465689', title: { en: 'Protein language models' }, authors: ['Jane Doe'] }));
    expect(entry.startsWith('@article{doeprotein,\n')).toBe(true);
    expect(entry).toContain('  doi = {10.1101/2021.10.25.465689},');
    expect(entry).toContain('  url = {https://doi.org/10.1101/2021.10.25.465689}');
    expect(entry).not.toMatch(/year|eprint|archivePrefix/);
  });

  it('falls back to the Chinese title and the first link, and escapes what TeX treats specially', () => {
    const entry = bibtex(paper({ id: 'title:abc', title: { zh: '少样本学习 & 100% {新} $x_1$' }, authors: ['张三'], links: [{ kind: 'paper', url: 'https://example.org/p_1' }] }));
    expect(entry).toContain('title = {少样本学习 \\& 100\\% \\{新\\} \\$x\\_1\\$}');
    expect(entry).toContain('author = {张三}');
    expect(entry).toContain('url = {https://example.org/p_1}'); // URLs stay as they are
    expect(entry.startsWith('@misc{titleabc,')).toBe(true); // no ASCII to build a key from: the id
  });

  it('maps the newsletters\' category tags to arXiv classes', () => {
    expect([primaryClass('CL'), primaryClass('ML'), primaryClass('AS'), primaryClass('cs.CV'), primaryClass('stat.ML'), primaryClass('机器学习'), primaryClass(undefined)]).toEqual([
      'cs.CL',
      'stat.ML',
      'eess.AS',
      'cs.CV',
      'stat.ML',
      undefined,
      undefined,
    ]);
  });
});
