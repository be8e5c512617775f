import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDictionary, cleanGlosses, DICTIONARY_DIR, type Dictionary } from '../../src/lang/dictionary.ts';
import { SHARED_MODELS_DIR } from '../embed/static-fixture.ts';

describe('zh<->en dictionary (glossary + CC-CEDICT)', () => {
  let dict: Dictionary;
  beforeAll(async () => {
    dict = await openDictionary({ modelsDir: SHARED_MODELS_DIR });
  });

  it('prefers glossary senses for ML terms and falls back to CC-CEDICT', () => {
    expect(dict.english('预训练')).toContain('pretraining');
    expect(dict.source('预训练')).toBe('glossary');
    expect(dict.english('注意力')).toContain('attention');
    expect(dict.english('学习')).toEqual(expect.arrayContaining(['learn', 'study']));
    expect(dict.source('学习')).toBe('cedict');
    expect(dict.english('不是一个词语的东西')).toEqual([]);
    expect(dict.source('不是一个词语的东西')).toBeUndefined();
  });

  it('maps English to Chinese, glossary first, then the most frequent CC-CEDICT word', () => {
    expect(dict.chinese('Pretraining')).toEqual(['预训练']);
    expect(dict.chinese('neural network')[0]).toBe('神经网络');
    expect(dict.chinese('train')[0]).toBe('训练');
    expect(dict.chinese('no such gloss anywhere')).toEqual([]);
  });

  it('lists every headword for the embedder build', () => {
    const words = dict.chineseWords();
    expect(words.length).toBeGreaterThan(100_000);
    expect(words).toContain('自监督学习');
  });
});

describe('CC-CEDICT gloss cleaning', () => {
  it('drops cross-references and grammar notes, strips parentheticals and leading "to"', () => {
    expect(cleanGlosses(['to train', 'to drill', 'training'])).toEqual(['train', 'drill', 'training']);
    expect(cleanGlosses(['image; picture (formal)', 'variant of 圖像|图像[tu2 xiang4]', 'CL:個|个[ge4]'])).toEqual(['image', 'picture']);
    expect(cleanGlosses(['surname Wang', 'abbr. for 北京'])).toEqual([]);
  });
});

describe('dictionary files', () => {
  it('are converted once into a temp-then-rename directory, reused, rebuilt when stale, and checked when read', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'papersift-dict-'));
    try {
      expect((await openDictionary({ modelsDir })).english('蛋白质')).toContain('protein');
      expect(await readdir(modelsDir)).toEqual([DICTIONARY_DIR]); // no temp or .old directories left behind
      const dir = join(modelsDir, DICTIONARY_DIR);
      const tsv = join(dir, 'zh-en.tsv');
      const before = await readFile(tsv, 'utf8');
      await writeFile(join(dir, 'meta.json'), '{"format":0}');
      expect((await openDictionary({ modelsDir })).english('蛋白质')).toContain('protein');
      expect(await readFile(tsv, 'utf8')).toBe(before); // the rebuild is deterministic
      await writeFile(join(dir, 'en-zh.tsv'), 'no tab on this line\n');
      await expect(openDictionary({ modelsDir })).rejects.toThrow(/en-zh\.tsv:1: malformed line/);
    } finally {
      await rm(modelsDir, { recursive: true, force: true });
    }
  });
});
