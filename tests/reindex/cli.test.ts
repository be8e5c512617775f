import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { ExitCode } from '../../src/reindex/exit-codes.js';
import { ROOT } from './workspace.js';

const run = promisify(execFile);
const tsx = (script: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], { cwd: ROOT }).catch((e: { code: number; stdout: string; stderr: string }) => e);

describe('the reindex command line', () => {
  it('is registered as `papersift reindex` and documents its exit codes', async () => {
    const out = await tsx('src/cli.ts', 'reindex', '--help');
    expect(out.stdout).toContain('Usage: papersift reindex [options]');
    expect(out.stdout).toMatch(/--max-drop <mrr>.*\n?.*default: 0\.05/);
    expect(out.stdout).toContain('4  quality gate refused');
    expect(out.stdout).toContain('5  lock held by another run');
  });

  it('rejects bad flags with the usage exit code, naming the flag', async () => {
    const out = (await tsx('scripts/reindex.ts', '--keep', '0')) as { code: number; stderr: string };
    expect(out.code).toBe(ExitCode.Usage);
    expect(out.stderr).toContain('--keep must be an integer >= 1, got "0"');
  });
});
