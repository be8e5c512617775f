// `npm run bench [-- <section>...] [--quick] [--papers N]`: runs the benchmark sections in scripts/bench/*.ts.
// Each section exports `default async function (opts: BenchOptions)` and prints its own tables. Sections in
// ON_REQUEST run only when named: they take many minutes and gigabytes.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, basename } from 'node:path';
import type { BenchOptions } from './bench/options.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const ON_REQUEST = ['scale'];
const args = process.argv.slice(2);
const papersAt = args.indexOf('--papers');
const papersArg = papersAt < 0 ? undefined : args[papersAt + 1];
const rest = papersAt < 0 ? args : args.filter((_, i) => i !== papersAt && i !== papersAt + 1);
const opts: BenchOptions = { quick: rest.includes('--quick'), ...(papersArg !== undefined ? { papers: Number(papersArg) } : {}) };
const wanted = rest.filter((a) => !a.startsWith('-'));
const sections = (await readdir(dir))
  .filter((f) => f.endsWith('.ts') && f !== 'options.ts')
  .map((f) => basename(f, '.ts'))
  .sort();
if (rest.includes('--help') || rest.includes('-h')) {
  // before anything runs: some sections build a 567 MB model or start servers
  console.log(`Usage: npm run bench [-- <section>...] [--quick] [--papers N]

Runs the benchmark sections (all but ${ON_REQUEST.join(', ')} when none is named) and prints their tables.

Sections: ${sections.join(', ')}
  scale       served process (RSS, heap, startup: compiled JS vs tsx), search p50/p99 in-process (next to Orama)
              and over HTTP, full vs incremental reindex, disk per generation, on ../shared/corpus replicated to
              --papers N (default 20000); run only when named
Options:
  --quick     smaller sizes and fewer rounds
  --papers N  catalogue size for scale (>= 1000)
  -h, --help  show this help`);
  process.exit(0);
}
if (papersAt >= 0 && !(Number.isInteger(opts.papers) && opts.papers! >= 1000)) {
  console.error(`--papers needs a whole number >= 1000, got ${papersArg ?? 'nothing'}`);
  process.exit(2);
}
const badFlags = rest.filter((a) => a.startsWith('-') && a !== '--quick');
if (badFlags.length) {
  console.error(`unknown option(s): ${badFlags.join(', ')}; see npm run bench -- --help`);
  process.exit(2);
}
const unknown = wanted.filter((w) => !sections.includes(w));
if (unknown.length) {
  console.error(`unknown bench section(s): ${unknown.join(', ')}; available: ${sections.join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : sections.filter((s) => !ON_REQUEST.includes(s))) {
  console.log(`\n## ${name}\n`);
  const mod = (await import(pathToFileURL(join(dir, `${name}.ts`)).href)) as { default: (o: BenchOptions) => Promise<void> };
  await mod.default(opts);
}
