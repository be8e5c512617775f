// Bad input: every rejection names the document (and line or byte offset where it helps).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, parseDocument, readDocumentFile } from '../../src/ingest/document.js';
import { IngestError } from '../../src/ingest/errors.js';
import { SEEDS_DIR } from './seeds.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-doc-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const seed = (name: string) => readFile(join(SEEDS_DIR, name), 'utf8');

describe('readDocumentFile', () => {
  it('reads UTF-8 text and names the document by its base name', async () => {
    const path = await file('ok.txt', '标题:谷歌|A Title(一个标题)了解详情\n论文地址:https://arxiv.org/abs/2201.00001\n');
    await expect(readDocumentFile(path)).resolves.toEqual({ name: 'ok.txt', text: expect.stringContaining('A Title') });
  });

  it('rejects an empty file', async () => {
    const path = await file('empty.txt', '');
    await expect(readDocumentFile(path)).rejects.toThrow(`${path}: empty file`);
  });

  it('rejects binary content, giving the offset of the NUL byte', async () => {
    const path = await file('image.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    await expect(readDocumentFile(path)).rejects.toThrow(`${path}: binary content (NUL byte at offset 8)`);
  });

  it('rejects GBK-encoded Chinese as not UTF-8, giving the offending byte', async () => {
    // "标题" in GBK is B1 EA CC E2: 0xB1 cannot start a UTF-8 sequence
    const path = await file('gbk.txt', new Uint8Array([0xb1, 0xea, 0xcc, 0xe2, 0x3a, 0x41]));
    await expect(readDocumentFile(path)).rejects.toThrow(`${path}: not valid UTF-8 (byte 0xb1 at offset 0)`);
  });

  it('rejects a file cut in the middle of a UTF-8 character as truncated', async () => {
    const bytes = Buffer.from('标题:谷歌|Title(标题)', 'utf8');
    const path = await file('cut.txt', bytes.subarray(0, bytes.length - 2));
    await expect(readDocumentFile(path)).rejects.toThrow(/cut\.txt: truncated: the file ends in the middle of a UTF-8 character/);
  });

  it('rejects a missing file and a directory', async () => {
    await expect(readDocumentFile(join(dir, 'nope.txt'))).rejects.toThrow(/nope\.txt: no such file/);
    await expect(readDocumentFile(dir)).rejects.toThrow(`${dir}: not a regular file`);
  });

  it('throws IngestError carrying the document name', async () => {
    const path = await file('empty2.txt', '');
    const err = await readDocumentFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).document).toBe(path);
  });
});

