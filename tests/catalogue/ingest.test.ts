// Ingesting files and uploads: idempotency, edits, partial failures, removal of vanished files.
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestPaths, ingestText } from '../../src/ingest/into-catalogue.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { IngestError } from '../../src/ingest/errors.js';
import { SEEDS_DIR } from '../ingest/seeds.js';

let dir: string;
let sources: string;
let catPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-ingest-'));
  sources = join(dir, 'newsletters');
  catPath = join(dir, 'data', 'catalogue.json');
  await cp(SEEDS_DIR, sources, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fileState = async (p: string) => {
  const s = await stat(p);
  return { ino: s.ino, mtimeMs: s.mtimeMs, text: await readFile(p, 'utf8') };
};

describe('ingestPaths', () => {
  it('ingests a directory of newsletters, reporting counts and file:line warnings', async () => {
    const cat = await openCatalogue(catPath);
    const report = await ingestPaths(cat, [sources]);
    expect(report.documents.map((d) => [d.name, d.status, d.papers])).toEqual([
      ['daily-arxiv-2021-06.txt', 'new', 9],
      ['daily-arxiv-2022-09.txt', 'new', 9],
      ['weekly-pretraining-no28.txt', 'new', 12],
      ['weekly-pretraining-no36.txt', 'new', 12],
      ['weekly-pretraining-no52.txt', 'new', 9],
    ]);
    expect(report.added).toHaveLength(51);
    expect(cat.papers()).toHaveLength(51);
    expect(report.warnings.map((w) => `${w.file}:${w.line}`)).toEqual([
      'weekly-pretraining-no28.txt:139',
      'weekly-pretraining-no52.txt:137',
      'weekly-pretraining-no52.txt:137',
      'weekly-pretraining-no52.txt:137',
    ]);
    expect(cat.documents().find((d) => d.name === 'weekly-pretraining-no36.txt')!.path).toBe(join(sources, 'weekly-pretraining-no36.txt'));
  });

  it('does not read a file again whose size and modification time are as recorded, and reads it once either changes', async () => {
    const file = join(sources, 'weekly-pretraining-no36.txt');
    const whole = new Date(Math.floor(Date.now() / 1000) * 1000); // utimes sets whole milliseconds: make mtime one
    await utimes(file, whole, whole);
    await ingestPaths(await openCatalogue(catPath), [sources]);
    const recorded = (await openCatalogue(catPath)).documents().find((d) => d.path === file)!;
    const { size, mtimeMs } = await stat(file);
    expect(recorded.stat).toEqual({ size, mtimeMs });
    // other text of the same size, the old mtime put back: taken as unchanged without reading it (the make/rsync test)
    const text = await readFile(file, 'utf8');
    const edited = text.replace('GradMax', 'GRADMAX');
    expect(edited).not.toBe(text);
    await writeFile(file, edited);
    await utimes(file, new Date(mtimeMs), new Date(mtimeMs));
    const same = await ingestPaths(await openCatalogue(catPath), [sources]);
    expect(same.documents.find((d) => d.name === 'weekly-pretraining-no36.txt')!.status).toBe('unchanged');
    // touched: read, found changed, and its new stat recorded
    const later = new Date(mtimeMs + 5000);
    await utimes(file, later, later);
    const touched = await ingestPaths(await openCatalogue(catPath), [sources]);
    expect(touched.documents.find((d) => d.name === 'weekly-pretraining-no36.txt')!.status).toBe('changed');
    expect((await openCatalogue(catPath)).documents().find((d) => d.path === file)!.stat).toEqual({ size, mtimeMs: (await stat(file)).mtimeMs });
  });

  it('records the new stat of a touched file whose content did not change, without a change', async () => {
    const file = join(sources, 'daily-arxiv-2021-06.txt');
    await ingestPaths(await openCatalogue(catPath), [sources]);
    const papers = (await openCatalogue(catPath)).papers();
    const later = new Date(Date.now() + 60_000);
    await utimes(file, later, later);
    const report = await ingestPaths(await openCatalogue(catPath), [sources]);
    expect(report.documents.every((d) => d.status === 'unchanged')).toBe(true);
    expect(report.updated).toEqual([]);
    const reopened = await openCatalogue(catPath);
    expect(reopened.documents().find((d) => d.path === file)!.stat!.mtimeMs).toBe((await stat(file)).mtimeMs);
    expect(reopened.papers()).toEqual(papers);
  });

  it('changes nothing and does not rewrite the file when the same files are ingested again', async () => {
    await ingestPaths(await openCatalogue(catPath), [sources]);
    const before = await fileState(catPath);
    const again = await ingestPaths(await openCatalogue(catPath), [sources, join(sources, 'daily-arxiv-2021-06.txt')]);
    expect(again.documents.every((d) => d.status === 'unchanged')).toBe(true);
    expect(again.added).toEqual([]);
    expect(again.updated).toEqual([]);
    expect(again.unchanged).toHaveLength(51);
    expect(await fileState(catPath)).toEqual(before);
  });

  it('updates the papers an edited document produced, and only those', async () => {
    const cat = await openCatalogue(catPath);
    await ingestPaths(cat, [sources]);
    const file = join(sources, 'daily-arxiv-2022-09.txt');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('A Generalist Neural Algorithmic Learner', 'A Generalist Neural Algorithmic Learner (revised)'));
    const report = await ingestPaths(cat, [sources]);
    expect(report.documents.filter((d) => d.status !== 'unchanged')).toEqual([{ name: 'daily-arxiv-2022-09.txt', status: 'changed', papers: 9 }]);
    expect(report.updated).toEqual(['arxiv:2209.11142']);
    expect(report.added).toEqual([]);
    expect(report.unchanged).toHaveLength(50);
    expect((await openCatalogue(catPath)).get('arxiv:2209.11142')!.title.en).toBe('A Generalist Neural Algorithmic Learner (revised)');
  });

  it('reports papers an edit removed from a document', async () => {
    const cat = await openCatalogue(catPath);
    await ingestPaths(cat, [sources]);
    const file = join(sources, 'daily-arxiv-2022-09.txt');
    const text = await readFile(file, 'utf8');
    const start = text.indexOf('[CV] UniColor');
    await writeFile(file, text.slice(0, start) + text.slice(text.indexOf('[CL] LINGUIST')));
    const report = await ingestPaths(cat, [file]);
    expect(report.removed).toEqual(['arxiv:2209.11223']);
    expect(cat.papers()).toHaveLength(50);
  });

  it('commits the good files and reports the bad ones by path', async () => {
    await writeFile(join(sources, 'empty.txt'), '');
    await writeFile(join(sources, 'scan.md'), Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]));
    await writeFile(join(sources, 'notes.txt'), 'shopping list\nmilk\n');
    await writeFile(join(sources, 'ignored.pdf'), 'not a newsletter extension');
    const cat = await openCatalogue(catPath);
    const report = await ingestPaths(cat, [sources, join(dir, 'missing-dir')]);
    const failed = report.documents.filter((d) => d.status === 'failed');
    expect(failed.map((d) => d.error)).toEqual([
      `${join(dir, 'missing-dir')}: no such file or directory`,
      `${join(sources, 'empty.txt')}: empty file`,
      `${join(sources, 'notes.txt')}: unrecognised format: expected a weekly digest ("标题:…" items) or a daily arXiv digest ("1、[CV] Title" items)`,
      `${join(sources, 'scan.md')}: binary content (NUL byte at offset 4), expected a UTF-8 text newsletter`,
    ]);
    expect(report.documents.filter((d) => d.status === 'new')).toHaveLength(5);
    expect((await openCatalogue(catPath)).papers()).toHaveLength(51);
  });

  it('writes nothing when every file fails', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'a.txt'), ' \n ');
    const report = await ingestPaths(await openCatalogue(catPath), [bad]);
    expect(report.documents.map((d) => d.status)).toEqual(['failed']);
    await expect(stat(catPath)).rejects.toThrow(/ENOENT/);
  });

  it('keeps the previous version of a document whose new version is cut off', async () => {
    const cat = await openCatalogue(catPath);
    await ingestPaths(cat, [sources]);
    const before = await fileState(catPath);
    const file = join(sources, 'weekly-pretraining-no52.txt');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, text.indexOf('ProGen2') + 4));
    const report = await ingestPaths(cat, [file]);
    expect(report.documents).toEqual([
      { name: 'weekly-pretraining-no52.txt', status: 'failed', papers: 0, error: `${file}:109: truncated: the document ends inside item 7 "ProG" before its link` },
    ]);
    expect(await fileState(catPath)).toEqual(before);
    expect(cat.papers()).toHaveLength(51);
  });

  it('follows symbolic links to files and directories, skipping hidden entries', async () => {
    const linked = join(dir, 'linked');
    await mkdir(linked);
    await symlink(join(sources, 'weekly-pretraining-no52.txt'), join(linked, 'no52.txt'));
    await symlink(sources, join(linked, 'archive'));
    await writeFile(join(linked, '.draft.txt'), 'not read');
    const report = await ingestPaths(await openCatalogue(catPath), [linked]);
    expect(report.documents.map((d) => d.name)).toEqual([
      'daily-arxiv-2021-06.txt',
      'daily-arxiv-2022-09.txt',
      'weekly-pretraining-no28.txt',
      'weekly-pretraining-no36.txt',
      'weekly-pretraining-no52.txt',
      'no52.txt',
    ]);
    expect(report.merged).toHaveLength(9); // no52.txt and weekly-pretraining-no52.txt hold the same papers
  });

  it('refuses two files with the same base name', async () => {
    const other = join(dir, 'other');
    await mkdir(other);
    await cp(join(sources, 'daily-arxiv-2021-06.txt'), join(other, 'daily-arxiv-2021-06.txt'));
    const report = await ingestPaths(await openCatalogue(catPath), [sources, other]);
    const failed = report.documents.filter((d) => d.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toMatch(/document name "daily-arxiv-2021-06\.txt" is already used by .*newsletters\/daily-arxiv-2021-06\.txt/);
  });
});

