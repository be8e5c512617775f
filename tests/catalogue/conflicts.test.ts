// Spec tests for the catalogue faults of issue 11: conflicting identity evidence fused papers (7), later uploads
// renamed papers silently (8), invisible characters split one paper in two (9), a bad character failed a whole
// upload (6). Real catalogue files in a temp dir, documents ingested one upload at a time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestText } from '../../src/ingest/into-catalogue.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { derivePapers } from '../../src/catalogue/merge.js';
import type { Catalogue, DocumentRecord } from '../../src/catalogue/types.js';
import { parseDocument } from '../../src/ingest/document.js';

interface Item {
  title: string;
  links: string[];
}

/** A weekly digest: one "标题:" item per entry, each with its links. */
function weekly(items: Item[]): string {
  return items.map((i) => `标题:${i.title}(中文标题)了解详情\n\n作者:A B\n\n简介:摘要。\n\n${i.links.map((l) => `论文地址:${l}`).join('\n')}\n`).join('\n');
}

const ARXIV = (id: string) => `https://arxiv.org/abs/${id}`;
const DOI = (doi: string) => `https://doi.org/${doi}`;
const WEIBO = 'https://weibo.com/1402400261/L2kqoxyz1';

let dir: string;
let cat: Catalogue;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-conflicts-'));
  cat = await openCatalogue(join(dir, 'catalogue.json'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const upload = (name: string, items: Item[]) => ingestText(cat, name, weekly(items));
const summary = () => cat.papers().map((p) => ({ id: p.id, title: p.title.en, docs: p.sources.map((s) => s.document) }));

describe('fault 7: an item whose ids name one paper and whose title names another', () => {
  it("keeps paper A apart when an item has A's title and B's DOI, files the item under B and warns", async () => {
    await upload('a.txt', [{ title: 'Paper Alpha', links: [ARXIV('2101.00001')] }]);
    await upload('b.txt', [{ title: 'Paper Beta', links: [DOI('10.1000/beta')] }]);
    const report = await upload('c.txt', [{ title: 'Paper Alpha', links: [DOI('10.1000/beta')] }]);
    expect(summary()).toEqual([
      { id: 'arxiv:2101.00001', title: 'Paper Alpha', docs: ['a.txt'] },
      { id: 'doi:10.1000/beta', title: 'Paper Beta', docs: ['b.txt', 'c.txt'] },
    ]);
    expect(report.removed).toEqual([]);
    expect(report.warnings).toEqual([
      {
        file: 'c.txt',
        line: 1,
        message: 'item 1 titles doi:10.1000/beta "Paper Alpha", but the paper keeps its title "Paper Beta" (earliest source); that title belongs to arxiv:2101.00001, which was kept apart',
      },
    ]);
  });

  it("keeps a paper known only by title apart when an item has its title and another paper's arXiv id", async () => {
    await upload('a.txt', [{ title: 'Paper Alpha', links: [WEIBO] }]);
    await upload('b.txt', [{ title: 'Paper Beta', links: [ARXIV('2202.00002')] }]);
    const before = cat.papers().find((p) => p.title.en === 'Paper Alpha')!;
    const report = await upload('c.txt', [{ title: 'Paper Alpha', links: [ARXIV('2202.00002')] }]);
    expect(summary()).toEqual([
      { id: before.id, title: 'Paper Alpha', docs: ['a.txt'] },
      { id: 'arxiv:2202.00002', title: 'Paper Beta', docs: ['b.txt', 'c.txt'] },
    ]);
    expect(report.warnings.map((w) => `${w.file}:${w.line}`)).toEqual(['c.txt:1']);
    expect(report.warnings[0]!.message).toContain(`that title belongs to ${before.id}`);
  });

  it("never joins two arXiv papers through a DOI: the item goes with its arXiv id", async () => {
    await upload('a.txt', [{ title: 'Paper Alpha', links: [ARXIV('2101.00001'), DOI('10.1000/shared')] }]);
    await upload('b.txt', [{ title: 'Paper Beta', links: [ARXIV('2202.00002')] }]);
    const report = await upload('c.txt', [{ title: 'Paper Beta', links: [ARXIV('2202.00002'), DOI('10.1000/shared')] }]);
    expect(summary()).toEqual([
      { id: 'arxiv:2101.00001', title: 'Paper Alpha', docs: ['a.txt'] },
      { id: 'arxiv:2202.00002', title: 'Paper Beta', docs: ['b.txt', 'c.txt'] },
    ]);
    expect(report.warnings).toEqual([
      {
        file: 'c.txt',
        line: 1,
        message: 'item 1 links DOI 10.1000/shared, which another item gives to arXiv 2101.00001; it was filed by its arXiv id 2202.00002 and the two papers were kept apart',
      },
    ]);
  });

  it('warns the upload that brought the DOI conflict in, whatever its name sorts before', async () => {
    await upload('m.txt', [{ title: 'Paper Alpha', links: [ARXIV('2101.00001'), DOI('10.1000/shared')] }]);
    const report = await upload('0.txt', [{ title: 'Paper Beta', links: [ARXIV('2202.00002'), DOI('10.1000/shared')] }]);
    expect(summary().map((p) => [p.id, p.docs])).toEqual([
      ['arxiv:2202.00002', ['0.txt']],
      ['arxiv:2101.00001', ['m.txt']],
    ]);
    expect(report.warnings).toEqual([
      {
        file: '0.txt',
        line: 1,
        message: 'item 1 links DOI 10.1000/shared, which another item gives to arXiv 2101.00001; it was filed by its arXiv id 2202.00002 and the two papers were kept apart',
      },
    ]);
  });

  it('keeps a title-only source on its paper when a conflicting upload that sorts first claims the title', async () => {
    await upload('a.txt', [{ title: 'Paper Alpha', links: [ARXIV('2101.00001')] }]);
    await upload('b.txt', [{ title: 'Paper Beta', links: [ARXIV('2202.00002')] }]);
    await upload('d.txt', [{ title: 'Paper Alpha', links: [WEIBO] }]);
    expect(cat.get('arxiv:2101.00001')!.sources.map((s) => s.document)).toEqual(['a.txt', 'd.txt']);
    const report = await upload('0.txt', [{ title: 'Paper Alpha', links: [ARXIV('2202.00002')] }]);
    expect(summary()).toEqual([
      { id: 'arxiv:2202.00002', title: 'Paper Beta', docs: ['0.txt', 'b.txt'] },
      { id: 'arxiv:2101.00001', title: 'Paper Alpha', docs: ['a.txt', 'd.txt'] },
    ]);
    expect(report.added).toEqual([]);
    expect(report.warnings.map((w) => `${w.file}:${w.line}`)).toEqual(['0.txt:1']);
  });

  it('still attaches an item known only by title to the one paper with that title', async () => {
    await upload('a.txt', [{ title: 'Paper Alpha', links: [ARXIV('2101.00001')] }]);
    const report = await upload('b.txt', [{ title: 'PAPER ALPHA', links: [WEIBO] }]);
    expect(summary()).toEqual([{ id: 'arxiv:2101.00001', title: 'Paper Alpha', docs: ['a.txt', 'b.txt'] }]);
    expect(report.warnings).toEqual([]); // case only: not a material difference
  });
});

describe('fault 8: the display title is stable', () => {
  it('keeps the earliest source\'s title when a later upload named "aaa-…" words it differently, and warns', async () => {
    await upload('weekly-x.txt', [{ title: 'Original Title', links: [ARXIV('2303.00003')] }]);
    const report = await upload('aaa-upload.txt', [{ title: 'A Different Title', links: [ARXIV('2303.00003v2')] }]);
    const p = cat.get('arxiv:2303.00003')!;
    expect(p.title.en).toBe('Original Title');
    expect(p.titleVariants).toEqual([{ title: { en: 'A Different Title', zh: '中文标题' }, document: 'aaa-upload.txt', line: 1 }]);
    expect(report.warnings).toEqual([
      { file: 'aaa-upload.txt', line: 1, message: 'item 1 titles arxiv:2303.00003 "A Different Title", but the paper keeps its title "Original Title" (earliest source)' },
    ]);
  });

  it('keeps the title when the earliest document is edited after the later upload, and after reopening', async () => {
    await upload('weekly-x.txt', [{ title: 'Original Title', links: [ARXIV('2303.00003')] }]);
    await upload('aaa-upload.txt', [{ title: 'A Different Title', links: [ARXIV('2303.00003')] }]);
    await ingestText(cat, 'weekly-x.txt', weekly([{ title: 'Original Title', links: [ARXIV('2303.00003'), 'https://github.com/x/y'] }]));
    expect(cat.get('arxiv:2303.00003')!.title.en).toBe('Original Title');
    const reopened = await openCatalogue(join(dir, 'catalogue.json'));
    expect(reopened.get('arxiv:2303.00003')!.title.en).toBe('Original Title');
  });

  it('records a variant that differs only in case or punctuation without a warning', async () => {
    await upload('b.txt', [{ title: 'Original Title', links: [ARXIV('2303.00003')] }]);
    const report = await upload('a.txt', [{ title: 'ORIGINAL TITLE!', links: [ARXIV('2303.00003')] }]);
    expect(cat.get('arxiv:2303.00003')!.title.en).toBe('Original Title');
    expect(cat.get('arxiv:2303.00003')!.titleVariants!.map((v) => v.title.en)).toEqual(['ORIGINAL TITLE!']);
    expect(report.warnings).toEqual([]);
  });
});

describe('fault 9: invisible characters in stored titles', () => {
  it('matches titles with zero-width and bidi controls to the clean title (items stored before the parser stripped them)', () => {
    const clean = parseDocument('a.txt', weekly([{ title: 'Attention Is All You Need', links: [ARXIV('1706.03762')] }])).record;
    const dirty: DocumentRecord = parseDocument('b.txt', weekly([{ title: 'Attention Is All You Need', links: [WEIBO] }])).record;
    dirty.items[0]!.title.en = 'Atten\u200Btion Is\u202E All You Need\u2069';
    const papers = derivePapers([clean, dirty]);
    expect(papers.map((p) => [p.id, p.sources.length])).toEqual([['arxiv:1706.03762', 2]]);
  });
});

describe('fault 6: an upload with one bad character', () => {
  it('stores every other paper of the document and names the rejected item with file:line', async () => {
    const items = Array.from({ length: 20 }, (_, i) => ({ title: `Paper ${i}`, links: [ARXIV(`2404.${String(i).padStart(5, '0')}`)] }));
    const text = weekly(items).replace('标题:Paper 7(中文标题)', '标题:Paper 7(中文\uFFFD标题)');
    const report = await ingestText(cat, 'upload.txt', text);
    expect(report.documents).toEqual([{ name: 'upload.txt', status: 'new', papers: 19 }]);
    expect(cat.papers()).toHaveLength(19);
    expect(cat.get('arxiv:2404.00007')).toBeUndefined();
    const line = text.split('\n').findIndex((l) => l.includes('\uFFFD')) + 1;
    expect(report.warnings).toEqual([{ file: 'upload.txt', line, message: expect.stringMatching(/^item 8 "Paper 7" rejected: it contains U\+FFFD/) }]);
  });
});
