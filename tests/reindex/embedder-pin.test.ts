// An index keeps the embedder it was built with: with PAPERSIFT_EMBEDDER=auto, a nightly reindex must not switch
// to the default model the night it becomes available (e.g. a download finally succeeds). Real reindex processes.
import { mkdir, open, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../src/embed/models.js';
import { ensureStaticModel, staticModelDir } from '../../src/embed/static/index.js';
import { MODELS_CACHE } from '../../src/eval/seed-engine.js';
import { ExitCode } from '../../src/reindex/exit-codes.js';
import { testModel } from '../helpers/test-model.js';
import { createWorkspace, readCurrent, runReindexProcess, type Workspace } from './workspace.js';

const made: Workspace[] = [];
async function workspace(): Promise<Workspace> {
  const w = await createWorkspace();
  made.push(w);
  await symlink(staticModelDir(MODELS_CACHE), staticModelDir(join(w.data, 'models')));
  return w;
}

/** The default model "arrives" (here: the generated test model under the default model's id). */
async function defaultModelArrives(w: Workspace): Promise<string> {
  const models = join(w.data, 'models');
  await mkdir(dirname(join(models, DEFAULT_MODEL)), { recursive: true });
  await symlink(testModel().dir, join(models, DEFAULT_MODEL));
  return models;
}

let ws: Workspace;
beforeAll(async () => {
  await ensureStaticModel({ modelsDir: MODELS_CACHE });
  ws = await workspace();
}, 300_000);
afterAll(() => Promise.all(made.map((w) => rm(w.root, { recursive: true, force: true }))));

describe('reindex with PAPERSIFT_EMBEDDER=auto and an existing index', () => {
  it('keeps the static embedder when the default model appears, says how to switch, and switches only when asked', async () => {
    const first = await runReindexProcess(ws, [], { PAPERSIFT_EMBEDDER: 'static' });
    expect(first.code, first.stderr).toBe(ExitCode.Switched);
    expect(await readCurrent(ws)).toBe('1');

    const models = await defaultModelArrives(ws);

    const kept = await runReindexProcess(ws, [], { PAPERSIFT_EMBEDDER: 'auto' });
    expect(kept.code, kept.stderr).toBe(ExitCode.NothingToDo);
    expect(await readCurrent(ws)).toBe('1');
    expect(kept.stdout).toMatch(/embedder +static:/);
    expect(kept.stdout).toContain(`a new index would use ${DEFAULT_MODEL} (q8, found in ${join(models, DEFAULT_MODEL)}): switch with --embedder ${DEFAULT_MODEL}`);

    // --force: the random-weight test model standing in for e5 may score below the static embedder
    const switched = await runReindexProcess(ws, ['--embedder', DEFAULT_MODEL, '--force'], { PAPERSIFT_EMBEDDER: 'auto' });
    expect(switched.code, switched.stderr).toBe(ExitCode.Switched);
    expect(await readCurrent(ws)).toBe('2');
    expect(switched.stdout).toMatch(new RegExp(`embedder +transformers:${DEFAULT_MODEL}:q8:\\w+ \\(full rebuild: embedder changed from static:`));

    // and from then on auto keeps the model, even though the static embedder is right there too
    const again = await runReindexProcess(ws, [], { PAPERSIFT_EMBEDDER: 'auto' });
    expect(again.code, again.stderr).toBe(ExitCode.NothingToDo);
    expect(again.stdout).toMatch(new RegExp(`auto keeps transformers:${DEFAULT_MODEL}:q8:\\w+, the embedder the index was built with\\n`));
  }, 240_000);

  it('keeps it when --full rebuilds past a damaged live generation, whose manifest still says what it was built with', async () => {
    const w = await workspace();
    const first = await runReindexProcess(w, [], { PAPERSIFT_EMBEDDER: 'static' });
    expect(first.code, first.stderr).toBe(ExitCode.Switched);
    await defaultModelArrives(w);
    const fh = await open(join(w.data, 'generations', '1', 'hnsw.bin'), 'r+');
    await fh.write(Buffer.from('garbage!'), 0, 8, 64); // same size, different bytes: the checksum fails
    await fh.close();

    const full = await runReindexProcess(w, ['--full'], { PAPERSIFT_EMBEDDER: 'auto' });
    expect(full.code, full.stderr).toBe(ExitCode.Switched);
    expect(await readCurrent(w)).toBe('2');
    expect(full.stdout).toMatch(/embedder +static:/);
    expect(full.stdout).toContain(`a new index would use ${DEFAULT_MODEL}`);
  }, 240_000);
});
