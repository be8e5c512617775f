import { describe, expect, it } from 'vitest';
import { BRIDGE_PATH, learnBridge, llr, loadShippedBridge, pairTerms, parseBridge } from '../../src/lang/bridge.js';

// Aligned pairs where "protein" and 蛋白质 always travel together, "graph" and 图 likewise, while the filler words
// ("study", 研究方法) appear everywhere and so say nothing about either.
const pairs = [
  ...Array.from({ length: 6 }, (_, i) => ({ en: `protein folding study number ${i}`, zh: `蛋白质 折叠 研究方法` })),
  ...Array.from({ length: 6 }, (_, i) => ({ en: `graph network study number ${i}`, zh: `图网络 结构 研究方法` })),
  ...Array.from({ length: 6 }, (_, i) => ({ en: `image segmentation study number ${i}`, zh: `图像 分割 研究方法` })),
];

describe('learned Chinese-English bridge', () => {
  it('learns translations from words that occur in the same papers, not from words that occur everywhere', () => {
    const b = learnBridge(pairs);
    // 蛋白质 and 折叠 both travel with "protein" every time: equally good translations, in a stable order
    expect(b.chinese('protein')).toEqual([
      { term: '折叠', weight: 1 },
      { term: '蛋白质', weight: 1 },
    ]);
    expect(b.english('分割').map((t) => t.term)).toContain('segment');
    // 研究方法 is in every pair: no more often with "protein" than chance, so never its translation
    expect(b.chinese('protein').map((t) => t.term)).not.toContain('研究方法');
    expect(b.chinese('studi')).toEqual([]);
  });

  it('is deterministic: the same pairs in another order give the same table and id', () => {
    const a = learnBridge(pairs);
    const b = learnBridge([...pairs].reverse());
    expect(b.serialize()).toBe(a.serialize());
    expect(b.id).toBe(a.id);
  });

  it('round-trips through its TSV form', () => {
    const a = learnBridge(pairs);
    const b = parseBridge(a.serialize(), 'x.tsv');
    expect(b.id).toBe(a.id);
    expect(b.chinese('protein')).toEqual(a.chinese('protein'));
  });

  it('names file and line of a malformed table line', () => {
    expect(() => parseBridge('en\tprotein\t蛋白质:1\nzh\t蛋白质\tprotein:7\n', 'bridge.tsv')).toThrow(/bridge\.tsv:2: malformed bridge line/);
    expect(() => parseBridge('xx\tprotein\t蛋白质:1\n', 'bridge.tsv')).toThrow(/bridge\.tsv:1:/);
  });

  it('scores association with the log-likelihood ratio: zero for independent terms, high for terms always together', () => {
    expect(llr(10, 10, 10, 10)).toBeCloseTo(0, 9);
    expect(llr(10, 0, 0, 90)).toBeGreaterThan(60);
    expect(llr(10, 0, 0, 90)).toBeGreaterThan(llr(10, 5, 5, 80));
  });

  it('reads each side as index terms: English stems with hyphen parts, whole Chinese words', () => {
    const t = pairTerms({ en: 'Self-supervised pre-training of proteins', zh: '蛋白质的自监督预训练' });
    expect(t.en).toEqual(expect.arrayContaining(['self-supervis', 'supervis', 'protein']));
    expect(t.zh).toEqual(expect.arrayContaining(['蛋白质']));
    expect(t.zh).not.toContain('的');
  });

  it('ships a bridge learned from real papers that translates ML terms CC-CEDICT lacks', () => {
    const b = loadShippedBridge();
    expect(BRIDGE_PATH).toMatch(/bridge-zh-en\.tsv$/);
    expect(b.chinese('hallucin')[0]?.term).toBe('幻觉');
    expect(b.chinese('diffus').map((t) => t.term)).toContain('扩散模型');
    expect(b.english('强化学习')[0]?.term).toBe('reinforc');
    expect(b.english('检索')[0]?.term).toBe('retriev');
  });
});
