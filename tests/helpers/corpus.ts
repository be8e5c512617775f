// The shared bilingual corpus (../shared/corpus, next to the clone) or its vendored subset, rendered into
// newsletters by render.mjs, and the check that ingesting them recovers every paper exactly.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Paper } from '../../src/catalogue/types.js';
import type { RenderRecord } from '../../src/eval/corpus.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARED = join(REPO_ROOT, '..', 'shared', 'corpus');
const VENDORED = join(REPO_ROOT, 'tests', 'fixtures', 'corpus');

/** A corpus line (the vendored subset's lines may lack a date). */
export type CorpusPaper = Omit<RenderRecord, 'date'>;

export interface Corpus {
  /** 'shared' when ../shared/corpus is present (CI), else the vendored subset. */
  kind: 'shared' | 'vendored';
  papersFile: string;
  renderer: string;
}

/** The shared corpus when present, else the vendored subset (PAPERSIFT_TEST_CORPUS=vendored forces the subset). */
export function findCorpus(): Corpus {
  if (process.env.PAPERSIFT_TEST_CORPUS !== 'vendored' && existsSync(join(SHARED, 'papers.jsonl')) && existsSync(join(SHARED, 'render.mjs')))
    return { kind: 'shared', papersFile: join(SHARED, 'papers.jsonl'), renderer: join(SHARED, 'render.mjs') };
  return vendoredCorpus();
}

/** The 150-paper subset under tests/fixtures/corpus, the same everywhere. */
export function vendoredCorpus(): Corpus {
  return { kind: 'vendored', papersFile: join(VENDORED, 'papers.jsonl'), renderer: join(VENDORED, 'render.mjs') };
}

export function loadCorpus(file: string): Map<string, CorpusPaper> {
  const out = new Map<string, CorpusPaper>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const p = JSON.parse(line) as CorpusPaper;
    out.set(p.arxivId, p);
  }
  return out;
}

export interface RenderOptions {
  format: 'daily' | 'weekly' | 'mixed';
  limit?: number;
  overlap?: number;
  rawPunct?: boolean;
  seed?: string;
}

export interface Manifest {
  rawPunct: boolean;
  files: { file: string; items: { arxivId: string; section: string }[] }[];
}

/** Renders newsletters into `out` and returns render.mjs's manifest (written beside, not inside, `out`). */
export function render(corpus: Corpus, out: string, o: RenderOptions): Manifest {
  const manifest = `${out}.manifest.json`;
  const args = [corpus.renderer, '--papers', corpus.papersFile, '--out', out, '--format', o.format, '--manifest', manifest];
  if (o.limit) args.push('--limit', String(o.limit));
  if (o.overlap) args.push('--overlap', String(o.overlap));
  if (o.rawPunct) args.push('--raw-punct');
  if (o.seed) args.push('--seed', o.seed);
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return JSON.parse(readFileSync(manifest, 'utf8')) as Manifest;
}

// As render.mjs writes text: whitespace collapsed and, unless --raw-punct, full-width forms folded to ASCII.
function rendered(s: string, rawPunct: boolean): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return rawPunct ? t : t.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

export interface Recovery {
  distinct: number;
  recovered: number;
  rate: number;
  /** Catalogue papers that match no rendered paper (an item split off another one). */
  spurious: number;
  failures: { arxivId: string; why: string[] }[];
}

/**
 * A paper counts as recovered when exactly one catalogue paper carries its arXiv id, with the English title exactly
 * as rendered, its Chinese summary (when an appearance carried one) and one source per appearance (merged once).
 */
export function checkRecovery(manifest: Manifest, corpus: Map<string, CorpusPaper>, papers: Paper[]): Recovery {
  const appearances = new Map<string, string[]>();
  for (const f of manifest.files) for (const it of f.items) appearances.set(it.arxivId, [...(appearances.get(it.arxivId) ?? []), it.section]);
  const byArxiv = new Map<string, Paper[]>();
  for (const p of papers) if (p.arxivId) byArxiv.set(p.arxivId, [...(byArxiv.get(p.arxivId) ?? []), p]);
  const failures: Recovery['failures'] = [];
  for (const [id, sections] of appearances) {
    const why = paperProblems(corpus.get(id)!, sections, byArxiv.get(id) ?? [], manifest.rawPunct);
    if (why.length) failures.push({ arxivId: id, why });
  }
  const distinct = appearances.size;
  const recovered = distinct - failures.length;
  const spurious = papers.filter((p) => !p.arxivId || !appearances.has(p.arxivId)).length;
  return { distinct, recovered, rate: recovered / distinct, spurious, failures };
}

function paperProblems(expected: CorpusPaper, sections: string[], found: Paper[], rawPunct: boolean): string[] {
  if (found.length !== 1) return [`${found.length} catalogue papers carry this arXiv id`];
  const p = found[0]!;
  const why: string[] = [];
  const title = rendered(expected.titleEn, rawPunct);
  if (p.title.en !== title) why.push(`title ${JSON.stringify(p.title.en?.slice(0, 120))} != ${JSON.stringify(title)}`);
  const summaryTail = [...rendered(expected.summaryZh, rawPunct)].slice(-12).join('');
  if (sections.some((s) => s !== '另外几篇值得关注的论文') && !p.summary.zh?.includes(summaryTail)) why.push('Chinese summary missing or cut');
  if (p.sources.length !== sections.length) why.push(`${p.sources.length} sources for ${sections.length} appearances`);
  return why;
}
