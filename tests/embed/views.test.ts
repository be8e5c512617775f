import { describe, it, expect } from 'vitest';
import type { Paper } from '../../src/catalogue/types.js';
import { paperViews } from '../../src/embed/views.js';

function paper(title: Paper['title'], summary: Paper['summary']): Paper {
  return { id: 'arxiv:2209.01234', title, summary, authors: [], affiliations: [], categories: [], links: [], sources: [] };
}

describe('paperViews', () => {
  it('makes an English view from title + abstract and a Chinese view from title + summary', () => {
    const views = paperViews(
      paper({ en: 'Masked Autoencoders Are Scalable Vision Learners', zh: '掩码自编码器' }, { en: 'This paper shows that MAE ...', zh: '本文提出 MAE，一种可扩展的自监督学习方法。' }),
    );
    expect(views).toEqual([
      { paperId: 'arxiv:2209.01234', view: 'en', text: 'Masked Autoencoders Are Scalable Vision Learners\nThis paper shows that MAE ...' },
      { paperId: 'arxiv:2209.01234', view: 'zh', text: '掩码自编码器\n本文提出 MAE，一种可扩展的自监督学习方法。' },
    ]);
  });

  it('omits a language with no text and uses whatever parts exist', () => {
    expect(paperViews(paper({ en: 'Only An English Title' }, { zh: '只有中文摘要。' }))).toEqual([
      { paperId: 'arxiv:2209.01234', view: 'en', text: 'Only An English Title' },
      { paperId: 'arxiv:2209.01234', view: 'zh', text: '只有中文摘要。' },
    ]);
    expect(paperViews(paper({ en: '  ' }, { zh: '' }))).toEqual([]);
  });

  it('gives the same text for reflowed input (line breaks, runs of spaces, composed vs decomposed characters)', () => {
    const a = paperViews(paper({ en: 'Caf\u00e9 Learning' }, { en: 'Line one\nline two.' }));
    const b = paperViews(paper({ en: '  Cafe\u0301   Learning ' }, { en: 'Line one\r\n   line two.\n' }));
    expect(b).toEqual(a);
  });
});
