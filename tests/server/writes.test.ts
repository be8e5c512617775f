// The write path under faults (issue 12): POST /api/documents against a real `papersift serve` process, killed,
// disconnected from and raced with reindexes. Nothing acknowledged may be lost; nothing refused may leak.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { readdir, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../../src/reindex/exit-codes.js';
import { runReindexProcess, workspaces, type Workspace } from '../reindex/workspace.js';
import { API_KEY, dailyDoc } from './fixture.js';
import { processAlive } from '../../src/util/process.js';
import { startServer, until, type ServerProcess } from './serve-process.js';

const spaces = workspaces();
let base: Workspace; // the seeds ingested and generation 1 live, built by a real reindex run
const servers: ServerProcess[] = [];

beforeAll(async () => {
  base = await spaces.built();
}, 180_000);
afterAll(async () => {
  for (const s of servers) await s.kill();
  await spaces.removeAll();
});

const workspace = () => spaces.clone(base);

async function serve(ws: Workspace, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const s = await startServer({ ...ws.env, ...env });
  servers.push(s);
  await s.ready();
  return s;
}

async function upload(s: ServerProcess, name: string, text: string): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${s.base}/api/documents?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'text/plain' },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const paperStatus = async (s: ServerProcess, id: string) => (await fetch(`${s.base}/api/papers/${encodeURIComponent(id)}`)).status;
const servedPapers = async (s: ServerProcess) => ((await (await fetch(`${s.base}/api/stats`)).json()) as { papers: number }).papers;
const stagedLeft = (ws: Workspace) => ['catalogue.staged.json', 'catalogue.staged.for'].filter((f) => existsSync(join(ws.data, f)));

describe('a refused reindex (issue 12, item 1)', () => {
  it('leaks into neither the catalogue nor the next upload: the live index keeps every paper', async () => {
    const ws = await spaces.built(); // its own: a clone's catalogue records the original's source paths
    const s = await serve(ws);
    const files = (await readdir(ws.sources)).sort();
    for (const f of files.slice(1)) await unlink(join(ws.sources, f)); // 4 of the 5 seed newsletters disappear
    const refused = await runReindexProcess(ws);
    expect(refused.code).toBe(ExitCode.GateRefused);
    expect(await servedPapers(s)).toBe(51);

    const up = await upload(s, 'unrelated.txt', dailyDoc(1, '2401.00001', 'Sparse Mixture Routing for Tiny Models', '小模型的稀疏混合路由'));
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ document: { status: 'new', papers: 1 }, added: ['arxiv:2401.00001'], removed: [] });
    expect(await servedPapers(s)).toBe(52); // 51 + 1, not the refused run's 9 + 1 + ...
    expect(await paperStatus(s, 'arxiv:2401.00001')).toBe(200);
    expect(stagedLeft(ws)).toEqual([]);
  });
});

describe('an upload killed before its generation went live (issue 12, item 2)', () => {
  for (const point of ['embedding', 'writing', 'switching'] as const) {
    it(`is applied by the retry after kill -9 while ${point}: the retry answers "new" and the paper is live`, async () => {
      const ws = await workspace();
      const first = await serve(ws, { PAPERSIFT_TEST_PAUSE_AT: point });
      const doc = dailyDoc(2, '2401.00002', 'Retrying Uploads Without Losing Papers', '重试上传而不丢失论文');
      const attempt = upload(first, 'retried.txt', doc).catch((err: unknown) => err);
      await until(`the upload to pause while ${point}`, async () => (first.stderr().includes(`PAPERSIFT_TEST_PAUSED ${point}`) ? true : undefined));
      await first.kill('SIGKILL');
      expect(await attempt).toBeInstanceOf(Error); // never acknowledged

      const second = await serve(ws);
      expect(stagedLeft(ws)).toEqual([]); // the restart dropped the half-done change
      expect(await paperStatus(second, 'arxiv:2401.00002')).toBe(404);
      const retry = await upload(second, 'retried.txt', doc);
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ document: { status: 'new', papers: 1 }, added: ['arxiv:2401.00002'] });
      expect(await paperStatus(second, 'arxiv:2401.00002')).toBe(200);
      expect(await servedPapers(second)).toBe(52);
      const again = await upload(second, 'retried.txt', doc); // idempotent: nothing more to do
      expect(again.body).toMatchObject({ document: { status: 'unchanged' }, generation: retry.body.generation });
    });
  }
});

