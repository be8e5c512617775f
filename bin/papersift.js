#!/usr/bin/env node
// `papersift` (npm link / npx) and `npm start`: the compiled CLI in dist/, built first when it is missing or was
// compiled from other sources (scripts/dist.mjs), so an edit to src/ is never served from an old build. Without the
// compiler (`npm ci --omit=dev`) a stale dist/ is not run: the sources run through tsx instead, with a warning.
// Either way the CLI runs in this process (no child), so signals reach it directly.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, canBuild, DIST, ROOT, staleness } from '../scripts/dist.mjs';

const stale = staleness();
if (stale && canBuild()) {
  process.stderr.write(`papersift: ${stale}; building it (npm run build)\n`);
  build();
}
if (!stale || canBuild()) {
  await import(pathToFileURL(join(DIST, 'cli.js')).href);
} else {
  process.stderr.write(`papersift: ${stale} and typescript is not installed to build it; running src/ through tsx\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, 'src', 'cli.ts')).href);
}
