// The production path: `npm run build` compiles src/ to dist/, and `node dist/cli.js serve` (no tsx) serves the
// same index with the same embedder as the sources do. Also bin/papersift.js, which prefers dist/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDataDir } from '../server/fixture.js';

const ROOT = join(import.meta.dirname, '../..');
let data: string;
const env = () => ({ ...process.env, PAPERSIFT_DATA: data, PAPERSIFT_EMBEDDER: 'static', PAPERSIFT_SOURCES: join(ROOT, 'seeds'), PAPERSIFT_LOG_LEVEL: 'warn' });

beforeAll(async () => {
  data = await emptyDataDir(); // the shared static model and dictionary, linked
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
}, 400_000);
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
  // a dist/ left behind would make bin/papersift.js run it after the sources change: `npm run build` makes one on purpose
  await rm(join(ROOT, 'dist'), { recursive: true, force: true });
});

describe('built JavaScript', () => {
  it('dist/ holds the CLI and the data files the code reads at run time', () => {
    for (const f of ['cli.js', 'lang/glossary.tsv', 'eval/queries.json', 'server/web/pages.js']) expect(existsSync(join(ROOT, 'dist', f)), f).toBe(true);
  });

  it('node dist/cli.js serve builds the first index, serves it and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'serve', '--port', '0', '--host', '127.0.0.1', '--no-progress'], { cwd: ROOT, env: env() });
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

  it('bin/papersift.js runs the built CLI', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/papersift.js'), 'models', 'check', '--embedder', 'static'], { cwd: ROOT, env: env(), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('the static embedder needs no model download');
  });
});
