// buildIndex in a child process (build-child.ts), for the service: an upload's build would otherwise run on the
// event loop that answers searches. The parent only waits for one line of JSON.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BuildResult } from '../index/build.js';
import type { BuildJob } from './build-child.js';

const CHILD = fileURLToPath(new URL('./build-child.ts', import.meta.url));
/** The TypeScript loader by absolute URL: the child must run from any working directory, and under any parent
 *  (tsx, node --import tsx, a test runner). */
const TSX = import.meta.resolve('tsx');

/** Builds a generation (not switched to) in a child process; rejects naming the child's last error line. */
export function buildInChild(job: BuildJob): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CHILD, JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d); // its log lines (and test pause announcements) belong in the server's log
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const line = stdout.trim().split('\n').pop();
      if (code === 0 && line) return resolve(JSON.parse(line) as BuildResult);
      const last = stderr.trim().split('\n').filter((l) => !l.startsWith('PAPERSIFT_TEST_')).pop() ?? '';
      reject(new Error(`index build (child pid ${child.pid}) ${signal ? `killed by ${signal}` : `exited ${code}`}${last ? `: ${last.replace(/^papersift: /, '')}` : ''}`));
    });
  });
}