describe('ingestPaths with removeMissing', () => {
  it('removes documents whose files vanished from the scanned paths, and nothing else', async () => {
    const cat = await openCatalogue(catPath);
    await ingestPaths(cat, [sources]);
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'extra.txt'), '1、[CV] Some Other Paper\n\nA Author\n[Lab]\nhttps://arxiv.org/abs/2301.00001\n');
    await ingestPaths(cat, [elsewhere]);
    await ingestText(cat, 'upload.txt', '1、[CL] Uploaded Paper\n\nB Author\n[Lab]\nhttps://arxiv.org/abs/2302.00002\n');
    await unlink(join(sources, 'weekly-pretraining-no36.txt'));

    const report = await ingestPaths(cat, [sources], { removeMissing: true });
    expect(report.documents.filter((d) => d.status === 'removed')).toEqual([{ name: 'weekly-pretraining-no36.txt', status: 'removed', papers: 12 }]);
    expect(report.removed).toHaveLength(12);
    expect(report.removed).toContain('arxiv:2106.08208');
    expect(cat.documents().map((d) => d.name)).toEqual([
      'daily-arxiv-2021-06.txt',
      'daily-arxiv-2022-09.txt',
      'extra.txt',
      'upload.txt',
      'weekly-pretraining-no28.txt',
      'weekly-pretraining-no52.txt',
    ]);
  });

  it('removes nothing when a path cannot be read or holds no documents', async () => {
    const cat = await openCatalogue(catPath);
    await ingestPaths(cat, [sources]);
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const report = await ingestPaths(cat, [empty], { removeMissing: true });
    expect(report.removed).toEqual([]);
    expect(report.warnings.map((w) => w.message)).toEqual(['no documents were removed: some paths could not be read or held no .txt/.md files']);
    await rm(sources, { recursive: true });
    const gone = await ingestPaths(cat, [sources], { removeMissing: true });
    expect(gone.removed).toEqual([]);
    expect(cat.papers()).toHaveLength(51);
  });
});

