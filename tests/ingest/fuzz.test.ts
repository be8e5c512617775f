// Fuzzed uploads (truncation, shuffled, dropped and pasted lines, CRLF, zero-width and bidi characters, duplicated
// blocks, colliding ids and titles, bad characters, huge lines) on top of a catalogue of real newsletters: no crash,
// no stack trace, no stored paper lost, retitled or fused, every rejection named with file:line. Seeded, so every
// run is the same run.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPaths, ingestText } from '../../src/ingest/into-catalogue.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import type { Catalogue, IngestReport, Paper } from '../../src/catalogue/types.js';
import { IngestError } from '../../src/ingest/errors.js';
import { seededUniform } from '../../src/util/random.js';
import { render, vendoredCorpus } from '../helpers/corpus.js';

const ROUNDS = 80;
const INVISIBLE = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u00AD'];

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** One mutation of a newsletter's text; `ids` are the arXiv ids of every stored paper (for collisions). */
type Mutation = (text: string, rng: Rng, ids: string[]) => string;

const MUTATIONS: Record<string, Mutation> = {
  truncate: (t, rng) => t.slice(0, Math.floor(t.length * (0.2 + 0.75 * rng()))),
  shuffleLines: (t, rng) => {
    const lines = t.split('\n');
    const from = Math.floor(rng() * lines.length);
    const window = lines.slice(from, from + 8 + Math.floor(rng() * 30));
    for (let i = window.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [window[i], window[j]] = [window[j]!, window[i]!];
    }
    return [...lines.slice(0, from), ...window, ...lines.slice(from + window.length)].join('\n');
  },
  crlf: (t) => t.replace(/\n/g, '\r\n'),
  invisible: (t, rng) => {
    const chars = [...t];
    for (let k = 0; k < 200; k++) chars.splice(Math.floor(rng() * chars.length), 0, pick(rng, INVISIBLE));
    return chars.join('');
  },
  duplicateBlock: (t, rng) => {
    const lines = t.split('\n');
    const from = Math.floor(rng() * lines.length);
    const block = lines.slice(from, from + 4 + Math.floor(rng() * 12));
    return [...lines.slice(0, from + block.length), ...block, ...lines.slice(from + block.length)].join('\n');
  },
  collideArxiv: (t, rng, ids) => t.replace(/\d{4}\.\d{4,5}/, () => pick(rng, ids)),
  collideDoi: (t, rng) => t.replace(/(https?:\/\/arxiv\.org\/\S+)/, `$1\nhttps://doi.org/10.1000/fuzz.${Math.floor(rng() * 3)}`),
  replacementChar: (t, rng) => {
    const at = Math.floor(rng() * t.length);
    return `${t.slice(0, at)}\uFFFD${t.slice(at)}`;
  },
  dropLines: (t, rng) => t.split('\n').filter(() => rng() > 0.05).join('\n'),
  pasteBlock: (t, rng) => {
    const lines = t.split('\n');
    const at = Math.floor(rng() * lines.length);
    const block = lines.slice(Math.floor(rng() * lines.length)).slice(0, 20);
    return [...lines.slice(0, at), ...block, ...lines.slice(at)].join('\n');
  },
  // another item's title line in place of this one's: the title names one paper, the link another
  swapTitle: (t, rng) => {
    const lines = t.split('\n');
    const titles = lines.flatMap((l, i) => (/^(标题:|\d+、\[)/.test(l) ? [i] : []));
    if (titles.length < 2) return t;
    lines[pick(rng, titles)] = lines[pick(rng, titles)]!;
    return lines.join('\n');
  },
  hugeLine: (t, rng) => {
    const lines = t.split('\n');
    const at = Math.floor(rng() * lines.length);
    lines[at] = `${lines[at]}${'长'.repeat(60_000)}`;
    return lines.join('\n');
  },
};

interface Snapshot {
  title?: string;
  arxivId?: string;
  sources: string[];
}

let dir: string;
let cat: Catalogue;
let baseTexts: { name: string; text: string }[];
let before: Map<string, Snapshot>;
const outcomes: { name: string; mutations: string[]; report?: IngestReport; error?: unknown; lines: number }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-fuzz-'));
  const news = join(dir, 'news');
  render(vendoredCorpus(), news, { format: 'mixed', overlap: 0.1 });
  cat = await openCatalogue(join(dir, 'catalogue.json'));
  await ingestPaths(cat, [news]);
  baseTexts = await Promise.all((await readdir(news)).sort().map(async (name) => ({ name, text: await readFile(join(news, name), 'utf8') })));
  // a digest that links social-media posts instead of arXiv: its items belong to their papers by title alone
  const weibo = baseTexts[0]!.text.replace(/https?:\/\/arxiv\.org\/\S+/g, (_, i: number) => `https://weibo.com/1402400261/p${i}`);
  expect((await ingestText(cat, 'zzz-weibo-copy.txt', weibo)).added).toEqual([]);
  before = new Map(cat.papers().map((p) => [p.id, snapshot(p)]));

  const rng = seededUniform(20261130);
  const ids = [...before.values()].flatMap((s) => (s.arxivId ? [s.arxivId] : []));
  for (let round = 1; round <= ROUNDS; round++) {
    const base = pick(rng, baseTexts);
    const mutations = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(rng, Object.keys(MUTATIONS)));
    const text = mutations.reduce((t, m) => MUTATIONS[m]!(t, rng, ids), base.text);
    // "aaa-" sorts before every real document: a name must not decide which title a paper shows
    const name = `aaa-fuzz-${String(round).padStart(3, '0')}-${base.name}`;
    const outcome = { name, mutations, lines: text.split(/\r\n|\r|\n/).length };
    try {
      outcomes.push({ ...outcome, report: await ingestText(cat, name, text) });
    } catch (error) {
      outcomes.push({ ...outcome, error });
    }
  }
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function snapshot(p: Paper): Snapshot {
  return { title: p.title.en, arxivId: p.arxivId, sources: p.sources.map((s) => `${s.document}#${s.position}`) };
}

