// Spec tests for the parser faults of issue 11 (real newsletters): each one lost, damaged or invented a paper.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDocument, parseDocument, readDocumentFile } from '../../src/ingest/document.js';
import { FIELD_LIMITS } from '../../src/ingest/screen.js';

interface DailyItem {
  tags: string;
  title: string;
  authors?: string;
  zh?: string; // the Chinese paragraph: "中文标题。摘要"
  abstract?: string;
  id: string;
}

const HEADER = 'LG - 机器学习   CV - 计算机视觉   CL - 计算与语言\n\n转自爱可可爱生活\n\n';

/** A daily digest in the seed layout: numbered items, each ending with its arXiv link. */
function daily(items: DailyItem[], header = HEADER): string {
  const body = items.map((it, i) =>
    [`${i + 1}、${it.tags} ${it.title}`, '', it.authors ?? 'A Author, B Author', it.zh ?? '中文标题。中文摘要。', '', it.abstract ?? 'We study things.', '', `https://arxiv.org/abs/${it.id}`, '', ' ', ''].join('\n'),
  );
  return `${header}${body.join('')}`;
}

const item = (id: string, over: Partial<DailyItem> = {}): DailyItem => ({ tags: '[LG]', title: `Paper ${id}`, id, ...over });
const arxivOf = (p: { links: { url: string }[] }) => p.links.map((l) => /abs\/(.+)$/.exec(l.url)?.[1]).find(Boolean);

describe('fault 1: category tags of any arXiv form start an item', () => {
  const tags = ['[physics.comp-ph]', '[cond-mat.mtrl-sci]', '[LG]', '[stat.ML]', '[eess.IV]', '[cs.LG][stat.ML]', '[quant-ph]', '[q-bio.NC]', '[astro-ph.IM]'];
  it('reads one item per tagged line, with its own title, tags and arXiv id', () => {
    const { record, warnings } = parseDocument('d.txt', daily(tags.map((t, i) => item(`2501.0000${i}`, { tags: t }))));
    expect(record.items.map((p) => p.title.en)).toEqual(tags.map((_, i) => `Paper 2501.0000${i}`));
    expect(record.items.map((p) => p.categories)).toEqual([
      ['physics.comp-ph'],
      ['cond-mat.mtrl-sci'],
      ['LG'],
      ['stat.ML'],
      ['eess.IV'],
      ['cs.LG', 'stat.ML'],
      ['quant-ph'],
      ['q-bio.NC'],
      ['astro-ph.IM'],
    ]);
    expect(record.items.map(arxivOf)).toEqual(tags.map((_, i) => `2501.0000${i}`));
    expect(warnings).toEqual([]);
  });

  it('reads long tags in the unnumbered "另外几篇" section too', () => {
    const text = `${daily([item('2501.00001')])}另外几篇值得关注的论文:\n\n[cond-mat.mtrl-sci] Crystal Paper\n\n晶体论文\nC Author\nhttps://arxiv.org/abs/2501.00002\n`;
    const { record } = parseDocument('d.txt', text);
    expect(record.items.map((p) => [p.title.en, p.categories, arxivOf(p)])).toEqual([
      ['Paper 2501.00001', ['LG'], '2501.00001'],
      ['Crystal Paper', ['cond-mat.mtrl-sci'], '2501.00002'],
    ]);
  });
});

describe('fault 2: summary text about scanning is not QR-code boilerplate', () => {
  const zh = '有丝分裂检测。评估了模型在多种扫描平台上的泛化性能,主要关注扫描仪之间的差异,并加入新的分类任务。';
  it('keeps the summary, abstract and arXiv id of an item whose summary mentions 扫描 and 关注/加入', () => {
    const { record } = parseDocument('d.txt', daily([item('2506.07368', { zh }), item('2506.07369')]));
    expect(record.items).toHaveLength(2);
    expect(record.items[0]!.title.zh).toBe('有丝分裂检测');
    expect(record.items[0]!.summary.zh).toBe('评估了模型在多种扫描平台上的泛化性能,主要关注扫描仪之间的差异,并加入新的分类任务。');
    expect(record.items[0]!.summary.en).toBe('We study things.');
    expect(arxivOf(record.items[0]!)).toBe('2506.07368');
  });

  it('keeps a weekly 简介 that mentions scanning agents and following', () => {
    const text = '标题:An Agent Paper(一篇论文)了解详情\n\n作者:A B\n\n简介:索引智能体相比顺序扫描智能体更优,值得关注并加入对比。\n\n论文地址:https://arxiv.org/abs/2603.21272\n';
    const { record } = parseDocument('w.txt', text);
    expect(record.items[0]!.summary.zh).toBe('索引智能体相比顺序扫描智能体更优,值得关注并加入对比。');
    expect(arxivOf(record.items[0]!)).toBe('2603.21272');
  });

  it('keeps a short summary about QR codes and a Chinese paragraph opening with a widget word (一般)', () => {
    const weekly = '标题:A QR Paper(二维码论文)了解详情\n\n作者:A B\n\n简介:扫描二维码的新方法,关注鲁棒性。\n\n论文地址:https://arxiv.org/abs/2101.00002\n';
    expect(parseDocument('w.txt', weekly).record.items[0]!.summary.zh).toBe('扫描二维码的新方法,关注鲁棒性。');
    const { record } = parseDocument('d.txt', daily([item('2101.00003', { zh: '一般化的注意力机制。本文提出一种新方法。' })]));
    expect([record.items[0]!.title.zh, record.items[0]!.summary.zh, arxivOf(record.items[0]!)]).toEqual(['一般化的注意力机制', '本文提出一种新方法。', '2101.00003']);
  });

  it('still drops the real call to scan the QR code after an item', () => {
    const text = '标题:A Paper(一篇论文)了解详情\n\n作者:A B\n\n简介:摘要。\n\n论文地址:https://arxiv.org/abs/2101.00001\n\n请扫描下方二维码加入预训练群(备注:“姓名+单位+预训练”才会验证进群哦)\n\n扫描下方二维码,或点击阅读原文申请加入(选择“兴趣交流群→预训练”)\n';
    const { record, warnings } = parseDocument('w.txt', text);
    expect(record.items).toHaveLength(1);
    expect(warnings).toEqual([]);
  });
});