describe('an upload\'s index build (issue 12, item 5)', () => {
  it('runs in its own process, so the server answers searches meanwhile; it stops when the server dies', async () => {
    const ws = await workspace();
    const s = await serve(ws, { PAPERSIFT_TEST_PAUSE_AT: 'embedding' });
    const attempt = upload(s, 'offloop.txt', dailyDoc(3, '2401.00003', 'Index Builds Off the Event Loop', '事件循环之外的索引构建')).catch((err: unknown) => err);
    const builder = await until('the build to pause while embedding', async () => {
      const m = /PAPERSIFT_TEST_PAUSED embedding pid=(\d+)/.exec(s.stderr());
      return m ? Number(m[1]) : undefined;
    });
    expect(builder).not.toBe(s.child.pid); // not the server's event loop
    const search = await fetch(`${s.base}/api/search?q=${encodeURIComponent('pre-training')}&limit=3`);
    expect(search.status).toBe(200); // answered while the build is mid-way
    await s.kill('SIGKILL');
    await attempt;
    await until('the orphaned build to stop', async () => (processAlive(builder) ? undefined : true), 30_000);
  });
});

describe('uploads under search load (issue 12, item 5)', () => {
  it('complete while 20 clients keep searching: each is live when acknowledged, and no search fails', async () => {
    const s = await serve(await workspace());
    let searching = true;
    const statuses: number[] = [];
    const client = async () => {
      while (searching) {
        const res = await fetch(`${s.base}/api/search?q=${encodeURIComponent('pre-training language model')}&limit=10`);
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    };
    const clients = Array.from({ length: 20 }, client);
    try {
      for (let i = 0; i < 3; i++) {
        const arxivId = `2401.0010${i}`;
        const up = await upload(s, `loaded-${i}.txt`, dailyDoc(10 + i, arxivId, `Uploads Under Load Number ${i}`, `负载下的上传${i}`));
        expect(up.status).toBe(200);
        expect(up.body).toMatchObject({ document: { status: 'new' }, added: [`arxiv:${arxivId}`] });
        expect(await paperStatus(s, `arxiv:${arxivId}`)).toBe(200); // acknowledged = live
      }
    } finally {
      searching = false;
      await Promise.all(clients);
    }
    expect(await servedPapers(s)).toBe(54);
    expect(statuses.length).toBeGreaterThan(20); // the clients did search while the uploads ran
    expect(statuses.filter((st) => st !== 200)).toEqual([]);
  });
});

describe('an upload whose builder process dies', () => {
  it('answers 500 (the log names the builder), changes nothing, and the retry (on a new builder) is served', async () => {
    const ws = await workspace();
    const s = await serve(ws, { PAPERSIFT_TEST_PAUSE_AT: 'embedding' });
    const doc = dailyDoc(4, '2401.00004', 'Builders That Die Mid-Build', '构建进程中途退出');
    const pausedPids = () => [...s.stderr().matchAll(/PAPERSIFT_TEST_PAUSED embedding pid=(\d+)/g)].map((m) => Number(m[1]));
    const first = upload(s, 'builder.txt', doc);
    const builder = await until('the build to pause', async () => pausedPids()[0]);
    process.kill(builder, 'SIGKILL');
    const failed = await first;
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('internal');
    // logged with the request id; the log line travels through a pipe that may arrive after the response
    await until('the builder death to be logged', async () => (s.stderr().includes(`the index builder (pid ${builder}) was killed by SIGKILL`) ? true : undefined));
    expect(stagedLeft(ws)).toEqual([]);
    expect(await paperStatus(s, 'arxiv:2401.00004')).toBe(404);
    expect(await servedPapers(s)).toBe(51);

    const retry = upload(s, 'builder.txt', doc);
    const next = await until('the new builder to pause', async () => pausedPids()[1]);
    expect(next).not.toBe(builder);
    process.kill(next, 'SIGUSR2'); // let it finish
    expect((await retry).body).toMatchObject({ document: { status: 'new' }, added: ['arxiv:2401.00004'] });
    expect(await paperStatus(s, 'arxiv:2401.00004')).toBe(200);
  });
});

describe('a client that disconnects mid-upload', () => {
  it('is logged as a client abort (info, no stack), not as a 500; the server goes on serving', async () => {
    const s = await serve(await workspace(), { PAPERSIFT_LOG_LEVEL: 'info' });
    const { port, hostname } = new URL(s.base);
    await new Promise<void>((resolve, reject) => {
      const sock = connect(Number(port), hostname, () => {
        sock.write(`POST /api/documents?name=partial.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\nonly the first bytes`);
        setTimeout(() => (sock.destroy(), resolve()), 200);
      });
      sock.once('error', reject);
    });
    const line = await until('the abort to be logged', async () => s.stderr().split('\n').find((l) => l.includes('client closed the connection')), 20_000);
    expect(JSON.parse(line)).toMatchObject({ level: 30, method: 'POST', path: '/api/documents' });
    expect(s.stderr()).not.toContain('"level":50'); // no error line, no stack trace
    expect(s.stderr()).not.toContain('"status":500');
    expect((await fetch(`${s.base}/health`)).status).toBe(200);
  });
});
