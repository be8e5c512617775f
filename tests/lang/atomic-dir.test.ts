import { describe, it, expect } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDirAtomic } from '../../src/lang/atomic-dir.ts';

describe('buildDirAtomic', () => {
  it('installs a complete directory, replacing a previous build', async () => {
    const root = await mkdtemp(join(tmpdir(), 'papersift-atomic-'));
    try {
      const target = join(root, 'model');
      await mkdir(target);
      await writeFile(join(target, 'old.bin'), 'old');
      await buildDirAtomic(target, async (tmp) => {
        await writeFile(join(tmp, 'a.bin'), 'new');
      });
      expect(await readdir(target)).toEqual(['a.bin']);
      expect(await readFile(join(target, 'a.bin'), 'utf8')).toBe('new');
      expect(await readdir(root)).toEqual(['model']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('leaves the existing directory untouched and no temp files when the build fails', async () => {
    const root = await mkdtemp(join(tmpdir(), 'papersift-atomic-'));
    try {
      const target = join(root, 'model');
      await mkdir(target);
      await writeFile(join(target, 'good.bin'), 'good');
      await expect(
        buildDirAtomic(target, async (tmp) => {
          await writeFile(join(tmp, 'half.bin'), 'half');
          throw new Error('crash mid-build');
        }),
      ).rejects.toThrow('crash mid-build');
      expect(await readdir(target)).toEqual(['good.bin']);
      expect(await readdir(root)).toEqual(['model']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
