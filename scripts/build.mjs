// `npm run build`: compiles src/ to dist/ with tsc (tsconfig.build.json: .ts imports rewritten to .js) and copies
// the data files src/ reads at run time (glossary.tsv, queries.json) next to the compiled modules, so
// `node dist/cli.js` runs without tsx. dist/ sits beside src/ at the same depth, so paths the code resolves
// relative to its own file (../../seeds, ../../node_modules/.cache) mean the same in both.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true }); // no stale modules from deleted sources
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const assets = readdirSync(src, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !/\.tsx?$/.test(e.name));
for (const e of assets) {
  const from = join(e.parentPath ?? e.path, e.name); // parentPath: Node >= 20.12
  cpSync(from, join(dist, relative(src, from)));
}
console.log(`built ${relative(root, dist)}/ (${assets.length} data files copied)`);
