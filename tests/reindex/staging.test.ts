// What a killed writer leaves of a staged catalogue change is settled by the next writer (src/reindex/staging.ts):
// installed when its generation went live (killed after the switch), dropped otherwise.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { openGenerationStore } from '../../src/index/generations.js';
import { silentLogger } from '../../src/log.js';
import { settleStagedCatalogue, stageCatalogue } from '../../src/reindex/staging.js';

let dir: string;
let config: Config;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-staging-'));
  config = loadConfig({ dataDir: dir }, {});
  await writeFile(join(dir, 'catalogue.json'), 'live catalogue');
  await writeFile(join(dir, 'CURRENT'), '7\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const settle = () => settleStagedCatalogue(config, openGenerationStore(dir), silentLogger);

describe('settling a staged catalogue', () => {
  it('installs it when the generation it was bound to is live (the writer died after switching)', async () => {
    await writeFile(join(dir, 'catalogue.staged.json'), 'staged catalogue');
    await writeFile(join(dir, 'catalogue.staged.for'), '7\n');
    expect(await settle()).toBe('installed');
    expect(await readFile(join(dir, 'catalogue.json'), 'utf8')).toBe('staged catalogue');
    expect((await readdir(dir)).sort()).toEqual(['CURRENT', 'catalogue.json']);
  });

  it('drops it when its generation never went live, or when none was written', async () => {
    for (const bound of ['8\n', undefined]) {
      await writeFile(join(dir, 'catalogue.staged.json'), 'staged catalogue');
      if (bound) await writeFile(join(dir, 'catalogue.staged.for'), bound);
      expect(await settle()).toBe('dropped');
      expect(await readFile(join(dir, 'catalogue.json'), 'utf8')).toBe('live catalogue');
      expect((await readdir(dir)).sort()).toEqual(['CURRENT', 'catalogue.json']);
    }
    expect(await settle()).toBe('nothing staged');
  });

  it('writes a writer\'s changes to the staged file only, leaving the live catalogue as it was', async () => {
    await rm(join(dir, 'catalogue.json'));
    const staged = await stageCatalogue(config, openGenerationStore(dir), silentLogger);
    await staged.catalogue.commit({ upsert: [{ name: 'a.txt', sha256: 'x', format: 'daily', ingestedAt: new Date().toISOString(), items: [] }], remove: [] });
    expect((await readdir(dir)).sort()).toEqual(['CURRENT', 'catalogue-segments', 'catalogue.staged.json']);
    expect(await readdir(join(dir, 'catalogue-segments'))).not.toEqual([]);
    expect(await staged.settle()).toBe('dropped'); // bound to no generation
    expect((await readdir(dir)).sort()).toEqual(['CURRENT', 'catalogue-segments']);
    expect(await readdir(join(dir, 'catalogue-segments'))).toEqual([]); // the dropped change's segments went with it
  });
});
