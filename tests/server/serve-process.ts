// `papersift serve` as a real child process (node --import tsx src/cli.ts serve: one process, so its pid is the
// server's own), for the fault tests: started on a free port on 127.0.0.1, killed or stopped by the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { REPO_ROOT, API_KEY } from './fixture.js';

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Polls GET /health until it answers 200 and returns its body. */
  ready(timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export const SERVE_ARGS = ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts'), 'serve', '--no-progress'];

/** Starts the server with `env` on top of the test's environment; rejects if it exits before listening. */
export async function startServer(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, SERVE_ARGS, {
    cwd: REPO_ROOT,
    env: { ...process.env, PAPERSIFT_API_KEY: API_KEY, PAPERSIFT_LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const base = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
    });
    void exited.then(({ code, signal }) => reject(new Error(`serve exited (${code ?? signal}) before listening:\n${stderr}`)));
  });
  const server: ServerProcess = {
    child,
    base,
    stderr: () => stderr,
    exited,
    async ready(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${stderr}`);
        const res = await fetch(`${base}/health`).catch(() => undefined);
        if (res?.status === 200) return (await res.json()) as Record<string, unknown>;
        if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  return server;
}

/** Polls `probe` until it returns a value other than undefined (a condition the server reaches by itself). */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
