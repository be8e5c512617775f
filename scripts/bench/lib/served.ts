// The served process as an operator runs it: `papersift serve` in a child process over a built data dir, started
// as compiled JS (`node dist/cli.js`) or through tsx. Measures startup (spawn until /health answers 200), resident
// memory (Linux /proc: VmRSS now, VmHWM the peak since start) and the live V8 heap from the service's own /metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Served {
  child: ChildProcess;
  url: string;
  startupMs: number;
  /** Resident memory in MB: now (`current`) and the peak since the process started (`peak`). */
  rss(): { current: number; peak: number };
  /** V8's used heap in MB, as /metrics reports it (nodejs_heap_size_used_bytes). */
  heapMb(): Promise<number>;
  stop(): Promise<void>;
}

export async function startServed(command: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Served> {
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /listening on (http:\/\/\S+)/.exec(l);
      if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited ${code} before listening:\n${stderr}`)));
  });
  for (;;) {
    const status = await fetch(`${url}/health`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited ${child.exitCode}:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const startupMs = performance.now() - started;
  const status = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
  return {
    child,
    url,
    startupMs,
    rss: () => ({ current: status('VmRSS'), peak: status('VmHWM') }),
    async heapMb() {
      const text = await (await fetch(`${url}/metrics`)).text();
      return Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1]) / 2 ** 20;
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
