// The production path: src/ compiled to JavaScript, run by node without tsx. `node <out>/cli.js serve` serves the
// same index with the same embedder as the sources do; bin/papersift.js (what `npm start` runs) runs dist/, building
// it first when it is missing or src/ changed since, so an edited source is never served from an old build.
// Builds go to directories of their own (a temp output dir, a temp copy of the repository), never the checkout's
// dist/, which other test files running in parallel (`npm start` in the signals test) use.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDataDir } from '../server/fixture.js';

const ROOT = join(import.meta.dirname, '../..');
const OUT = join(ROOT, `dist-test-${process.pid}`); // beside src/, as the build requires
let data: string;
let copy: string; // a copy of the repository's build inputs, for edits the checkout must not see
const env = () => ({ ...process.env, PAPERSIFT_DATA: data, PAPERSIFT_EMBEDDER: 'static', PAPERSIFT_SOURCES: join(ROOT, 'seeds'), PAPERSIFT_LOG_LEVEL: 'warn' });

beforeAll(async () => {
  data = await emptyDataDir(); // the shared static model and dictionary, linked
  const build = spawnSync('npm', ['run', '-s', 'build', '--', '--out', OUT], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  copy = await mkdtemp(join(tmpdir(), 'papersift-build-'));
  for (const f of ['src', 'bin', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) await cp(join(ROOT, f), join(copy, f), { recursive: true });
}, 400_000);
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
  await rm(OUT, { recursive: true, force: true });
  await rm(copy, { recursive: true, force: true });
});

/** Runs `papersift models check --embedder static` through the copy's bin/papersift.js. */
function modelsCheck() {
  const r = spawnSync(process.execPath, [join(copy, 'bin/papersift.js'), 'models', 'check', '--embedder', 'static'], { cwd: copy, env: env(), encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  return r;
}

const editModelsMessage = async (from: string, to: string) => {
  const file = join(copy, 'src/commands/models.ts');
  const text = await readFile(file, 'utf8');
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
};

describe('built JavaScript', () => {
  it('the build holds the CLI and the data files the code reads at run time, and nothing of its own build is left behind', () => {
    for (const f of ['cli.js', 'lang/glossary.tsv', 'eval/queries.json', 'server/web/pages.js']) expect(existsSync(join(OUT, f)), f).toBe(true);
    expect(readdirSync(ROOT).filter((e) => e.startsWith(`dist-test-${process.pid}.`))).toEqual([]);
  });

  it('node <build>/cli.js serve builds the first index, serves it and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(OUT, 'cli.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--no-progress'], { cwd: ROOT, env: env() });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
    });
    try {
      // the first build runs behind /health (503 until ready); wait for it through the service's own answer
      for (let i = 0; (await fetch(`${url}/health`)).status !== 200; i++) {
        if (i > 600) throw new Error(`never ready: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const res = await fetch(`${url}/api/search?q=${encodeURIComponent('预训练')}&limit=3`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { results: unknown[]; embedder: string };
      expect(body.results.length).toBeGreaterThan(0);
      expect(body.embedder).toMatch(/^static:/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM: shutting down');
  });

  it('bin/papersift.js builds dist/ when it is missing, runs it as it is while src/ is unchanged, and rebuilds after an edit', async () => {
    await rm(join(copy, 'node_modules'), { recursive: true, force: true });
    await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const first = modelsCheck();
    expect(first.stderr).toContain('papersift: dist/ has not been built; building it');
    expect(first.stdout).toContain('the static embedder needs no model download');
    expect(existsSync(join(copy, 'dist/cli.js'))).toBe(true);

    const second = modelsCheck();
    expect(second.stderr).not.toContain('building');
    expect(second.stdout).toContain('the static embedder needs no model download');

    await editModelsMessage('the static embedder needs no model download', 'the static embedder (edited) needs nothing');
    const third = modelsCheck();
    expect(third.stderr).toContain('papersift: src/ changed since dist/ was built; building it');
    expect(third.stdout).toContain('the static embedder (edited) needs nothing');
  }, 400_000); // two builds: 10-90 s each on a busy machine

  it('without the compiler (production install) a stale dist/ is not run: the sources run through tsx, with a warning', async () => {
    // the repository's node_modules minus typescript, as `npm ci --omit=dev` leaves it
    await rm(join(copy, 'node_modules'), { recursive: true, force: true });
    await mkdir(join(copy, 'node_modules'));
    for (const e of readdirSync(join(ROOT, 'node_modules')).filter((e) => e !== 'typescript' && e !== '.bin')) await symlink(join(ROOT, 'node_modules', e), join(copy, 'node_modules', e));
    await editModelsMessage('the static embedder (edited) needs nothing', 'the static embedder (edited again) needs nothing');
    const r = modelsCheck();
    expect(r.stderr).toContain('papersift: src/ changed since dist/ was built and typescript is not installed to build it; running src/ through tsx');
    expect(r.stdout).toContain('the static embedder (edited again) needs nothing');
  });
});
