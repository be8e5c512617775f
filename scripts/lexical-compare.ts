// One-off, side by side in one process: the MiniSearch BM25 index (src/search/lexical-minisearch.ts) against the
// typed-array one (src/search/lexical.ts) on the real corpus (7,020 papers) and replicated to 20k (perturbed ids,
// one summary sentence dropped per copy). Run: node --expose-gc --import tsx scripts/lexical-compare.ts [sizes...]
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStaticEmbedder } from '../src/embed/static/index.js';
import { openDictionary } from '../src/lang/dictionary.js';
import { ingestSeeds, MODELS_CACHE } from '../src/eval/seed-engine.js';
import { corpusQueries, readCorpus, writeRenderInput } from '../src/eval/corpus.js';
import { analyzeQuery } from '../src/search/analyzer.js';
import { createSearchEngine } from '../src/search/engine.js';
import * as fresh from '../src/search/lexical.js';
import * as old from '../src/search/lexical-minisearch.js';
import type { Paper } from '../src/catalogue/types.js';
import { HnswIndex, LABELS_FILE } from '../src/index/hnsw.js';
import { indexPapers } from '../src/eval/seed-engine.js';
import { loadConfig } from '../src/config.js';
import { existsSync } from 'node:fs';
import type { Embedder } from '../src/embed/types.js';
import { percentile } from './bench/lib/stats.js';

const CORPUS = '/work/shared/corpus/papers.jsonl';
/** HNSW indexes of these exact papers, kept between runs (embedding 20k papers takes minutes). */
const HNSW_CACHE = '/tmp/lex-compare-hnsw';

