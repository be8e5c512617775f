import { describe, expect, it } from 'vitest';
import { combineWindowVectors, splitIntoWindows } from '../../src/embed/windows.js';

// A whitespace/CJK-character token counter stands in for a tokenizer: the policy only needs counts.
const count = (s: string) => (s.match(/[\u4e00-\u9fff]|[^\s\u4e00-\u9fff]+/gu) ?? []).length;

describe('splitIntoWindows (long-text policy)', () => {
  it('returns a text that fits as one unchanged window', () => {
    expect(splitIntoWindows('a short text.', 10, count)).toEqual([{ text: 'a short text.', tokens: 3 }]);
  });

  it('packs whole sentences greedily so every window fits the budget and nothing is dropped', () => {
    const text = 'one two three. four five six. seven eight nine. ten eleven twelve.';
    const windows = splitIntoWindows(text, 7, count);
    expect(windows.map((w) => w.text)).toEqual(['one two three. four five six.', 'seven eight nine. ten eleven twelve.']);
    expect(windows.every((w) => w.tokens <= 7 && w.tokens === count(w.text))).toBe(true);
  });

  it('splits Chinese at 。 and rejoins Chinese sentences without inserting spaces', () => {
    const windows = splitIntoWindows('预训练模型。对比学习。蛋白质结构。', 6, count);
    expect(windows.map((w) => w.text)).toEqual(['预训练模型。', '对比学习。', '蛋白质结构。']);
    expect(splitIntoWindows('对比学习。蛋白质。结构预测。', 9, count).map((w) => w.text)).toEqual(['对比学习。蛋白质。', '结构预测。']);
  });

  it('cuts a single over-long sentence into pieces that fit, at spaces, keeping every word', () => {
    const words = Array.from({ length: 25 }, (_, i) => `w${i}`);
    const windows = splitIntoWindows(words.join(' '), 8, count);
    expect(windows.every((w) => w.tokens <= 8)).toBe(true);
    expect(windows.flatMap((w) => w.text.split(/\s+/).filter(Boolean))).toEqual(words);
  });

  it('rejects a budget below one token', () => {
    expect(() => splitIntoWindows('x', 0, count)).toThrow(/budget must be >= 1/);
  });
});

describe('combineWindowVectors', () => {
  it('is the token-weighted mean, re-normalised to unit length', () => {
    const v = combineWindowVectors([Float32Array.of(1, 0), Float32Array.of(0, 1)], [3, 1]);
    expect(v[0]).toBeCloseTo(3 / Math.sqrt(10), 6);
    expect(v[1]).toBeCloseTo(1 / Math.sqrt(10), 6);
  });
});
