// Re-deriving only the papers a change can reach gives exactly what deriving everything gives: random sequences of
// document edits, additions and removals over items that share arXiv ids, DOIs and titles (with conflicting evidence
// and an ingest order unrelated to document names), each checked against deriveCatalogue; then through a real
// catalogue, whose commits take that path.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveChange } from '../../src/catalogue/incremental.js';
import { DERIVATION, deriveCatalogue, type MergeNote } from '../../src/catalogue/merge.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { segmentFile, segmentsDir } from '../../src/catalogue/store.js';
import type { DocumentRecord, ParsedPaper } from '../../src/catalogue/types.js';
import { seededUniform } from '../../src/util/random.js';

// small pools, so that items keep meeting: the same paper under another id, one id under two titles, ...
const ARXIV = ['2101.00001', '2101.00002', '2101.00003', '2101.00004', '2101.00005'];
const DOIS = ['10.1000/a', '10.1000/b', '10.1000/c', '10.1000/d'];
// each title in wordings that normalise alike, so display titles and title variants differ by source
const TITLES = [
  ['Paper Alpha', 'PAPER ALPHA', 'Paper, Alpha'],
  ['Paper Beta', 'paper beta'],
  ['Paper Gamma', 'Paper Gamma.'],
  ['Paper Delta'],
  ['Paper Epsilon', 'Paper  Epsilon'],
  ['Paper Zeta'],
];
const ZH = ['甲论文', '乙论文', '丙论文'];
const NAMES = ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'f.txt', 'g.txt', 'h.txt'];

type Random = () => number;
const pick = <T,>(rnd: Random, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

function randomItem(rnd: Random, document: string, position: number): ParsedPaper {
  const links = [];
  if (rnd() < 0.5) links.push({ kind: 'paper' as const, url: `https://arxiv.org/abs/${pick(rnd, ARXIV)}` });
  if (rnd() < 0.35) links.push({ kind: 'paper' as const, url: `https://doi.org/${pick(rnd, DOIS)}` });
  const en = rnd() < 0.85 ? pick(rnd, pick(rnd, TITLES)) : undefined;
  const zh = !en || rnd() < 0.3 ? pick(rnd, ZH) : undefined;
  return {
    title: { ...(en ? { en } : {}), ...(zh && rnd() < 0.9 ? { zh } : {}) },
    authors: rnd() < 0.5 ? ['A Author'] : ['A Author', 'B Author'],
    affiliations: [],
    categories: [pick(rnd, ['CV', 'LG', 'CL'])],
    summary: { zh: pick(rnd, ['摘要。', '更长的摘要。']) },
    links,
    source: { document, format: 'weekly', position, line: position * 5 },
  };
}

let versions = 0;
function randomDocument(rnd: Random, name: string): DocumentRecord {
  const items = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, i) => randomItem(rnd, name, i + 1));
  return { name, sha256: `v${++versions}`, format: 'weekly', ingestedAt: `2026-01-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}T00:00:00Z`, items };
}

/** The commit's bookkeeping (as LowCatalogue does it): an edited document keeps its ingest order and time. */
function applyRandomChange(rnd: Random, documents: DocumentRecord[]) {
  const byName = new Map(documents.map((d) => [d.name, d]));
  const replaced: DocumentRecord[] = [];
  const touched = new Set<string>();
  let order = Math.max(0, ...documents.map((d) => d.ingestOrder ?? 0));
  for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
    const name = pick(rnd, NAMES);
    const old = byName.get(name);
    const op = rnd();
    if (old && op < 0.3) {
      byName.delete(name);
      replaced.push(old);
    } else if (old && op < 0.4) {
      touched.add(name); // uploaded again unchanged: its notes are reported again
    } else {
      const doc = randomDocument(rnd, name);
      if (old) replaced.push(old);
      byName.set(name, old ? { ...doc, ingestedAt: old.ingestedAt, ingestOrder: old.ingestOrder } : { ...doc, ingestOrder: ++order });
      touched.add(name);
    }
  }
  const next = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return { documents: next, replaced, touched: new Set([...touched].filter((t) => byName.has(t))) };
}

const on = (touched: Set<string>) => (notes: MergeNote[]) => notes.filter((n) => touched.has(n.document));

