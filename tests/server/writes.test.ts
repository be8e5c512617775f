// The write path under faults (issue 12): POST /api/documents against a real `papersift serve` process, killed,
// disconnected from and raced with reindexes. Nothing acknowledged may be lost; nothing refused may leak.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { rm } from 'node:fs/promises';
import { ExitCode } from '../../src/reindex/exit-codes.js';
import { cloneWorkspace, createWorkspace, runReindexProcess, type Workspace } from '../reindex/workspace.js';
import { API_KEY } from './fixture.js';
import { startServer, until, type ServerProcess } from './serve-process.js';

let base: Workspace; // the seeds ingested and generation 1 live, built by a real reindex run
const made: Workspace[] = [];
const servers: ServerProcess[] = [];

beforeAll(async () => {
  base = await createWorkspace();
  made.push(base);
  const out = await runReindexProcess(base);
  if (out.code !== ExitCode.Switched) throw new Error(`initial reindex exited ${out.code}:\n${out.stderr}`);
}, 180_000);
afterAll(async () => {
  for (const s of servers) await s.kill();
  for (const ws of made) await rm(ws.root, { recursive: true, force: true });
});

async function workspace(): Promise<Workspace> {
  const ws = await cloneWorkspace(base);
  made.push(ws);
  return ws;
}

async function serve(ws: Workspace, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const s = await startServer({ ...ws.env, ...env });
  servers.push(s);
  await s.ready();
  return s;
}

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