describe('fault 3: author lines with unusual names', () => {
  const authors = {
    particles: 'M V d S d Oliveira, J Smith, K Lee',
    glued: 'C H T SantosCarlos Henrique Tarjano Santos, A B',
    dotted: 'S Cao, Y Liu, X L Y G Y Zhou, Y Gao',
    many: Array.from({ length: 1200 }, (_, i) => `A${i} Collaborator`).join(', '),
  };
  const ids = Object.keys(authors).map((_, i) => `2502.0000${i}`);
  it('takes each as the author line and keeps the Chinese title, summary and abstract apart from it', () => {
    const { record, warnings } = parseDocument('d.txt', daily(Object.values(authors).map((a, i) => item(ids[i]!, { authors: a }))));
    expect(record.items.map((p) => p.authors.length)).toEqual([3, 2, 4, 1200]);
    expect(record.items[0]!.authors[0]).toBe('M V d S d Oliveira');
    expect(record.items[1]!.authors[0]).toBe('C H T SantosCarlos Henrique Tarjano Santos');
    for (const p of record.items) {
      expect(p.title.zh).toBe('中文标题');
      expect(p.summary).toEqual({ zh: '中文摘要。', en: 'We study things.' });
    }
    expect(warnings).toEqual([]);
  });

  it('still reads an abstract that comes without an author line as the abstract', () => {
    const text = `${HEADER}1、[LG] No Authors Here\n\n中文标题。中文摘要。\n\nWe propose a method for the study of things.\n\nhttps://arxiv.org/abs/2502.00009\n`;
    const p = parseDocument('d.txt', text).record.items[0]!;
    expect(p.authors).toEqual([]);
    expect(p.summary.en).toBe('We propose a method for the study of things.');
  });
});

describe('fault 4: Chinese titles ending in ? or !', () => {
  it('ends the Chinese title at ? / ！ and keeps the mark, without the digest title list', () => {
    const { record } = parseDocument(
      'd.txt',
      daily([item('2503.00001', { zh: '大模型真的会推理吗?本文系统评估了推理能力。' }), item('2503.00002', { zh: '注意力就够了！我们提出新架构。' })]),
    );
    expect(record.items.map((p) => [p.title.zh, p.summary.zh])).toEqual([
      ['大模型真的会推理吗?', '本文系统评估了推理能力。'],
      ['注意力就够了！', '我们提出新架构。'],
    ]);
  });

  it('uses the digest title list to keep a title that holds 。 or ends in "." whole', () => {
    const header = `${HEADER}摘要:第一部分。第二部分、版本v2.、大模型真的会推理吗?\n\n`;
    const zh = ['第一部分。第二部分。摘要一。', '版本v2.摘要二。', '大模型真的会推理吗?摘要三。'];
    const { record } = parseDocument('d.txt', daily(zh.map((z, i) => item(`2503.0001${i}`, { zh: z })), header));
    expect(record.items.map((p) => [p.title.zh, p.summary.zh])).toEqual([
      ['第一部分。第二部分', '摘要一。'],
      ['版本v2.', '摘要二。'],
      ['大模型真的会推理吗?', '摘要三。'],
    ]);
  });
});

describe('fault 5: an abstract that opens with a bracketed word', () => {
  it('keeps a category-shaped bracket in the abstract after a Chinese paragraph that is only a title', () => {
    const { record } = parseDocument('d.txt', daily([item('2605.09230', { zh: '只有标题。', abstract: '[CV] Vision matters here.' })]));
    expect(record.items).toHaveLength(1);
    expect(record.items[0]!.summary.en).toBe('[CV] Vision matters here.');
  });

  it.each(['[Context] Large models are used widely.', '[Abridged] Using a judge is cheap.', '[AI] Agents are everywhere.'])('%s stays in the abstract', (abstract) => {
    const { record } = parseDocument('d.txt', daily([item('2605.09227', { abstract }), item('2605.09228')]));
    expect(record.items).toHaveLength(2);
    expect(record.items[0]!.summary.en).toBe(abstract);
    expect(arxivOf(record.items[0]!)).toBe('2605.09227');
    expect(record.items[0]!.title.en).toBe('Paper 2605.09227');
  });
});

