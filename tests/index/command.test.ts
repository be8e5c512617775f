import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, mkdir, symlink, readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { testModel } from '../helpers/test-model.js';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

let dataDir: string;
let env: NodeJS.ProcessEnv;
function cli(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), '--data', dataDir, ...args], { cwd: ROOT, env });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'papersift-cmd-'));
  const { modelsDir, model } = testModel();
  // the configured model, placed where `papersift index` looks for models: <data>/models/<model id>
  await mkdir(dirname(join(dataDir, 'models', model)), { recursive: true });
  await symlink(join(modelsDir, model), join(dataDir, 'models', model));
  env = { ...process.env, PAPERSIFT_EMBEDDER: model, PAPERSIFT_OFFLINE: 'true', PAPERSIFT_DTYPE: 'q8' };
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('papersift index', () => {
  it('says to ingest first when the catalogue is empty', async () => {
    const err = (await cli('index').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toContain('has no papers: run `papersift ingest');
  });

  it('builds, prints what it did, and rebuilds from the cache without switching when asked', async () => {
    await cli('ingest', join(ROOT, 'seeds'));
    const first = await cli('index');
    expect(first.stdout).toMatch(/^embedder: {3}transformers:/m);
    expect(first.stdout).toContain('generation: 1, full build (no index yet); now live');
    expect(first.stdout).toMatch(/vectors: {4}\d+ embedded by the model, 0 from the cache/);
    expect((await readFile(join(dataDir, 'CURRENT'), 'utf8')).trim()).toBe('1');

    const again = JSON.parse((await cli('index', '--full', '--no-switch', '--json')).stdout) as Record<string, unknown>;
    expect(again).toMatchObject({ generation: '2', previous: '1', switched: false, full: true, fullReason: 'requested (--full)', embedded: 0 });
    expect(again.reused).toBe(again.views);
    expect((await readFile(join(dataDir, 'CURRENT'), 'utf8')).trim()).toBe('1');
  });
});
