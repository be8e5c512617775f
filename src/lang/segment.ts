// Chinese word segmentation: one jieba instance (its default dictionary plus every multi-character glossary
// term, so 自监督学习 / 对比学习 / 图神经网络 stay whole instead of splitting into generic words).
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { loadGlossary } from './glossary.ts';

// High enough that a glossary compound beats the split into its (frequent) parts, low enough not to swallow
// neighbouring characters: jieba's most frequent content words sit around 1e5.
const GLOSSARY_TERM_FREQ = 200_000;

let instance: Jieba | undefined;

/** The shared segmenter (built on first use, ~0.2 s for jieba's dictionary). */
export function jieba(): Jieba {
  if (!instance) {
    const j = Jieba.withDict(dict);
    const extra = loadGlossary()
      .entries.filter((e) => [...e.zh].length > 1 && !/\s/.test(e.zh))
      .map((e) => `${e.zh} ${GLOSSARY_TERM_FREQ} n`)
      .join('\n');
    j.loadDict(Buffer.from(extra + '\n'));
    instance = j;
  }
  return instance;
}

const WORDLIKE = /[\p{L}\p{N}]/u;

function keepWords(tokens: string[]): string[] {
  return tokens.map((t) => t.trim()).filter((t) => t !== '' && WORDLIKE.test(t));
}

/** Accurate-mode segmentation; whitespace and punctuation tokens are dropped. Latin words pass through as-is. */
export function cut(text: string): string[] {
  return keepWords(jieba().cut(text, true));
}

/**
 * Search-mode segmentation: every word plus its dictionary sub-words (蛋白质 -> 蛋白, 白质, 蛋白质), so an index
 * built with it lets a query for 蛋白 match text that says 蛋白质.
 */
export function cutForSearch(text: string): string[] {
  return keepWords(jieba().cutForSearch(text, true));
}

/** Multi-character dictionary words inside a word, longest first, excluding the word itself. */
export function subWords(word: string): string[] {
  const parts = keepWords(jieba().cutAll(word)).filter((p) => p !== word && [...p].length > 1);
  return [...new Set(parts)].sort((a, b) => b.length - a.length);
}

/** Function words and abstract boilerplate (本文, 提出, 研究, 结果表明...) that carry no topic; dropped from Chinese
 *  token streams for ranking and embedding. */
export const CHINESE_STOP_WORDS: ReadonlySet<string> = new Set(
  ('的 了 和 与 及 或 是 在 对 为 以 将 被 把 从 由 于 其 之 并 而 也 都 又 就 还 这 那 这些 那些 这个 该 此 各 每 ' +
    '一个 一种 一些 一 个 种 等 等等 中 上 下 内 中的 我们 你们 他们 它们 我 你 他 她 它 本文 本 作者 研究 提出 ' +
    '通过 使用 利用 基于 进行 可以 能够 可 能 会 要 让 使 得 所 着 过 吗 呢 吧 啊 如 如何 什么 以及 但 但是 因此 ' +
    '所以 因为 然而 如果 虽然 并且 而且 同时 其中 已经 非常 更 最 很 有 没有 不 并不 之后 之前 然后 此外 另外 ' +
    '例如 比如 包括 方面 问题 结果 表明 显示 发现 实现 取得 具有 已 新 多 少 大 小 好 了解 详情')
    .split(/\s+/)
    .filter(Boolean),
);