describe('ingestText', () => {
  it('adds an uploaded document, and does nothing when the same text comes again', async () => {
    const cat = await openCatalogue(catPath);
    const text = await readFile(join(sources, 'weekly-pretraining-no52.txt'), 'utf8');
    const first = await ingestText(cat, 'no52.txt', text);
    expect(first.documents).toEqual([{ name: 'no52.txt', status: 'new', papers: 9 }]);
    expect(first.warnings).toHaveLength(3);
    expect(cat.documents()[0]!.path).toBeUndefined();
    const before = await fileState(catPath);
    const again = await ingestText(cat, 'no52.txt', text);
    expect(again.documents).toEqual([{ name: 'no52.txt', status: 'unchanged', papers: 9 }]);
    expect(again.unchanged).toHaveLength(9);
    expect(await fileState(catPath)).toEqual(before);
  });

  it('throws IngestError for text that cannot be parsed, leaving the catalogue untouched', async () => {
    const cat = await openCatalogue(catPath);
    await ingestText(cat, 'a.txt', await readFile(join(sources, 'daily-arxiv-2021-06.txt'), 'utf8'));
    const before = await fileState(catPath);
    await expect(ingestText(cat, 'b.txt', 'hello world')).rejects.toThrow(IngestError);
    await expect(ingestText(cat, 'b.txt', 'hello world')).rejects.toThrow(/^b\.txt: unrecognised format/);
    await expect(ingestText(cat, '../etc/passwd', 'x')).rejects.toThrow(/document name must be a plain file name/);
    expect(await fileState(catPath)).toEqual(before);
    expect(cat.papers()).toHaveLength(9);
  });
});
