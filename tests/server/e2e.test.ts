// End to end over a real listening server: `papersift serve` (what `npm start` runs) in a child process, pointed
// at an empty data directory. It must build the catalogue and index there from the seeds (503 until ready),
// serve the API over HTTP, accept an authenticated document, and exit cleanly on SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { API_KEY, emptyDataDir, REPO_ROOT, SEEDS } from './fixture.js';

let dir: string;
let child: ChildProcess;
let base: string;
let stderr = '';
const exited = () => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));
const checkoutData = () => readdir(join(REPO_ROOT, 'index-data')).then((f) => f.sort());
let checkoutBefore: string[];

beforeAll(async () => {
  dir = await emptyDataDir(); // empty but for the shared static-embedder tables (models/), so nothing slow is rebuilt
  checkoutBefore = await checkoutData();
  child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts'), 'serve', '--no-progress'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PAPERSIFT_DATA: dir,
      PAPERSIFT_SOURCES: SEEDS,
      PAPERSIFT_EMBEDDER: 'static',
      PAPERSIFT_API_KEY: API_KEY,
      PAPERSIFT_LOG_LEVEL: 'warn',
      PORT: '0',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  base = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${stderr}`)));
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await exited();
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function waitReady(timeoutMs = 120_000): Promise<{ notReadySeen: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let notReadySeen = false;
  for (;;) {
    const res = await fetch(`${base}/health`);
    if (res.status === 200) return { notReadySeen };
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    notReadySeen = true;
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('papersift serve on an empty data directory', () => {
  it('builds everything in the data directory, then serves search over HTTP', async () => {
    await waitReady();
    expect(existsSync(join(dir, 'catalogue.json'))).toBe(true);
    expect((await readFile(join(dir, 'CURRENT'), 'utf8')).trim()).toBe('1');
    expect(existsSync(join(dir, 'generations', '1', 'manifest.json'))).toBe(true);
    expect(await checkoutData()).toEqual(checkoutBefore); // the checkout's own index-data/ is untouched
    expect(stderr).toContain('first run');

    const res = await fetch(`${base}/api/search?q=${encodeURIComponent('蛋白质语言模型')}&limit=3`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = (await res.json()) as { results: { id: string }[]; embedder: string };
    expect(body.embedder).toMatch(/^static:/);
    expect(body.results.map((h) => h.id)).toContain('arxiv:2206.13517');

    const stats = (await (await fetch(`${base}/api/stats`)).json()) as { papers: number; generation: { name: string } };
    expect(stats).toMatchObject({ papers: 51, generation: { name: '1' } });
    const page = await fetch(`${base}/?q=${encodeURIComponent('少样本学习')}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-id="arxiv:2201.04182"');
  });

  it('ingests an authenticated document over HTTP and serves it in the same call', async () => {
    const text = (await readFile(join(SEEDS, 'daily-arxiv-2022-09.txt'), 'utf8')).split('\n2、')[0] + '\n';
    const denied = await fetch(`${base}/api/documents?name=excerpt.txt`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text });
    expect(denied.status).toBe(401);
    const res = await fetch(`${base}/api/documents?name=excerpt.txt`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${API_KEY}` },
      body: text,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { document: { status: string; papers: number }; merged: string[]; generation: string };
    expect(body.document).toMatchObject({ status: 'new', papers: 1 });
    expect(body.merged).toEqual(['arxiv:2209.11142']);
    expect(body.generation).toBe('2');
    const paper = (await (await fetch(`${base}/api/papers/2209.11142`)).json()) as { sources: { document: string }[] };
    expect(paper.sources.map((x) => x.document)).toContain('excerpt.txt');
  });

  it('on SIGTERM lets the request in flight finish, then exits 0', async () => {
    const text = (await readFile(join(SEEDS, 'daily-arxiv-2022-09.txt'), 'utf8')).split('\n3、')[0] + '\n';
    const pending = fetch(`${base}/api/documents?name=excerpt-2.txt`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${API_KEY}` },
      body: text,
    });
    // the write holds the data lock while it ingests and indexes: signal exactly then
    const lock = join(dir, 'reindex.lock');
    const deadline = Date.now() + 10_000;
    while (!existsSync(lock)) {
      if (Date.now() > deadline) throw new Error('the document write never took the data lock');
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGTERM');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { generation: string }).generation).toBe('3');
    expect(await exited()).toBe(0);
    expect(stderr).toContain('SIGTERM: shutting down');
    expect(existsSync(lock)).toBe(false);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });
});

describe('papersift serve with nothing to index', () => {
  it('exits 1 with a message naming the sources', async () => {
    const empty = await emptyDataDir();
    try {
      const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts'), 'serve', '--no-progress', '--source', empty], {
        cwd: REPO_ROOT,
        env: { ...process.env, PAPERSIFT_DATA: empty, PAPERSIFT_EMBEDDER: 'static', PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((r) => proc.once('exit', r));
      expect(code).toBe(1);
      expect(err).toContain(`no papers found in ${empty}`);
      expect(existsSync(join(empty, 'CURRENT'))).toBe(false);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
