import { describe, expect, it } from 'vitest';
import { BRIDGE_COUNTS_PATH, countBridge, learnBridge, llr, loadShippedBridge, loadShippedCounts, pairTerms, parseBridge, parseCounts, serializeCounts } from '../../src/lang/bridge.js';

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

  it('has the id of its table however the TSV it was read from is laid out', () => {
    const text = 'en\tprotein\t蛋白质:1|结构:0.5\nzh\t蛋白质\tprotein:1\n';
    const id = parseBridge(text, 'x.tsv').id;
    const layouts = [
      'zh\t蛋白质\tprotein:1\nen\tprotein\t蛋白质:1|结构:0.5\n', // unsorted
      'en\tprotein\t蛋白质:1|结构:0.50\nzh\t蛋白质\tprotein:1.0\n', // weights written otherwise
      'en\tprotein\t蛋白质:1|结构:0.5\n\nzh\t蛋白质\tprotein:1', // a blank line, no final newline
      'en\tprotein\t蛋白质:0.3\nen\tprotein\t蛋白质:1|结构:0.5\nzh\t蛋白质\tprotein:1\n', // a term twice: the later line
    ];
    for (const other of layouts) {
      const b = parseBridge(other, 'x.tsv');
      expect(b.id).toBe(id);
      expect(b.serialize()).toBe(text);
      expect(b.chinese('protein')).toEqual([{ term: '蛋白质', weight: 1 }, { term: '结构', weight: 0.5 }]);
    }
  });

  it('learns the same bridge from its shipped counts as from the pairs themselves', () => {
    const counts = parseCounts(serializeCounts(countBridge(pairs)), 'counts.tsv');
    expect(counts.pairs).toBe(pairs.length);
    expect(counts.en.get('protein')).toBe(6);
    expect(counts.together.get('protein')).toEqual(expect.arrayContaining([['蛋白质', 6]]));
    expect(learnBridge([], { base: counts }).serialize()).toBe(learnBridge(pairs).serialize());
  });

  it('refits from counts plus new pairs: a term the counted pairs never had is translated, and the old ones stay', () => {
    const base = countBridge(pairs);
    const more = Array.from({ length: 6 }, (_, i) => ({ en: `zeppelin airship study number ${i}`, zh: `飞艇 研究方法` }));
    const refit = learnBridge(more, { base });
    expect(learnBridge([], { base }).chinese('zeppelin')).toEqual([]);
    expect(refit.chinese('zeppelin').map((t) => t.term)).toEqual(['飞艇']);
    expect(refit.english('蛋白质').map((t) => t.term)).toContain('protein');
    expect(refit.serialize()).toBe(learnBridge([...pairs, ...more]).serialize());
  });

  it('names file and line of a malformed counts line', () => {
    expect(() => parseCounts('pairs\t3\nen\tprotein\t2\t蛋白质:x\n', 'c.tsv')).toThrow(/c\.tsv:2: malformed bridge counts line/);
    expect(() => parseCounts('pairs\t3\nzh\t蛋白质\t0\n', 'c.tsv')).toThrow(/c\.tsv:2:/);
    expect(() => parseCounts('pairs\tmany\n', 'c.tsv')).toThrow(/c\.tsv:1:/);
  });

  it('names file and line of a malformed table line', () => {
    expect(() => parseBridge('en\tprotein\t蛋白质:1\nzh\t蛋白质\tprotein:7\n', 'bridge.tsv')).toThrow(/bridge\.tsv:2: malformed bridge line/);
    expect(() => parseBridge('xx\tprotein\t蛋白质:1\n', 'bridge.tsv')).toThrow(/bridge\.tsv:1:/);
    for (const list of ['0.5', ':0.5', '蛋白质:1|', '蛋白质:1||结构:0.5', '蛋白质:0', '蛋白质:x']) {
      expect(() => parseBridge(`en\tprotein\t蛋白质:1\nen\tstructure\t${list}\n`, 'bridge.tsv')).toThrow(/bridge\.tsv:2: malformed bridge line/);
    }
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
    expect(BRIDGE_COUNTS_PATH).toMatch(/bridge-zh-en\.counts\.tsv$/);
    expect(loadShippedCounts().pairs).toBe(4870);
    expect(b.chinese('hallucin')[0]?.term).toBe('幻觉');
    expect(b.chinese('diffus').map((t) => t.term)).toContain('扩散模型');
    expect(b.english('强化学习')[0]?.term).toBe('reinforc');
    expect(b.english('检索')[0]?.term).toBe('retriev');
  });
});
