// postinstall: build a second copy of hnswlib-node's addon with -O3 -mavx2 -mfma.
//
// The stock build compiles without -march, so hnswlib's distance kernels are SSE-only; the AVX2/FMA build
// answers more queries per second (see docs/index.md). It is only attempted when /proc/cpuinfo lists
// avx2 and fma, is smoke-tested in a child process before it is installed, and any failure (no compiler,
// no node headers, a crash) just leaves the stock build in use: this script always exits 0 and never touches
// the network itself (node-gyp uses the same headers the stock build used). src/index/native.ts picks the
// AVX2 copy at run time only on CPUs with both flags. Skip with PAPERSIFT_SKIP_AVX2=1.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const AVX2_ADDON = join(ROOT, 'node_modules/.cache/papersift/hnswlib-node-avx2/addon.node');
const FLAGS = '-O3 -mavx2 -mfma';

function say(msg) {
  process.stderr.write(`hnswlib-node AVX2 build: ${msg}\n`);
}

export function cpuHasAvx2Fma() {
  try {
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.split(/\s+/) ?? [];
    return flags.includes('avx2') && flags.includes('fma');
  } catch {
    return false;
  }
}

/** node-gyp as npm provides it to install scripts, else the copy bundled with this Node's npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

/** Node's own headers (npm's nodedir setting, else the ones installed next to this node binary): no download. */
function headersDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include/node/node.h')) ? prefix : undefined;
}

/**
 * Builds the AVX2 addon and installs it at `out` (atomically). Returns a reason string when it did not.
 * Exported for the benchmark, which builds into a temporary path when the postinstall did not run.
 */
export function buildAvx2Addon(out = AVX2_ADDON) {
  const gyp = nodeGyp();
  if (!gyp) return 'node-gyp not found';
  const pkg = dirname(createRequire(join(ROOT, 'package.json')).resolve('hnswlib-node/package.json'));
  // inside node_modules so the copy's binding.gyp resolves node-addon-api like the original does
  const work = join(ROOT, `node_modules/.cache/papersift/hnswlib-build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  try {
    mkdirSync(work, { recursive: true });
    cpSync(join(pkg, 'binding.gyp'), join(work, 'binding.gyp'));
    cpSync(join(pkg, 'src'), join(work, 'src'), { recursive: true });
    const dir = headersDir();
    const nodedir = dir ? [`--nodedir=${dir}`] : [];
    const built = spawnSync(process.execPath, [gyp, 'rebuild', ...nodedir], {
      cwd: work,
      env: { ...process.env, CXXFLAGS: FLAGS, CFLAGS: FLAGS },
      encoding: 'utf8',
      timeout: 300_000,
    });
    const addon = join(work, 'build/Release/addon.node');
    if (built.status !== 0 || !existsSync(addon)) return `node-gyp failed (${built.error?.message ?? `exit ${built.status}`}): ${(built.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
    const smoke = spawnSync(
      process.execPath,
      ['-e', `const {HierarchicalNSW:H}=require(${JSON.stringify(addon)});const h=new H('cosine',16);h.initIndex(10);h.addPoint(Array(16).fill(1),0);if(h.searchKnn(Array(16).fill(1),1).neighbors[0]!==0)process.exit(3)`],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (smoke.status !== 0) return `the built addon failed its smoke test (${smoke.signal ?? `exit ${smoke.status}`})`;
    mkdirSync(dirname(out), { recursive: true });
    cpSync(addon, `${out}.tmp`);
    renameSync(`${out}.tmp`, out);
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main() {
  if (process.env.PAPERSIFT_SKIP_AVX2 === '1') return say('skipped (PAPERSIFT_SKIP_AVX2=1)');
  if (!cpuHasAvx2Fma()) return say('skipped: this CPU does not report avx2 and fma; the stock build is used');
  const started = Date.now();
  try {
    const failed = buildAvx2Addon();
    say(failed ? `not built, the stock build is used: ${failed}` : `built in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${AVX2_ADDON}`);
  } catch (err) {
    say(`not built, the stock build is used: ${err instanceof Error ? err.message : String(err)}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