describe(`${ROUNDS} fuzzed uploads over a catalogue of rendered real newsletters`, () => {
  it('exercises every mutation, and both outcomes: ingested and rejected', () => {
    expect(new Set(outcomes.flatMap((o) => o.mutations))).toEqual(new Set(Object.keys(MUTATIONS)));
    expect(outcomes.filter((o) => o.report).length).toBeGreaterThan(ROUNDS / 2);
    expect(outcomes.filter((o) => o.error).length).toBeGreaterThan(0);
    // colliding ids reached the catalogue as conflicts, and were reported as such
    const messages = outcomes.flatMap((o) => o.report?.warnings ?? []).map((w) => w.message);
    expect(messages.some((m) => m.includes('the two papers were kept apart'))).toBe(true);
    expect(messages.some((m) => m.includes('but the paper keeps its title'))).toBe(true);
  });

  it('never crashes: a rejected document is an IngestError naming it, in one line, without a stack trace', () => {
    for (const o of outcomes.filter((x) => x.error)) {
      expect(o.error, o.name).toBeInstanceOf(IngestError);
      const message = (o.error as Error).message;
      expect(message.startsWith(`${o.name}`), message).toBe(true);
      expect(message, 'one line, no stack trace').not.toContain('\n');
    }
  });

  it('names every warning and every rejected item with the uploaded file and a line inside it', () => {
    const warnings = outcomes.flatMap((o) => (o.report?.warnings ?? []).map((w) => ({ ...w, o })));
    expect(warnings.some((w) => /rejected/.test(w.message))).toBe(true);
    for (const w of warnings) {
      expect(w.file, w.message).toBe(w.o.name);
      expect(w.line, `${w.file}: ${w.message}`).toBeGreaterThanOrEqual(1);
      expect(w.line, `${w.file}: ${w.message}`).toBeLessThanOrEqual(w.o.lines);
      expect(w.message, 'one line, no stack trace').not.toContain('\n');
    }
  });

  it('loses, retitles and fuses no stored paper', () => {
    const now = new Map(cat.papers().map((p) => [p.id, snapshot(p)]));
    for (const [id, was] of before) {
      const is = now.get(id);
      expect(is, `${id} lost`).toBeDefined();
      expect(is!.title, `${id} retitled`).toBe(was.title);
      expect(is!.arxivId, `${id} re-identified`).toBe(was.arxivId);
      // every source it had is still its own: no other stored paper was fused into it, nor it into another
      expect(is!.sources, `${id} lost a source`).toEqual(expect.arrayContaining(was.sources));
      const stored = is!.sources.filter((s) => !s.startsWith('aaa-fuzz-'));
      expect(stored, `${id} fused with another stored paper`).toEqual(was.sources);
    }
  });

  it('stores no invisible characters and no field over its cap', () => {
    for (const p of cat.papers()) {
      for (const text of [p.title.en, p.title.zh, ...p.authors]) expect(text ?? '', p.id).not.toMatch(/\p{Cf}/u);
      expect([...(p.title.en ?? '')].length).toBeLessThanOrEqual(1000);
    }
  });

  it('files a copy with only invisible characters or CRLF added under the papers it copies, creating none', async () => {
    const copies = await openCatalogue(join(dir, 'copies.json'));
    await ingestPaths(copies, [join(dir, 'news')]);
    const count = copies.papers().length;
    const rng = seededUniform(7);
    for (const [i, base] of baseTexts.entries()) {
      const text = MUTATIONS.crlf!(MUTATIONS.invisible!(base.text, rng, []), rng, []);
      const report = await ingestText(copies, `copy-${i}.txt`, text);
      expect(report.added, base.name).toEqual([]);
      expect(report.warnings, base.name).toEqual([]);
    }
    expect(copies.papers()).toHaveLength(count);
  });
});