describe('deriving only the components a change reaches', () => {
  it('gives the papers and touched-document notes of a full derivation, over random edit sequences', () => {
    let compared = 0;
    let withNotes = 0;
    let partial = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const rnd = seededUniform(seed);
      let documents: DocumentRecord[] = [];
      let papers = deriveCatalogue(documents).papers;
      for (let step = 0; step < 12; step++) {
        const change = applyRandomChange(rnd, documents);
        const full = deriveCatalogue(change.documents);
        const incremental = deriveChange({ ...change, papers })!;
        expect(incremental, `seed ${seed} step ${step}`).toBeDefined();
        expect(incremental.papers, `seed ${seed} step ${step}`).toEqual(full.papers);
        expect(on(change.touched)(incremental.notes), `seed ${seed} step ${step}`).toEqual(on(change.touched)(full.notes));
        compared++;
        if (on(change.touched)(full.notes).length) withNotes++;
        if (incremental.papers.some((p) => papers.includes(p))) partial++;
        ({ documents } = change);
        papers = incremental.papers;
      }
    }
    // the sequences exercise what they claim to: notes, and changes that leave papers alone
    expect(compared).toBe(1800);
    expect(withNotes).toBeGreaterThan(500);
    expect(partial).toBeGreaterThan(500);
  });

  it('keeps the papers the change cannot reach as the same objects', () => {
    const doc = (name: string, order: number, items: { title: string; arxiv?: string }[]): DocumentRecord => ({
      name,
      sha256: `${name}:${items.map((i) => i.title).join('|')}`,
      format: 'weekly',
      ingestedAt: '2026-01-01T00:00:00Z',
      ingestOrder: order,
      items: items.map((i, n) => ({
        title: { en: i.title },
        authors: [],
        affiliations: [],
        categories: [],
        summary: {},
        links: i.arxiv ? [{ kind: 'paper', url: `https://arxiv.org/abs/${i.arxiv}` }] : [],
        source: { document: name, format: 'weekly', position: n + 1, line: n + 1 },
      })),
    });
    const a = doc('a.txt', 1, [{ title: 'Paper Alpha', arxiv: '2101.00001' }, { title: 'Paper Beta' }]);
    const b = doc('b.txt', 2, [{ title: 'Paper Gamma' }, { title: 'Paper Beta', arxiv: '2101.00002' }]);
    const before = deriveCatalogue([a, b]).papers;
    const b2 = doc('b.txt', 2, [{ title: 'Paper Gamma' }, { title: 'Paper Delta', arxiv: '2101.00002' }]);
    const after = deriveChange({ documents: [a, b2], papers: before, replaced: [b], touched: new Set(['b.txt']) })!;
    expect(after.papers).toEqual(deriveCatalogue([a, b2]).papers);
    // Alpha is reached by nothing; Beta lost the arXiv id b.txt gave it and Gamma is b.txt's: both derived again
    expect(after.papers.map((p) => before.includes(p))).toEqual([true, false, false, false]);
  });

  it('declines (derive everything) when items do not stand in source order, so papers cannot be matched to them', () => {
    const rnd = seededUniform(3);
    const a = randomDocument(rnd, 'a.txt');
    const b = randomDocument(rnd, 'b.txt');
    const papers = deriveCatalogue([a, b]).papers;
    expect(a.items.length).toBeGreaterThan(1);
    const shuffled = { ...a, items: [...a.items].reverse() };
    const change = { papers, replaced: [b], touched: new Set(['b.txt']) };
    expect(deriveChange({ ...change, documents: [shuffled, randomDocument(rnd, 'b.txt')] })).toBeUndefined();
    expect(deriveChange({ ...change, documents: [a, randomDocument(rnd, 'b.txt')] })).toBeDefined();
  });
});

describe('a catalogue committing changes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'papersift-incremental-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores and reports what deriving every document gives, commit after commit', async () => {
    const cat = await openCatalogue(join(dir, 'catalogue.json'));
    const rnd = seededUniform(7);
    for (let step = 0; step < 15; step++) {
      const change = applyRandomChange(rnd, cat.documents());
      const upsert = change.documents.filter((d) => change.touched.has(d.name));
      const remove = change.replaced.map((d) => d.name).filter((n) => !change.documents.some((d) => d.name === n));
      const report = await cat.commit({ upsert, remove });
      const full = deriveCatalogue(cat.documents());
      expect(cat.papers(), `step ${step}`).toEqual(full.papers);
      // a commit changing no document derives nothing and notes nothing
      const notes = report.documents.some((d) => d.status !== 'unchanged') ? on(change.touched)(full.notes) : [];
      expect(report.warnings, `step ${step}`).toEqual(notes.map((n) => ({ file: n.document, line: n.line, message: n.message })));
    }
    // and a catalogue opened afresh reads the same
    expect((await openCatalogue(join(dir, 'catalogue.json'))).papers()).toEqual(cat.papers());
  });

  it('derives everything at the first commit of papers derived under other merge rules, then records the rules', async () => {
    const path = join(dir, 'catalogue.json');
    const own = (name: string, title: string): DocumentRecord => ({
      name,
      sha256: title,
      format: 'weekly',
      ingestedAt: '2026-01-01T00:00:00Z',
      items: [{ title: { en: title }, authors: [], affiliations: [], categories: [], summary: {}, links: [], source: { document: name, format: 'weekly', position: 1, line: 1 } }],
    });
    const cat = await openCatalogue(path);
    await cat.commit({ upsert: [own('a.txt', 'Paper Alpha'), own('b.txt', 'Paper Beta')], remove: [] });
    // what a catalogue written before DERIVATION existed, under rules that titled one paper otherwise, looks like
    const stale = cat.papers().map((p, i) => (i === 0 ? { ...p, title: { en: 'Titled by older rules' } } : p));
    const json = JSON.stringify(stale);
    const file = segmentFile(createHash('sha256').update(json).digest('hex'));
    await writeFile(join(segmentsDir(path), file), json);
    const index = JSON.parse(await readFile(path, 'utf8')) as { derivation?: number; papers: string[] };
    expect(index.derivation).toBe(DERIVATION);
    await writeFile(path, JSON.stringify({ ...index, derivation: undefined, papers: [file] }));

    // b.txt's edit reaches nothing of a.txt's, yet a.txt's paper is derived again
    const old = await openCatalogue(path);
    await old.commit({ upsert: [own('b.txt', 'Paper Gamma')], remove: [] });
    expect(old.papers()).toEqual(deriveCatalogue(old.documents()).papers);
    expect(old.papers()[0]!.title.en).not.toBe('Titled by older rules');
    expect((JSON.parse(await readFile(path, 'utf8')) as { derivation?: number }).derivation).toBe(DERIVATION);
  });
});
