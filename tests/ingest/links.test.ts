import { describe, expect, it } from 'vitest';
import { canonicalIdFromRef, classifyLink, dateFromArxivId, parsePaperRef } from '../../src/ingest/links.js';

describe('parsePaperRef', () => {
  it.each([
    ['2106.08208', '2106.08208'],
    ['2106.08208v9', '2106.08208'],
    ['arXiv:2209.11055v2', '2209.11055'],
    ['0704.0001', '0704.0001'],
    ['https://arxiv.org/pdf/2106.08208v9.pdf', '2106.08208'],
    ['http://arxiv.org/pdf/2111.01243', '2111.01243'],
    ['https://arxiv.org/abs/2110.14746v1', '2110.14746'],
    ['arxiv.org/abs/2209.11142?context=cs', '2209.11142'],
    ['https://export.arxiv.org/abs/2209.11142/', '2209.11142'],
    ['https://www.arxiv.org/pdf/2010.04389v3', '2010.04389'],
    ['hep-th/9901001', 'hep-th/9901001'],
    ['hep-th/9901001v3', 'hep-th/9901001'],
    ['https://arxiv.org/abs/math.AG/0309136v1', 'math.AG/0309136'],
    ['https://arxiv.org/pdf/HEP-TH/9901001.pdf', 'hep-th/9901001'],
    ['10.48550/arXiv.2209.11055', '2209.11055'],
  ])('reads the arXiv id in %s', (input, id) => {
    expect(parsePaperRef(input)).toEqual({ arxivId: id });
  });

  it.each([
    ['https://doi.org/10.1101/2021.10.25.465689', '10.1101/2021.10.25.465689'],
    ['10.1101/2022.06.23.497375', '10.1101/2022.06.23.497375'],
    ['doi:10.1038/S41586-021-03819-2', '10.1038/s41586-021-03819-2'],
    ['https://dx.doi.org/10.1145/3442188.3445922', '10.1145/3442188.3445922'],
    ['https://www.biorxiv.org/content/10.1101/2021.11.15.468653v1', '10.1101/2021.11.15.468653'],
    ['https://www.biorxiv.org/content/10.1101/2021.11.15.468653v2.full.pdf', '10.1101/2021.11.15.468653'],
    ['https://www.medrxiv.org/content/10.1101/2020.04.20.20072744v1.full', '10.1101/2020.04.20.20072744'],
  ])('reads the DOI in %s, lower-cased', (input, doi) => {
    expect(parsePaperRef(input)).toEqual({ doi });
  });

  it.each(['', 'transformers', '2106.082', '12345.67890', 'https://weibo.com/1402400261/KkxbEwaR8', 'https://github.com/Microsoft/GODEL', '10.1101'])(
    'returns undefined for %j',
    (input) => {
      expect(parsePaperRef(input)).toBeUndefined();
    },
  );
});

describe('canonicalIdFromRef', () => {
  it('prefers the arXiv id, then the DOI', () => {
    expect(canonicalIdFromRef({ arxivId: '2209.11055', doi: '10.48550/arxiv.2209.11055' })).toBe('arxiv:2209.11055');
    expect(canonicalIdFromRef({ doi: '10.1101/2021.10.25.465689' })).toBe('doi:10.1101/2021.10.25.465689');
    expect(() => canonicalIdFromRef({})).toThrow(/neither/);
  });
});

describe('classifyLink', () => {
  it.each([
    ['https://arxiv.org/abs/2209.11142', 'paper'],
    ['https://arxiv.org/pdf/2106.08208v9.pdf', 'pdf'],
    ['http://arxiv.org/pdf/2111.01243', 'pdf'],
    ['https://doi.org/10.1101/2022.06.23.497375', 'paper'],
    ['https://www.biorxiv.org/content/10.1101/2021.11.15.468653v1', 'paper'],
    ['https://www.biorxiv.org/content/10.1101/2021.11.15.468653v1.full.pdf', 'pdf'],
    ['https://github.com/LIJUNYI95/SuperAdam', 'code'],
    ['https://hub.baai.ac.cn/view/14104', 'hub'],
    ['https://weibo.com/1402400261/KkxbEwaR8', 'other'],
    ['not a url', 'other'],
  ])('%s is %s', (url, kind) => {
    expect(classifyLink(url)).toBe(kind);
  });
});

describe('dateFromArxivId', () => {
  it('reads year and month from new- and old-style ids', () => {
    expect(dateFromArxivId('2209.11055')).toBe('2022-09');
    expect(dateFromArxivId('0704.0001')).toBe('2007-04');
    expect(dateFromArxivId('hep-th/9901001')).toBe('1999-01');
    expect(dateFromArxivId('math.AG/0309136')).toBe('2003-09');
    expect(dateFromArxivId('2213.00001')).toBeUndefined();
  });
});
