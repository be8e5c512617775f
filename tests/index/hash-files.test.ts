// Hashing files on a worker thread (src/util/hash-files.ts), as generation loads and the static embedder use it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFiles, HashReadError } from '../../src/util/hash-files.js';

const ROOT = join(import.meta.dirname, '../..');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-hash-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('hashFiles', () => {
  it('gives each file its size and sha256, larger than one read chunk too, and names a file it cannot read', async () => {
    const small = Buffer.from('a small file\n');
    const large = Buffer.alloc((8 << 20) + 12345, 7); // more than the worker's 8 MiB chunk
    large.write('the end', large.length - 7);
    await writeFile(join(dir, 'small'), small);
    await writeFile(join(dir, 'large'), large);
    const [a, missing, b] = hashFiles([join(dir, 'small'), join(dir, 'missing'), join(dir, 'large')]);
    expect(await a).toEqual({ bytes: small.length, sha256: sha256(small) });
    expect(await b).toEqual({ bytes: large.length, sha256: sha256(large) });
    const err = await missing!.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HashReadError);
    expect(err).toMatchObject({ path: join(dir, 'missing'), code: 'ENOENT' });
    expect(hashFiles([])).toEqual([]);
  });

  it('works in a process started with flags a worker must not inherit (an ES module script, the tsx loader)', async () => {
    const file = join(dir, 'probe');
    await writeFile(file, 'probe\n');
    const script = `
      import { hashFiles } from './src/util/hash-files.ts';
      console.log(JSON.stringify(await hashFiles([${JSON.stringify(file)}])[0]));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toContain('Error');
    expect(JSON.parse(r.stdout)).toEqual({ bytes: 6, sha256: sha256(Buffer.from('probe\n')) });
  });
});
