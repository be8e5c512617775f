// Index builds in a builder process (build-child.ts), for the service: an upload's build would otherwise run on
// the event loop that answers searches. The parent only writes one line and waits for one line back. The builder
// is started on first use and kept; if it dies, the build in progress fails and the next one starts a new builder.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { BuildResult } from '../index/build.js';
import type { BuildAnswer, BuildJob } from './build-child.js';

const CHILD = fileURLToPath(new URL('./build-child.ts', import.meta.url));
/** The TypeScript loader by absolute URL: the builder must start from any working directory and under any parent
 *  (tsx, node --import tsx, a test runner). */
const TSX = import.meta.resolve('tsx');

export interface Builder {
  /** Builds a generation (not switched to); rejects with the builder's error. Jobs run one at a time, in order. */
  build(job: BuildJob): Promise<BuildResult>;
  /** Starts the builder and opens its embedder ahead of the first build; failures surface in that build instead. */
  warmUp(job: Omit<BuildJob, 'catalogue' | 'warmUp'>): void;
  /** Stops the builder (it finishes nothing). */
  close(): void;
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

export function createBuilder(): Builder {
  let child: Child | undefined;
  let waiting: { resolve: (a: BuildAnswer) => void; reject: (e: Error) => void } | undefined;
  let stderrTail = '';

  function start(): Child {
    const c = spawn(process.execPath, ['--import', TSX, CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: c.stdout }).on('line', (line) => {
      const w = waiting;
      waiting = undefined;
      idle(c);
      w?.resolve(JSON.parse(line) as BuildAnswer);
    });
    c.stderr.on('data', (d: Buffer) => {
      stderrTail = (stderrTail + d.toString()).slice(-2000);
      process.stderr.write(d); // its log lines (and test pause announcements) belong in the server's log
    });
    c.once('exit', (code, signal) => {
      if (child === c) child = undefined;
      const w = waiting;
      waiting = undefined;
      const last = stderrTail.trim().split('\n').filter((l) => !l.startsWith('PAPERSIFT_TEST_')).pop();
      w?.reject(new Error(`the index builder (pid ${c.pid}) ${signal ? `was killed by ${signal}` : `exited ${code}`}${last ? `: ${last}` : ''}`));
    });
    c.once('error', (err) => waiting?.reject(err));
    c.stdin.on('error', () => {}); // EPIPE from a builder that just died: its 'exit' reports that
    return c;
  }

  // an idle builder must not keep the server process alive on its own
  const handles = (c: Child) => [c, c.stdin, c.stdout, c.stderr] as unknown as { ref?(): void; unref?(): void }[]; // pipes are sockets
  const idle = (c: Child) => handles(c).forEach((h) => h.unref?.());
  const busy = (c: Child) => handles(c).forEach((h) => h.ref?.());

  // one job at a time, in order (a warm-up may still run when the first build comes)
  let chain: Promise<unknown> = Promise.resolve();
  function ask(job: BuildJob): Promise<BuildAnswer> {
    const run = chain.then(() => send(job));
    chain = run.catch(() => {});
    return run;
  }

  function send(job: BuildJob): Promise<BuildAnswer> {
    child ??= start();
    const c = child;
    busy(c);
    return new Promise<BuildAnswer>((resolve, reject) => {
      waiting = { resolve, reject };
      c.stdin.write(JSON.stringify(job) + '\n');
    });
  }

  return {
    async build(job) {
      const answer = await ask(job);
      if (!answer.ok) throw new Error(answer.error);
      if (!answer.result) throw new Error('the index builder answered without a build result');
      return answer.result;
    },
    warmUp(job) {
      ask({ ...job, catalogue: '', warmUp: true }).catch(() => {});
    },
    close() {
      child?.stdin.end();
      child = undefined;
    },
  };
}
