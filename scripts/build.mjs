// `npm run build [-- --out <dir>]`: compiles src/ to dist/ (or <dir>, a directory directly in the repository root)
// so `node dist/cli.js` runs without tsx. `npm start` and bin/papersift.js build on their own when dist/ is missing
// or older than src/ (scripts/dist.mjs), so this is for deployments that build once, ahead of time.
import { resolve } from 'node:path';
import { build, DIST } from './dist.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--out');
if (args.length !== (at < 0 ? 0 : 2) || (at >= 0 && !args[at + 1])) {
  console.error('usage: node scripts/build.mjs [--out <dir directly in the repository root>]');
  process.exit(2);
}
try {
  build(undefined, at < 0 ? DIST : resolve(args[at + 1]));
} catch (e) {
  console.error(`build: ${e.message}`);
  process.exit(1);
}
