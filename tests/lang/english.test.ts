import { describe, it, expect } from 'vitest';
import { englishTokens, stem, isEnglishStopWord } from '../../src/lang/english.ts';

describe('English tokeniser', () => {
  it('lower-cases, keeps hyphenated and apostrophe words whole, drops stop words', () => {
    expect(englishTokens('The Self-Supervised learners’ model, and GPT-3!')).toEqual(['self-supervised', 'learners', 'model', 'gpt-3']);
  });

  it('can keep stop words and emit hyphen parts', () => {
    expect(englishTokens('the few-shot case', { stopWords: false, splitHyphens: true })).toEqual(['the', 'few-shot', 'few', 'shot', 'case']);
  });

  it('normalises full-width characters (NFKC) before splitting', () => {
    expect(englishTokens('ＢＥＲＴ pre-training')).toEqual(['bert', 'pre-training']);
  });

  it('stems with Porter, part by part for hyphenated words', () => {
    expect(stem('learning')).toBe('learn');
    expect(stem('networks')).toBe('network');
    expect(stem('self-supervised')).toBe('self-supervis');
    expect(isEnglishStopWord('The')).toBe(true);
    expect(isEnglishStopWord('protein')).toBe(false);
  });
});