describe('parseDocument rejections', () => {
  it('rejects whitespace-only text', () => {
    expect(() => parseDocument('blank.txt', ' \n\u3000\n\t\n')).toThrow('blank.txt: empty document (only whitespace)');
  });

  it('rejects text in neither newsletter format', () => {
    expect(() => parseDocument('notes.md', '# Reading list\n\n- a paper about transformers\n')).toThrow(/^notes\.md: unrecognised format: expected a weekly digest/);
  });

  it('rejects NUL characters (binary content); replacement characters are judged per item (faults.test.ts)', () => {
    expect(() => parseDocument('nul.txt', 'a\u0000b')).toThrow(/nul\.txt: binary content/);
    expect(() => parseDocument('mojibake.txt', '\uFFFD\uFFFD:\uFFFD|Title')).toThrow(/mojibake\.txt: unrecognised format/);
  });

  it('rejects a weekly issue cut off inside an item, naming the item line', async () => {
    const text = await seed('weekly-pretraining-no28.txt');
    const cut = text.slice(0, text.indexOf('Masked Autoencoders') + 10); // inside the title of item 2 (line 47)
    expect(() => parseDocument('no28-cut.txt', cut)).toThrow(/^no28-cut\.txt:47: truncated: the document ends inside item 2/);
  });

  it('rejects a weekly issue cut after a link but before the papers its intro announces', async () => {
    const lines = (await seed('weekly-pretraining-no28.txt')).split('\n');
    const cut = lines.slice(0, 69).join('\n'); // ends with item 4's 论文地址 line
    expect(() => parseDocument('no28-cut.txt', cut)).toThrow(/truncated: .* announces 11 items in 论文推荐 \(found 4\), 1 items in 研究动态 \(found 0\)/);
  });

  it('rejects a daily digest cut inside an item before its link', async () => {
    const text = await seed('daily-arxiv-2022-09.txt');
    const cut = text.slice(0, text.indexOf('We describe the SPICE dataset'));
    expect(() => parseDocument('daily-cut.txt', cut)).toThrow(/^daily-cut\.txt:21: truncated: the document ends inside item 2 "SPICE, A Dataset/);
  });

  it('accepts a digest that was cut only in its page footer', async () => {
    const text = await seed('weekly-pretraining-no36.txt');
    const { record, warnings } = parseDocument('no36-short.txt', text.slice(0, text.indexOf('添加红包')));
    expect(record.items).toHaveLength(12);
    expect(warnings).toEqual([]);
  });
});

describe('parseDocument tolerance', () => {
  it('reads CRLF line endings, a BOM and full-width colons the same way', async () => {
    const text = await seed('weekly-pretraining-no36.txt');
    const variant = '\uFEFF' + text.replace(/^(标题|作者|简介|论文下载|论文地址|代码下载|Hub地址):/gm, '$1：').replace(/\n/g, '\r\n');
    const a = parseDocument('a.txt', text).record.items;
    const b = parseDocument('a.txt', variant).record.items;
    expect(b).toEqual(a);
  });

  it('warns, with file:line, about an item line it cannot place and about a count that differs from the intro', async () => {
    const text = (await seed('weekly-pretraining-no52.txt')).replace('作者:Olivier Teboul', '随便写点什么\n\n作者:Olivier Teboul');
    const { record, warnings } = parseDocument('no52.txt', text);
    expect(record.items).toHaveLength(9);
    expect(record.items[3]!.authors).toEqual(['Olivier Teboul', 'Jean-Philippe Vert']);
    expect(warnings[0]).toEqual({ file: 'no52.txt', line: 87, message: 'unrecognised line in item "Deep embedding and alignment of protein sequences" ignored: 随便写点什么' });
    const fewer = parseDocument('no52.txt', text.replace(/标题:MIT\|On-Device[^\n]*\n/, ''));
    expect(fewer.warnings).toContainEqual({ file: 'no52.txt', line: 41, message: 'the document announces 2 items in 研究动态 but 1 were found' });
  });

  it('detects the format from item openings', () => {
    expect(detectFormat(['标题:谷歌|A(甲)了解详情'])).toBe('weekly');
    expect(detectFormat(['1、[CV] A Title'])).toBe('daily');
    expect(detectFormat(['[CL] A Title', '[Amazon]'])).toBe('daily');
    expect(detectFormat(['[Amazon]', 'just text'])).toBeUndefined();
  });

  it('gives the same content hash for the same text and a different one after an edit', async () => {
    const text = await seed('daily-arxiv-2021-06.txt');
    const a = parseDocument('d.txt', text).record.sha256;
    expect(parseDocument('d.txt', text).record.sha256).toBe(a);
    expect(parseDocument('d.txt', text.replace('BEiT', 'BEIT')).record.sha256).not.toBe(a);
  });
});

describe('page chrome after an item without a link', () => {
  it('does not leak the daily copyright footer into the last item, and the footer shows the text is complete', () => {
    const text = '[LG] Deep Linear Networks\n\n深度线性网络\nN S. Chatterji, P M. Long\n[Stanford University & Google]\n\n \n内容中包含的图片若涉及版权问题,请及时与我们联系删除\n';
    const { record, warnings } = parseDocument('d.txt', text);
    expect(record.items[0]!.title).toEqual({ en: 'Deep Linear Networks', zh: '深度线性网络' });
    expect(record.items[0]!.summary).toEqual({});
    expect(warnings.map((w) => w.message)).toEqual(['item 1 "Deep Linear Networks" has no link']);
  });

  it('does not append comment and red-packet widgets that directly follow a weekly 简介 line', () => {
    const text = '标题:有监督预训练!文本生成又一探索!了解详情\n\n简介:本文收集了45个有标签数据集。\n评论\n添加红包\n请填写红包祝福语或标题\n当前余额3.43前往充值 >\n';
    const { record } = parseDocument('w.txt', text);
    expect(record.items[0]!.summary.zh).toBe('本文收集了45个有标签数据集。');
  });

  it('ignores the QR-code invitation after a weekly item', () => {
    const text = '标题:谷歌|A Paper(一篇论文)了解详情\n\n作者:A B\n\n简介:摘要。\n\n如果你正在从事或关注预训练学习研究、实现与应用,欢迎加入“智源社区-预训练-交流群”。在这里,你可以:\n\n请扫描下方二维码加入预训练群(备注:“姓名+单位+预训练”才会验证进群哦)\n';
    const { record, warnings } = parseDocument('w.txt', text);
    expect(record.items[0]!.summary.zh).toBe('摘要。');
    expect(warnings.map((w) => w.message)).toEqual(['item 1 "A Paper" has no link']);
  });
});

describe('text after an item', () => {
  it('warns about prose right after a weekly item’s links instead of dropping it silently', () => {
    const text = '标题:谷歌|A Paper(一篇论文)了解详情\n\n作者:A B\n\n简介:摘要。\n\n论文地址:https://arxiv.org/abs/2201.00001\n\n补充说明:这一段在链接之后。\n';
    const { record, warnings } = parseDocument('w.txt', text);
    expect(record.items[0]!.summary.zh).toBe('摘要。');
    expect(warnings).toEqual([{ file: 'w.txt', line: 9, message: 'text after the links of item "A Paper" ignored: 补充说明:这一段在链接之后。' }]);
  });

  it('warns about prose right after a daily item’s link', () => {
    const text = '1、[CV] A Paper\n\nA Author\n[Lab]\n一篇论文。摘要。\nAn abstract.\nhttps://arxiv.org/abs/2201.00001\nSee also our blog post.\n';
    const { warnings } = parseDocument('d.txt', text);
    expect(warnings).toEqual([{ file: 'd.txt', line: 8, message: 'text after the link of item "A Paper" ignored: See also our blog post.' }]);
  });
});

describe('wrapped summary lines', () => {
  it('joins Chinese lines directly and Latin words with a space', () => {
    const text = '标题:谷歌|A Paper(一篇论文)了解详情\n\n作者:A B\n\n简介:本文提出一种\n新方法,基于Transformer\nmodels and more.\n\n论文地址:https://arxiv.org/abs/2201.00001\n';
    expect(parseDocument('w.txt', text).record.items[0]!.summary.zh).toBe('本文提出一种新方法,基于Transformer models and more.');
  });
});
