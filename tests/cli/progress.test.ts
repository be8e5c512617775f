// Progress bars only on a terminal: run as cron or CI would (stderr a pipe), commands print their summary on
// stdout and no bars on stderr, without --no-progress.
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDataDir } from '../server/fixture.js';

const ROOT = join(import.meta.dirname, '../..');
let data: string;

const papersift = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PAPERSIFT_DATA: data, PAPERSIFT_EMBEDDER: 'static', PAPERSIFT_LOG_LEVEL: 'warn' },
  });

beforeAll(async () => {
  data = await emptyDataDir(); // the shared static model and dictionary, linked
}, 300_000);
afterAll(() => rm(data, { recursive: true, force: true }));

describe('progress off a terminal', () => {
  it('index prints its summary and no progress bars when stderr is not a TTY', () => {
    expect(papersift('ingest', join(ROOT, 'seeds')).status).toBe(0);
    const r = papersift('index');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^generation: 1, full build/m);
    expect(r.stderr).not.toMatch(/ETA|\[[█░]/);
  });
});
