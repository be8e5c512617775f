import { describe, it, expect } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDirAtomic, withBuildLock } from '../../src/lang/atomic-dir.ts';

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

describe('withBuildLock', () => {
  it('runs one builder at a time and releases the lock, even when the builder fails', async () => {
    const root = await mkdtemp(join(tmpdir(), 'papersift-lock-'));
    try {
      const target = join(root, 'model');
      let running = 0;
      let maxRunning = 0;
      const job = async (fail: boolean) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 50));
        running--;
        if (fail) throw new Error('build failed');
        return 'ok';
      };
      const results = await Promise.allSettled([
        withBuildLock(target, () => job(true)),
        withBuildLock(target, () => job(false)),
        withBuildLock(target, () => job(false)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
      expect(maxRunning).toBe(1);
      expect(await readdir(root)).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('takes over a lock left behind by a process that no longer exists', async () => {
    const root = await mkdtemp(join(tmpdir(), 'papersift-lock-'));
    try {
      const target = join(root, 'model');
      await writeFile(`${target}.lock`, '2147483646'); // no such pid
      await expect(withBuildLock(target, async () => 'built')).resolves.toBe('built');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
