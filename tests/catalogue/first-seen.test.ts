// Each paper's firstSeen (issue 13's "new since your last visit"): when the earliest newsletter carrying it was
// ingested. Real catalogue files in a temp dir, documents ingested one upload at a time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestText } from '../../src/ingest/into-catalogue.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import type { Catalogue } from '../../src/catalogue/types.js';

/** A weekly digest with one item per arXiv id. */
const weekly = (ids: string[], note = '') =>
  ids.map((id) => `标题:Paper ${id}(论文 ${id})了解详情\n\n作者:A B\n\n简介:摘要${note}。\n\n论文地址:https://arxiv.org/abs/${id}\n`).join('\n');

let dir: string;
let cat: Catalogue;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-first-seen-'));
  cat = await openCatalogue(join(dir, 'catalogue.json'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const seen = (id: string) => cat.get(`arxiv:${id}`)!.firstSeen!;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('firstSeen', () => {
  it('is the ingest time of the earliest document carrying the paper; a later repeat or an edit does not renew it', async () => {
    await ingestText(cat, 'weekly-1.txt', weekly(['2303.00001', '2303.00002']));
    const first = seen('2303.00001');
    expect(Date.parse(first)).not.toBeNaN();
    await tick();
    await ingestText(cat, 'weekly-2.txt', weekly(['2303.00002', '2303.00003']));
    expect(seen('2303.00002')).toBe(first);
    expect(seen('2303.00003') > first).toBe(true);
    await tick();
    await ingestText(cat, 'weekly-1.txt', weekly(['2303.00001', '2303.00002'], ' (edited)'));
    expect(seen('2303.00001')).toBe(first);
    expect((await openCatalogue(join(dir, 'catalogue.json'))).get('arxiv:2303.00001')!.firstSeen).toBe(first);
  });
});