async function hnswFor(papers: Paper[], embedder: Embedder): Promise<HnswIndex> {
  const dir = join(HNSW_CACHE, String(papers.length));
  if (existsSync(join(dir, LABELS_FILE))) return HnswIndex.load(dir, loadConfig({}, {}).hnsw);
  const index = await indexPapers(papers, embedder);
  await mkdir(dir, { recursive: true });
  await index.save(dir);
  return index;
}
/** Heap + array buffers after settling the garbage collector (freed backing stores are released asynchronously). */
async function settled(): Promise<number> {
  const gc = globalThis.gc ?? (() => { throw new Error('run with node --expose-gc'); });
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function replicate(papers: Paper[], n: number): Paper[] {
  const out = [...papers];
  for (let r = 1; out.length < n; r++) {
    for (const p of papers) {
      if (out.length >= n) break;
      const drop = (text: string | undefined, split: RegExp) => {
        if (!text) return text;
        const parts = text.split(split);
        return parts.length > 1 ? parts.filter((_, i) => i !== r % parts.length).join(' ') : text;
      };
      const { arxivId: _a, doi: _d, ...rest } = p;
      out.push({ ...rest, id: `${p.id}~r${r}`, summary: { ...(p.summary.en ? { en: drop(p.summary.en, /(?<=\.)\s+/) } : {}), ...(p.summary.zh ? { zh: drop(p.summary.zh, /(?<=。)/) } : {}) } });
    }
  }
  return out;
}

const ms = (x: number) => x.toFixed(2);
const s1 = (x: number) => (x / 1000).toFixed(2);
const mb = (x: number) => (x / 1e6).toFixed(1);

type Impl = { name: string; build(p: readonly Paper[]): fresh.LexicalIndex; save(i: fresh.LexicalIndex): Uint8Array | string; load(file: string, p: readonly Paper[]): Promise<fresh.LexicalIndex>; update(i: fresh.LexicalIndex, b: readonly Paper[], a: readonly Paper[]): Promise<{ index: fresh.LexicalIndex }> };

const impls: Impl[] = [
  {
    name: 'MiniSearch (lexical.json)',
    build: old.buildLexicalIndex,
    save: old.serializeLexicalIndex,
    load: async (file, p) => old.loadLexicalIndex(await readFile(file, 'utf8'), p, file),
    update: (i, b, a) => old.updateLexicalIndex(i, b, a),
  },
  {
    name: 'typed arrays (lexical.bin)',
    build: fresh.buildLexicalIndex,
    save: fresh.serializeLexicalIndex,
    load: async (file, p) => fresh.loadLexicalIndex(await readFile(file), p, file),
    update: (i, b, a) => fresh.updateLexicalIndex(i, b, a),
  },
];

// --memory <impl index> <index file> <papers.json>: in a fresh process, how much loading the file adds
if (process.argv[2] === '--memory') {
  const [, , , which, file, papersFile] = process.argv;
  const papers = JSON.parse(await readFile(papersFile!, 'utf8')) as Paper[];
  const before = await settled();
  const index = await impls[Number(which)]!.load(file!, papers);
  console.log(JSON.stringify({ bytes: (await settled()) - before, papers: index.documentCount }));
  process.exit(0);
}

const dir = await mkdtemp(join(tmpdir(), 'lexical-compare-'));
try {
  const sizes = process.argv.slice(2).map(Number);
  const embedder = await openStaticEmbedder({ modelsDir: MODELS_CACHE });
  const dictionary = await openDictionary({ modelsDir: MODELS_CACHE });
  const input = join(dir, 'input.jsonl');
  writeRenderInput(CORPUS, input);
  execFileSync(process.execPath, ['/work/shared/corpus/render.mjs', '--papers', input, '--out', join(dir, 'nl'), '--format', 'mixed'], { stdio: 'ignore' });
  const real = await ingestSeeds(join(dir, 'data'), [join(dir, 'nl')]);
  const byArxiv = new Map(real.flatMap((p) => (p.arxivId ? [[p.arxivId, p] as const] : [])));
  const queries = corpusQueries(readCorpus(CORPUS), (id) => byArxiv.get(id), { perSet: 100 }).map((q) => q.q);
  console.log(`${real.length} real papers; ${queries.length} corpus pseudo-queries (100 per set), each run once per mode after a warm-up pass; limit 10`);
  const rows: string[] = [];
  const checks: string[] = [];
  for (const n of sizes.length ? sizes : [real.length, 20_000]) {
    const papers = replicate(real, n);
    const hnsw = await hnswFor(papers, embedder);
    const changedIds = new Set(papers.filter((_, i) => i % 100 === 7).map((p) => p.id));
    const after = papers.map((p) => (changedIds.has(p.id) ? { ...p, title: { ...p.title, en: `${p.title.en ?? ''} revisited` } } : p));
    const answers: fresh.LexicalHit[][][] = [];
    const papersFile = join(dir, `papers-${n}.json`);
    await writeFile(papersFile, JSON.stringify(papers));
    for (const impl of impls) {
      let t = performance.now();
      let built: fresh.LexicalIndex | undefined = impl.build(papers);
      const buildMs = performance.now() - t;
      const data = impl.save(built);
      built = undefined;
      const file = join(dir, `lexical-${n}`);
      await writeFile(file, data);
      const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
      if (typeof data !== 'string') {
        const header = JSON.parse(Buffer.from(data).toString('utf8', 4, 4 + Buffer.from(data).readUInt32LE(0))) as { terms: number; postings: number };
        checks.push(`${n} papers: ${header.postings} postings, ${header.terms} terms: postings arrays ${mb(header.postings * 6 + (header.terms * 5 + 1) * 4)} MB`);
      }
      t = performance.now();
      const index = await impl.load(file, papers);
      const loadMs = performance.now() - t;
      const measured = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', process.argv[1]!, '--memory', String(impls.indexOf(impl)), file, papersFile], { encoding: 'utf8' });
      const memory = (JSON.parse(measured.trim().split('\n').at(-1)!) as { bytes: number }).bytes;
      const analysed = queries.map((q) => analyzeQuery(q, dictionary, index.has));
      for (const q of analysed) index.search(q, { limit: 20 }); // warm-up
      const bm25: number[] = [];
      answers.push(
        analysed.map((q) => {
          const t0 = performance.now();
          const r = index.search(q, { limit: 20 });
          bm25.push(performance.now() - t0);
          return r;
        }),
      );
      const engine = createSearchEngine({ papers, index: hnsw, embedder, dictionary, lexical: index });
      const lat: Record<string, number[]> = { lexical: [], hybrid: [] };
      for (const mode of ['lexical', 'hybrid'] as const) {
        for (const q of queries) await engine.search({ q, mode, limit: 10 });
        for (const q of queries) {
          const t0 = performance.now();
          await engine.search({ q, mode, limit: 10 });
          lat[mode]!.push(performance.now() - t0);
        }
      }
      // the nightly path: load the previous generation's index, update 1% of the papers, serialise
      t = performance.now();
      const previous = await impl.load(file, papers);
      const loadAgain = performance.now() - t;
      t = performance.now();
      const updated = await impl.update(previous, papers, after);
      const updateMs = performance.now() - t;
      t = performance.now();
      impl.save(updated.index);
      const saveMs = performance.now() - t;
      rows.push(
        `| ${n} | ${impl.name} | ${s1(buildMs)} | ${mb(size)} | ${ms(loadMs)} | ${mb(memory)} | ${ms(percentile(bm25, 50))} / ${ms(percentile(bm25, 99))} | ${ms(percentile(lat.lexical!, 50))} / ${ms(percentile(lat.lexical!, 99))} | ${ms(percentile(lat.hybrid!, 50))} / ${ms(percentile(lat.hybrid!, 99))} | ${ms(loadAgain + updateMs + saveMs)} (update ${ms(updateMs)}) |`,
      );
      console.log(rows.at(-1));
    }
    // same papers, same order, same scores?
    let worst = 0;
    let orderDiffs = 0;
    let hits = 0;
    answers[0]!.forEach((a, i) => {
      const b = answers[1]![i]!;
      if (a.map((h) => h.paperId).join() !== b.map((h) => h.paperId).join()) orderDiffs++;
      a.forEach((h, j) => {
        hits++;
        const o = b[j];
        if (o?.paperId === h.paperId) worst = Math.max(worst, Math.abs(h.score - o.score) / Math.max(Math.abs(h.score), 1e-12));
      });
    });
    checks.push(`${n} papers: ${answers[0]!.length} queries, ${hits} hits: ${orderDiffs} queries rank differently, largest relative score difference ${worst.toExponential(2)}`);
    console.log(checks.at(-1));
  }
  console.log(
    '\n| papers | index | build s | file MB | load ms (read + parse) | memory MB (heap + array buffers added by loading, fresh process) | BM25 search p50 / p99 ms | lexical p50 / p99 ms | hybrid p50 / p99 ms | 1% changed: load + update + serialise ms |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' +
      rows.join('\n'),
  );
  console.log('\n' + checks.join('\n'));
  await embedder.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
