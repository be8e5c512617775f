// Signals through npm (issue 12, item 7): `npm start` and `npm run reindex` must not leave the real node process
// running when npm itself is stopped. SIGTERM to npm reaches the server (it shuts down and frees the port); kill -9
// of npm (which cannot forward anything) still stops the reindex that holds the data lock. Real npm, real processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dataPaths } from '../../src/config.js';
import { ExitCode } from '../../src/reindex/exit-codes.js';
import { processAlive } from '../../src/util/process.js';
import { editAbstract, ROOT, runReindexProcess, workspaces, type Workspace } from '../reindex/workspace.js';
import { until } from './serve-process.js';
import { ensureBuilt } from '../helpers/dist.js';

const spaces = workspaces();
let base: Workspace;
const started: ChildProcess[] = [];

beforeAll(async () => {
  ensureBuilt(); // `npm start` runs dist/
  base = await spaces.built();
}, 400_000);
afterAll(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await spaces.removeAll();
});

function npmRun(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  return child;
}

/** Every descendant of pid (Linux /proc), so a test can tell whether anything npm started is still running. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parentOf.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) if (parent === p) (out.push(child), walk(child));
  };
  walk(pid);
  return out;
}

const gone = (pids: number[]) => until(`pids ${pids.join(', ')} to exit`, async () => (pids.every((p) => !processAlive(p)) ? true : undefined), 30_000);

describe('signals under npm', () => {
  it('SIGTERM to `npm start` stops the server itself and frees its port', async () => {
    const ws = await spaces.clone(base);
    const npm = npmRun('start', ['--no-progress'], { ...ws.env, PORT: '0', HOST: '127.0.0.1' });
    let stderr = '';
    npm.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: npm.stdout! }).on('line', (l) => {
        const m = /listening on (http:\/\/\S+)/.exec(l);
        if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
      });
      npm.once('exit', (code) => reject(new Error(`npm start exited ${code}:\n${stderr}`)));
    });
    await until('ready', async () => ((await fetch(`${url}/health`).catch(() => undefined))?.status === 200 ? true : undefined));
    const below = descendants(npm.pid!);
    expect(below.length).toBeGreaterThan(0);
    npm.kill('SIGTERM');
    await gone(below);
    await expect(fetch(`${url}/health`)).rejects.toThrow(); // nothing listens on the port any more
  });

  it('kill -9 of `npm run reindex` stops the reindex holding the lock; the next run recovers it', async () => {
    const ws = await spaces.clone(base);
    await editAbstract(ws);
    const npm = npmRun('reindex', ['--no-progress'], { ...ws.env, PAPERSIFT_TEST_PAUSE_AT: 'embedding' });
    let stderr = '';
    const pid = await new Promise<number>((resolve, reject) => {
      npm.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /PAPERSIFT_TEST_PAUSED embedding pid=(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      npm.once('exit', (code) => reject(new Error(`npm run reindex exited ${code}:\n${stderr}`)));
    });
    expect(JSON.parse(readFileSync(dataPaths(ws.data).lock, 'utf8'))).toMatchObject({ pid }); // the paused run holds it
    npm.kill('SIGKILL');
    await gone([pid]);
    const next = await runReindexProcess(ws);
    expect(next.code).toBe(ExitCode.Switched);
    expect(existsSync(dataPaths(ws.data).lock)).toBe(false);
  });
});
