// The compiled JavaScript in dist/: how it is built (tsc with tsconfig.build.json, .ts imports rewritten to .js, plus
// the data files src/ reads at run time copied next to the compiled modules) and how a launcher tells whether it
// still matches the sources. dist/ records the sha256 of everything it was compiled from (SOURCES_FILE); a dist/
// whose record differs from the sources now is stale and must not be run, or an edit to src/ would silently serve
// old code. Hashing the sources costs ~0.1 s per start on a busy machine, so the record also holds a signature of
// their names, sizes and modification times: when that still matches, nothing was edited and nothing is hashed. An output directory must sit directly in the repository root, beside src/: the code resolves some
// paths relative to its own file (../../seeds, ../../node_modules/.cache), which then mean the same in both.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');
const SOURCES_FILE = '.sources.json';
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** Every file the build reads, relative to the root: src/ (code and data), the tsconfigs and this build procedure. */
function sourceFiles(root) {
  return readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name))) // parentPath: Node >= 20.12
    .concat(['tsconfig.json', 'tsconfig.build.json', 'scripts/dist.mjs'])
    .sort();
}

/** What the build's output is recorded against: the sources' sha256 and the signature of their file metadata. */
export function sourcesRecord(root = ROOT) {
  const content = createHash('sha256');
  const files = sourceFiles(root);
  for (const f of files) content.update(`${f}\0`).update(readFileSync(join(root, f))).update('\0');
  return { sha256: content.digest('hex'), stats: statsSignature(root, files) };
}

function statsSignature(root, files = sourceFiles(root)) {
  const sig = createHash('sha256');
  for (const f of files) {
    const st = statSync(join(root, f));
    sig.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
  }
  return sig.digest('hex');
}

/** Why `out` cannot be run as it is (missing, or built from other sources), or undefined when it matches src/. */
export function staleness(root = ROOT, out = join(root, 'dist')) {
  const file = join(out, SOURCES_FILE);
  if (!existsSync(file)) return `${relative(root, out)}/ has not been built`;
  const record = JSON.parse(readFileSync(file, 'utf8'));
  if (record.stats === statsSignature(root) || record.sha256 === sourcesRecord(root).sha256) return undefined; // untouched, or touched but the same
  return `src/ changed since ${relative(root, out)}/ was built`;
}

/** Whether this install can compile (typescript is a dev dependency: `npm ci --omit=dev` has none). */
export const canBuild = (root = ROOT) => existsSync(join(root, 'node_modules/typescript/bin/tsc'));

/**
 * Compiles src/ into `out` (a directory directly in the root). Built beside it and renamed into place, so a process
 * starting from `out` meanwhile (another `npm start`, a parallel test) sees the old complete build or the new one,
 * never half of one; of two concurrent builds of the same sources the second to finish keeps the first's.
 * Messages go to stderr: `serve` prints its address as the first line on stdout.
 */
export function build(root = ROOT, out = join(root, 'dist')) {
  if (dirname(out) !== root) throw new Error(`build output ${out} must be a directory directly in ${root}`);
  const record = sourcesRecord(root); // before compiling: an edit made during the build makes it stale
  const partial = `${out}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  try {
    const tsc = spawnSync(process.execPath, [TSC, '-p', join(root, 'tsconfig.build.json'), '--outDir', partial], { cwd: root, stdio: ['ignore', 2, 2] });
    if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status ?? tsc.signal}); see above`);
    const src = join(root, 'src');
    const assets = readdirSync(src, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !/\.tsx?$/.test(e.name));
    for (const e of assets) {
      const from = join(e.parentPath ?? e.path, e.name);
      cpSync(from, join(partial, relative(src, from)));
    }
    writeFileSync(join(partial, SOURCES_FILE), JSON.stringify(record) + '\n');
    install(partial, out, record.sha256);
    process.stderr.write(`built ${basename(out)}/ (${assets.length} data files copied)\n`);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** Moves a complete build into place; the build it replaces is moved aside first and removed after. */
function install(partial, out, hash) {
  const old = `${out}.old-${process.pid}`;
  if (existsSync(out)) {
    try {
      renameSync(out, old);
    } catch (e) {
      if (e.code !== 'ENOENT') throw e; // a concurrent build moved it first
    }
  }
  try {
    renameSync(partial, out);
  } catch (e) {
    // ENOTEMPTY/EEXIST: a concurrent build installed its own between our two renames; keep it if it is of these sources
    if (!['ENOTEMPTY', 'EEXIST'].includes(e.code) || JSON.parse(readFileSync(join(out, SOURCES_FILE), 'utf8')).sha256 !== hash) throw e;
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
}
