import { describe, it, expect } from 'vitest';
import { tsvLookup } from '../../src/lang/tsv-lookup.ts';

const lookup = (text: string) => tsvLookup(Buffer.from(text, 'utf8'), 'words.tsv');

describe('TSV lookup over a file’s bytes', () => {
  it('finds the value of exactly the key asked for, Chinese or English, and nothing for any other string', () => {
    const t = lookup('模型\tmodel|pattern\n模型训练\tmodel training\nneural network\t神经网络\nmodel\t模型\n');
    expect(t.get('模型')).toBe('model|pattern');
    expect(t.get('模型训练')).toBe('model training');
    expect(t.get('neural network')).toBe('神经网络');
    expect(t.get('model')).toBe('模型');
    for (const other of ['模', '模型训', 'neural', 'Model', 'model ', '', 'model\t模型']) {
      expect(t.get(other)).toBeUndefined();
      expect(t.has(other)).toBe(false);
    }
    expect(t.has('模型')).toBe(true);
  });

  it('lists the keys in file order, skips empty lines, and reads a last line without a newline', () => {
    const t = lookup('b\t2\n\na\t1\nc\t3');
    expect(t.keys()).toEqual(['b', 'a', 'c']);
    expect(t.get('c')).toBe('3');
  });

  it('keeps the later of two lines with the same key, as a Map would', () => {
    expect(lookup('k\tfirst\nk\tsecond\n').get('k')).toBe('second');
  });

  it('keeps an empty value and everything after the first tab', () => {
    const t = lookup('empty\t\ntabs\ta\tb\n');
    expect(t.get('empty')).toBe('');
    expect(t.get('tabs')).toBe('a\tb');
  });

  it('finds every key among many that share hash-table slots', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `词${i}`);
    const t = lookup(keys.map((k, i) => `${k}\t${i}\n`).join(''));
    expect(keys.every((k, i) => t.get(k) === String(i))).toBe(true);
    expect(t.get('词5000')).toBeUndefined();
  });

  it('does not take a lone surrogate for the replacement character it encodes as', () => {
    const t = lookup('a\uFFFD\treplacement\n');
    expect(t.get('a\uFFFD')).toBe('replacement');
    expect(t.get('a\uD800')).toBeUndefined();
  });

  it('names file and line of a line without a key before a tab', () => {
    expect(() => lookup('a\t1\n\nno tab here\n')).toThrow('words.tsv:3: malformed line');
    expect(() => lookup('a\t1\n\tno key\n')).toThrow('words.tsv:2: malformed line');
  });
});
