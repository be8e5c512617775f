// The static embedder must not load @huggingface/transformers and its onnxruntime (~145 MB resident): they are
// imported only when a transformers embedder is opened. Checked in a fresh process by looking for the onnxruntime
// shared library among the process's memory mappings (Linux), with the test model as the positive control.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModel } from '../helpers/test-model.js';
import { emptyDataDir } from '../server/fixture.js';

const ROOT = join(import.meta.dirname, '../..');
let data: string;

/** Opens an embedder in a new process, embeds a query, and says whether onnxruntime got loaded. */
function onnxruntimeLoaded(embedder: string): boolean {
  const script = `
    import { readFileSync } from 'node:fs';
    import { loadConfig } from './src/config.ts';
    import { openEmbedder } from './src/embed/select.ts';
    const { embedder } = await openEmbedder(loadConfig({ dataDir: ${JSON.stringify(data)}, embedder: ${JSON.stringify(embedder)}, offline: true }, {}));
    await embedder.embedQuery('graph neural networks 图神经网络');
    console.log(JSON.stringify({ id: embedder.info.id, onnxruntime: /onnxruntime/.test(readFileSync('/proc/self/maps', 'utf8')) }));
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`probe failed (${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { id: string; onnxruntime: boolean };
  expect(out.id.split(':')[0]).toBe(embedder === 'static' ? 'static' : 'transformers');
  return out.onnxruntime;
}

beforeAll(async () => {
  data = await emptyDataDir(); // the shared static model, linked
  const models = join(data, 'models');
  await mkdir(dirname(join(models, testModel().model)), { recursive: true });
  await symlink(testModel().dir, join(models, testModel().model));
}, 300_000);
afterAll(() => rm(data, { recursive: true, force: true }));

describe.runIf(existsSync('/proc/self/maps'))('loading transformers.js on demand', () => {
  it('the static embedder runs without onnxruntime in the process', () => {
    expect(onnxruntimeLoaded('static')).toBe(false);
  });

  it('a transformers model loads it (the probe sees it when it is there)', () => {
    expect(onnxruntimeLoaded(testModel().model)).toBe(true);
  });
});
