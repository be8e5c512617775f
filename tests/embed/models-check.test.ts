// `papersift models check`: run as a real process against copies of the generated test model, complete, with a
// file missing, with a corrupt JSON file and with a truncated ONNX file. Nothing is downloaded (offline by design).
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../src/embed/models.js';
import { testModel } from '../helpers/test-model.js';

const ROOT = join(import.meta.dirname, '../..');
let root: string;
let n = 0;

/** A data directory whose models/ holds a copy of the test model under the default model's id. */
async function dataWithModel(): Promise<{ data: string; dir: string }> {
  const data = join(root, `data-${n++}`);
  const dir = join(data, 'models', DEFAULT_MODEL);
  await mkdir(dirname(dir), { recursive: true });
  await cp(testModel().dir, dir, { recursive: true });
  return { data, dir };
}

function check(data: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'models', 'check', ...args], {
    cwd: ROOT,
    env: { ...process.env, PAPERSIFT_DATA: data, PAPERSIFT_EMBEDDER: 'auto', PAPERSIFT_DTYPE: 'q8', PAPERSIFT_LOCAL_MODELS: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'papersift-models-check-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('papersift models check', () => {
  it('passes a complete model (auto with no index = the default model), showing where it loads from and its id', async () => {
    const { data, dir } = await dataWithModel();
    const r = check(data);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`model ${DEFAULT_MODEL} (dtype q8)`);
    expect(r.stdout).toMatch(/onnx\/model_quantized\.onnx \d+ bytes/);
    expect(r.stdout).toMatch(new RegExp(`ok: loads from ${dir} as transformers:${DEFAULT_MODEL}:q8:\\w+ \\(32-d\\)`));
  });

  it('names each missing file in each directory searched, the pre-downloaded root first', async () => {
    const { data, dir } = await dataWithModel();
    await unlink(join(dir, 'tokenizer.json'));
    const local = join(root, 'local-empty');
    const r = check(data, ['--embedder', DEFAULT_MODEL], { PAPERSIFT_LOCAL_MODELS: local, PAPERSIFT_DTYPE: 'fp16' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(local, DEFAULT_MODEL)}: missing config.json, tokenizer.json, tokenizer_config.json, onnx/model_fp16.onnx`);
    expect(r.stdout).toContain(`${dir}: missing tokenizer.json, onnx/model_fp16.onnx`);
  });

  it('names a corrupt JSON file', async () => {
    const { data, dir } = await dataWithModel();
    await writeFile(join(dir, 'tokenizer_config.json'), '{"model_max_length": 5'); // cut short, like an interrupted download
    const r = check(data);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'tokenizer_config.json')}: not valid JSON`);
  });

  it('names a truncated ONNX file', async () => {
    const { data, dir } = await dataWithModel();
    await truncate(join(dir, 'onnx/model_quantized.onnx'), 4096);
    const r = check(data, ['--json']);
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { problems: string[]; embedder?: unknown };
    expect(result.problems).toEqual([expect.stringContaining(`${join(dir, 'onnx/model_quantized.onnx')} (with config.json and the tokenizer files): cannot be loaded`)]);
    expect(result.embedder).toBeUndefined();
  });

  it('has nothing to check for the static embedder', () => {
    const r = check(join(root, 'no-data'), ['--embedder', 'static']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the static embedder needs no model download');
  });
});
