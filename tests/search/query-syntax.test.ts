// The query language inside `q` (au:, ti:, cat:, year:, "phrases", -exclusions) and what its parts match.
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/query-syntax.js';
import { authorMatches, containsPhrase } from '../../src/search/query-filters.js';
import { SearchInputError } from '../../src/search/errors.js';

describe('parseQuery', () => {
  it('takes fields, phrases and exclusions out of the free text', () => {
    expect(parseQuery('au:"Hangbo Bao" ti:transformer cat:CV,LG year:2021-2023 "masked image" -vision -"language model" 自监督 pretraining')).toEqual({
      text: '自监督 pretraining',
      authors: ['Hangbo Bao'],
      title: ['transformer'],
      categories: ['CV', 'LG'],
      years: [{ from: 2021, to: 2023 }],
      phrases: ['masked image'],
      exclude: ['vision', 'language model'],
    });
  });

  it('keeps unknown prefixes, URLs, inner hyphens, negative numbers and an unclosed quote as text', () => {
    const p = parseQuery('xx:foo https://arxiv.org/abs/2209.11055 zero-shot -1 few "unclosed quote');
    expect(p.text).toBe('xx:foo https://arxiv.org/abs/2209.11055 zero-shot -1 few unclosed quote');
    expect(p.exclude).toEqual([]);
    expect(p.phrases).toEqual([]);
  });

  it('reads a year range and refuses a malformed or reversed one, naming q', () => {
    expect(parseQuery('YEAR:2023').years).toEqual([{ from: 2023, to: 2023 }]);
    for (const q of ['year:23', 'year:2023-2021', 'year:soon']) expect(() => parseQuery(q), q).toThrow(SearchInputError);
  });
});

describe('authorMatches', () => {
  it.each([
    ['Hangbo Bao', 'H Bao', true],
    ['H Bao', 'Hangbo Bao', true],
    ['Reimers', 'N Reimers', true],
    ['L Tunstall', 'Lewis Tunstall', true],
    ['Kaiming', 'Kaiming He', true],
    ['A Correia', 'A H.C. Correia', true],
    ['Krämer', 'A Kramer', true],
    ['K Bao', 'Hangbo Bao', false],
    ['Bao', 'Baolin Peng', false],
    ['H', 'H Bao', false],
  ])('%s ~ %s: %s', (query, author, expected) => {
    expect(authorMatches(query, author)).toBe(expected);
  });
});

describe('containsPhrase', () => {
  it('matches case-, width- and hyphen-insensitively, Latin phrases only at a word start', () => {
    expect(containsPhrase('Efficient Few-Shot Learning', 'few shot')).toBe(true);
    expect(containsPhrase('Masked Image Modeling (MIM)', 'masked image modeling')).toBe(true);
    expect(containsPhrase('a magnet array', 'net')).toBe(false);
    expect(containsPhrase('Transformers in Time Series', 'transformer')).toBe(true);
    expect(containsPhrase('本文提出一种自监督视觉表示模型', '自监督')).toBe(true);
  });
});
