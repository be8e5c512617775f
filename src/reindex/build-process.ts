// Document writes in a builder process (build-child.ts), for the service: an upload's ingest, build and switch would
// otherwise run on the event loop that answers searches. The parent only writes one line and waits for one line back. The builder
// is started on first use and kept; if it dies, the build in progress fails and the next one starts a new builder.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { BuildAnswer, BuildJob } from './build-child.js';
import { DocumentRejectedError, type WrittenDocument } from './write-document.js';

const CHILD = fileURLToPath(new URL('./build-child.ts', import.meta.url));
/** The TypeScript loader by absolute URL: the builder must start from any working directory and under any parent
 *  (tsx, node --import tsx, a test runner). */
const TSX = import.meta.resolve('tsx');

export interface Builder {
  /**
   * Writes a document through to a live generation (write-document.ts; the caller holds the data lock); rejects
   * with DocumentRejectedError for a document that cannot be ingested, else with the builder's error. Jobs run one
   * at a time, in order.
   */
  write(job: Required<Pick<BuildJob, 'write'>> & BuildJob): Promise<WrittenDocument>;
  /** Starts the builder and opens its embedder ahead of the first write; failures surface in that write instead. */
  warmUp(job: Omit<BuildJob, 'write'>): void;
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
    async write(job) {
      const answer = await ask(job);
      if (!answer.ok) throw answer.rejected ? new DocumentRejectedError(answer.error, answer.rejected) : new Error(answer.error);
      if (!answer.result) throw new Error('the index builder answered without a write result');
      return answer.result;
    },
    warmUp(job) {
      ask(job).catch(() => {});
    },
    close() {
      child?.stdin.end();
      child = undefined;
    },
  };
}