describe('fault 6: one bad character rejects only its item', () => {
  const items = Array.from({ length: 20 }, (_, i) => item(`2504.${String(i).padStart(5, '0')}`));
  items[7] = { ...items[7]!, zh: '中文标题。摘要里有一个坏字符\uFFFD。' };
  const text = daily(items);

  it('ingests the other 19 items and names the rejected one with file:line', () => {
    const { record, warnings } = parseDocument('d.txt', text);
    expect(record.items).toHaveLength(19);
    expect(record.items.map(arxivOf)).not.toContain('2504.00007');
    const line = text.split('\n').findIndex((l) => l.includes('\uFFFD')) + 1;
    expect(warnings).toEqual([{ file: 'd.txt', line, message: expect.stringMatching(/^item 8 "Paper 2504\.00007" rejected: it contains U\+FFFD/) }]);
  });

  it('keeps the positions of the kept items as they are in the document', () => {
    const { record } = parseDocument('d.txt', text);
    expect(record.items.map((p) => p.source.position)).toEqual([...Array(20).keys()].filter((i) => i !== 7).map((i) => i + 1));
  });
});

describe('fault 6, from a file: one stray invalid byte rejects only its item', () => {
  it('decodes a UTF-8 file with a stray 0xFF byte and rejects just the item holding it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'papersift-faults-'));
    try {
      const text = daily(Array.from({ length: 5 }, (_, i) => item(`2504.1000${i}`)));
      const at = text.indexOf('Paper 2504.10002');
      const bytes = Buffer.concat([Buffer.from(text.slice(0, at), 'utf8'), Buffer.from([0xff]), Buffer.from(text.slice(at), 'utf8')]);
      await writeFile(join(dir, 'stray.txt'), bytes);
      const { name, text: decoded } = await readDocumentFile(join(dir, 'stray.txt'));
      const { record, warnings } = parseDocument(name, decoded);
      expect(record.items.map(arxivOf)).toEqual(['2504.10000', '2504.10001', '2504.10003', '2504.10004']);
      expect(warnings).toEqual([{ file: 'stray.txt', line: 25, message: expect.stringMatching(/^item 3 "\uFFFDPaper 2504\.10002" rejected: it contains U\+FFFD/) }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('still refuses a file in another encoding, naming the first bad byte', async () => {
    const gbk = new Uint8Array(Array.from({ length: 40 }, (_, i) => (i % 2 ? 0xea : 0xb1))); // 标标标… in GBK
    expect(() => decodeDocument('gbk.txt', gbk)).toThrow('gbk.txt: not valid UTF-8 (byte 0xb1 at offset 0); convert it to UTF-8');
  });
});

describe('fault 9: invisible characters and oversized fields', () => {
  it('strips zero-width and bidi controls from titles, names and links', () => {
    const zw = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u200E', '\u200F', '\u202A', '\u202E', '\u2066', '\u2069', '\u00AD'];
    const title = `Atten${zw.join('')}tion Is All You Need`;
    const { record } = parseDocument('d.txt', daily([item('2505.00001', { title, authors: `A\u200BVaswani, N\u202EShazeer` })]).replace('2505.00001', '2505.\u200B00001'));
    const p = record.items[0]!;
    expect(p.title.en).toBe('Attention Is All You Need');
    expect(p.authors).toEqual(['AVaswani', 'NShazeer']);
    expect(arxivOf(p)).toBe('2505.00001');
  });

  it('keeps file:line right when an invisible character sits between \\r and \\n', () => {
    const text = daily([item('2505.00003'), item('2505.00004', { tags: '[Draft]' })]).replace(/\n/g, '\r\u200B\n');
    const { warnings } = parseDocument('d.txt', text);
    // "[Draft]" is no category, so line 15 is text after item 1's link, and is reported at line 15
    expect(warnings).toEqual([{ file: 'd.txt', line: 15, message: expect.stringMatching(/^text after the link of item "Paper 2505\.00003" ignored: 2、\[Draft\]/) }]);
  });

  it('cuts a 100 KB title to the cap and says so at the item line', () => {
    const long = `Huge ${'x'.repeat(100_000)}`;
    const { record, warnings } = parseDocument('d.txt', daily([item('2505.00002', { title: long })]));
    expect([...record.items[0]!.title.en!]).toHaveLength(FIELD_LIMITS.title);
    expect(record.items[0]!.title.en!.endsWith('…')).toBe(true);
    expect(warnings).toContainEqual({ file: 'd.txt', line: 5, message: `item 1 "Huge xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…": English title is 100005 characters, cut to ${FIELD_LIMITS.title}` });
  });
});
