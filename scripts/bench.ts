// `npm run bench [-- <section>...] [--quick]`: runs the benchmark sections in scripts/bench/*.ts.
// Each section exports `default async function (opts: BenchOptions)` and prints its own tables.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, basename } from 'node:path';
import type { BenchOptions } from './bench/options.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const args = process.argv.slice(2);
const opts: BenchOptions = { quick: args.includes('--quick') };
const wanted = args.filter((a) => !a.startsWith('-'));
const sections = (await readdir(dir))
  .filter((f) => f.endsWith('.ts') && f !== 'options.ts')
  .map((f) => basename(f, '.ts'))
  .sort();
if (args.includes('--help') || args.includes('-h')) {
  // before anything runs: some sections build a 567 MB model or start servers
  console.log(`Usage: npm run bench [-- <section>...] [--quick]

Runs the benchmark sections (all when none is named) and prints their tables.

Sections: ${sections.join(', ')}
Options:
  --quick     smaller sizes and fewer rounds
  -h, --help  show this help`);
  process.exit(0);
}
const badFlags = args.filter((a) => a.startsWith('-') && a !== '--quick');
if (badFlags.length) {
  console.error(`unknown option(s): ${badFlags.join(', ')}; see npm run bench -- --help`);
  process.exit(2);
}
const unknown = wanted.filter((w) => !sections.includes(w));
if (unknown.length) {
  console.error(`unknown bench section(s): ${unknown.join(', ')}; available: ${sections.join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : sections) {
  console.log(`\n## ${name}\n`);
  const mod = (await import(pathToFileURL(join(dir, `${name}.ts`)).href)) as { default: (o: BenchOptions) => Promise<void> };
  await mod.default(opts);
}
