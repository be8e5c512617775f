// Real papers at a chosen size for benchmarks: the shared bilingual corpus (7,020 real papers; the vendored 150 when
// it is absent) rendered into newsletters and ingested as any newsletter is, then, past its size, copied with
// perturbed arXiv ids (same text, new identities) until there are `n`.
import { join } from 'node:path';
import type { Paper } from '../../../src/catalogue/types.js';
import { ingestSeeds } from '../../../src/eval/seed-engine.js';
import { findCorpus, render } from '../../../tests/helpers/corpus.js';

/** `n` papers from the corpus, rendered and ingested under `dataDir`. Deterministic. */
export async function corpusPapers(dataDir: string, n: number): Promise<{ papers: Paper[]; real: number; corpus: string; kind: string }> {
  const corpus = findCorpus();
  const out = join(dataDir, 'rendered');
  render(corpus, out, { format: 'mixed', seed: 'bench' });
  const real = (await ingestSeeds(dataDir, [out])).sort((a, b) => (a.id < b.id ? -1 : 1));
  const papers = real.slice(0, n);
  for (let copy = 1; papers.length < n; copy++) {
    for (const p of real) {
      if (papers.length >= n) break;
      papers.push(perturbed(p, copy));
    }
  }
  return { papers, real: Math.min(n, real.length), corpus: `${corpus.kind} corpus (${real.length} papers)`, kind: corpus.kind };
}

/** The paper under another arXiv id: its year moved back 3 years per copy (the corpus holds 2025-26 papers only). */
function perturbed(p: Paper, copy: number): Paper {
  const m = /^(\d\d)(\d\d)(\.\d+)$/.exec(p.arxivId ?? '');
  if (!m) throw new Error(`corpus paper ${p.id} has no new-style arXiv id to perturb`);
  const [, year, month, number] = m as unknown as [string, string, string, string];
  const yy = String(Number(year) - 3 * copy).padStart(2, '0');
  const arxivId = `${yy}${month}${number}`;
  const links = p.links.map((l) => ({ ...l, url: l.url.replace(p.arxivId!, arxivId) }));
  return { ...p, id: `arxiv:${arxivId}`, arxivId, links, date: `20${yy}-${month}` };
}
