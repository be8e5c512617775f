// The nightly reindex under faults, with real processes: `node --import tsx scripts/reindex.ts` against temp
// data directories, killed with SIGKILL at exact points (PAPERSIFT_TEST_PAUSE_AT, src/reindex/test-hooks.ts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, readdir, rm, writeFile, open, mkdtemp } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openGenerationStore } from '../../src/index/generations.js';
import { dataPaths } from '../../src/config.js';
import { hostname } from 'node:os';
import { bootId } from '../../src/util/process.js';
import { ExitCode } from '../../src/reindex/exit-codes.js';
import type { ReindexResult } from '../../src/reindex/report.js';
import { cloneWorkspace, createWorkspace, editAbstract, fingerprint, readCurrent, runReindexProcess, runUntilPaused, type Workspace } from './workspace.js';

let base: Workspace; // seeds ingested and generation 1 live, built by one real run
const made: Workspace[] = [];
async function fromBase(): Promise<Workspace> {
  const ws = await cloneWorkspace(base);
  made.push(ws);
  return ws;
}

beforeAll(async () => {
  base = await createWorkspace();
  made.push(base);
  const first = await runReindexProcess(base);
  if (first.code !== 0) throw new Error(`initial reindex failed (${first.code}):\n${first.stdout}\n${first.stderr}`);
}, 120_000);
afterAll(async () => {
  for (const ws of made) await rm(ws.root, { recursive: true, force: true });
});

const notReport = (rel: string) => rel === 'reindex-report.json' || rel.startsWith('models');
const report = async (ws: Workspace) => JSON.parse(await readFile(dataPaths(ws.data).report, 'utf8')) as ReindexResult;

/** What must hold after a killed run: generation 1 byte-identical and loadable, still live, nothing else complete. */
async function expectGenerationOneIntact(ws: Workspace, before: Record<string, string>) {
  expect(await readCurrent(ws)).toBe('1');
  expect(await fingerprint(join(ws.data, 'generations', '1'))).toEqual(before);
  const store = openGenerationStore(ws.data);
  expect(store.list()).toEqual(['1']);
  const gen = await store.load('1'); // verifies every checksum in the manifest
  expect(gen.papers).toHaveLength(51);
  expect(gen.index.size).toBe(gen.manifest.counts.vectors);
}

/** Whether this machine lets us mount a small tmpfs (root in a container or VM) to fill a disk for real. */
function canMountTmpfs(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = spawnSync('sh', ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=16k tmpfs "$d" && umount "$d"; r=$?; rmdir "$d"; exit $r']);
  return probe.status === 0;
}

/** Writes zeros until the filesystem is full (ENOSPC). */
async function fillUp(path: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    for (;;) await fh.write(Buffer.alloc(4096));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await fh.close();
  }
}

describe('reindex with real processes', () => {
  it('does no embedding when nothing changed and exits with the nothing-to-do code', async () => {
    const ws = await fromBase();
    // the copy moved and touched every source: the first run only records their new paths and stats
    const moved = await runReindexProcess(ws, ['--json']);
    expect(moved.code).toBe(ExitCode.NothingToDo);
    expect(JSON.parse(moved.stdout)).toMatchObject({ views: { embedded: 0, fromCache: 0 }, generation: { live: '1' } });
    const before = await fingerprint(ws.data, notReport);
    const out = await runReindexProcess(ws, ['--json']);
    expect(out.code).toBe(ExitCode.NothingToDo);
    const json = JSON.parse(out.stdout) as ReindexResult;
    expect(json).toMatchObject({ outcome: 'nothing-to-do', views: { embedded: 0, fromCache: 0 }, generation: { live: '1' } });
    expect(json.phasesMs.embed).toBeUndefined(); // the build never started
    expect(await report(ws)).toEqual(json);
    expect(await fingerprint(ws.data, notReport)).toEqual(before);
  });

  it('survives kill -9 while embedding and while writing the generation; the next run completes', async () => {
    const ws = await fromBase();
    const genOne = await fingerprint(join(ws.data, 'generations', '1'));
    await editAbstract(ws);

    const embedding = await runUntilPaused(ws, 'embedding');
    process.kill(embedding.pid, 'SIGKILL');
    expect((await embedding.done).signal).toBe('SIGKILL');
    await expectGenerationOneIntact(ws, genOne);
    expect(existsSync(dataPaths(ws.data).lock)).toBe(true); // left behind by the dead run

    const writing = await runUntilPaused(ws, 'writing');
    const partial = (await readdir(join(ws.data, 'generations'))).filter((n) => n.includes('.partial-'));
    expect(partial).toEqual([`2.partial-${writing.pid}`]); // killed with a half-written generation on disk
    process.kill(writing.pid, 'SIGKILL');
    await writing.done;
    await expectGenerationOneIntact(ws, genOne);

    const next = await runReindexProcess(ws, ['--json', '--log-level', 'warn']);
    expect(next.code).toBe(ExitCode.Switched);
    expect(next.stderr).toMatch(/recovered stale lock .*holder pid \d+ is not running/);
    const r = JSON.parse(next.stdout) as ReindexResult;
    expect(r.papers).toMatchObject({ updated: 1, added: 0, removed: 0, total: 51 });
    expect(r.views.embedded + r.views.fromCache).toBe(1); // only the edited English view was new
    const live = await readCurrent(ws);
    expect(live).not.toBe('1');
    const gen = await openGenerationStore(ws.data).load(live);
    expect(gen.papers.some((p) => p.summary.en?.startsWith('We present BEIT'))).toBe(true);
    expect((await readdir(join(ws.data, 'generations'))).filter((n) => n.includes('.partial-'))).toEqual([]);
    expect(existsSync(dataPaths(ws.data).lock)).toBe(false);
  });

  it('lets one of two concurrent runs proceed while the other exits with the lock code', async () => {
    const ws = await fromBase();
    await editAbstract(ws);
    const first = await runUntilPaused(ws, 'switching'); // holds the lock, generation 2 built but not live
    const second = await runReindexProcess(ws);
    expect(second.code).toBe(ExitCode.LockHeld);
    expect(second.stdout).toContain(`is held by pid ${first.pid}`);
    process.kill(first.pid, 'SIGUSR2'); // let the first run finish
    const done = await first.done;
    expect(done.code).toBe(ExitCode.Switched);
    expect(await readCurrent(ws)).toBe('2');
    expect((await report(ws)).outcome).toBe('switched'); // the refused run did not overwrite the report
  });

  it('recovers a lock left by a previous incarnation whose pid (1) now belongs to another live process', async () => {
    const ws = await fromBase();
    await editAbstract(ws);
    const stale = { pid: 1, hostname: hostname(), owner: 'reindex', startedAt: new Date().toISOString(), token: 'deadbeef', processStart: '1', bootId: bootId() };
    await writeFile(dataPaths(ws.data).lock, JSON.stringify(stale));
    const out = await runReindexProcess(ws, ['--log-level', 'warn']);
    expect(out.code).toBe(ExitCode.Switched);
    expect(out.stderr).toContain('recovered stale lock');
    expect(out.stderr).toContain('holder pid 1 is not running (the pid now belongs to a process started later)');
    expect(existsSync(dataPaths(ws.data).lock)).toBe(false);
  });

  it.skipIf(!canMountTmpfs())('on a full disk: exits 1 naming the lock file it could not write, leaving no temp file', async () => {
    const ws = await fromBase();
    const full = await mkdtemp(join(tmpdir(), 'papersift-full-'));
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]).status).toBe(0);
    try {
      await fillUp(join(full, 'filler'));
      const out = await runReindexProcess(ws, [], { PAPERSIFT_DATA: full });
      expect(out.code).toBe(ExitCode.Error);
      expect(out.stdout + out.stderr).toMatch(new RegExp(`cannot create lock ${join(full, 'reindex.lock')}: writing ${full}/\\.reindex\\.lock\\.\\d+\\.\\w+\\.tmp failed: ENOSPC`));
      expect(await readdir(full)).toEqual(['filler']);
    } finally {
      spawnSync('umount', [full]);
      await rm(full, { recursive: true, force: true });
    }
  });

  it('stops with a clear error naming a corrupt catalogue and changes nothing', async () => {
    const ws = await fromBase();
    const catalogue = dataPaths(ws.data).catalogue;
    const text = await readFile(catalogue, 'utf8');
    await writeFile(catalogue, text.slice(0, text.length / 2)); // a truncated file
    await editAbstract(ws);
    const before = await fingerprint(ws.data, notReport);
    const out = await runReindexProcess(ws);
    expect(out.code).toBe(ExitCode.Error);
    expect(out.stderr).toContain(`${catalogue}: corrupt catalogue, not valid JSON`);
    expect(await fingerprint(ws.data, notReport)).toEqual(before);
    expect(await report(ws)).toMatchObject({ outcome: 'error', exitCode: ExitCode.Error });
  });

  it('stops with a clear error naming a corrupt index file, before ingesting anything', async () => {
    const ws = await fromBase();
    const hnsw = join(ws.data, 'generations', '1', 'hnsw.bin');
    const fh = await open(hnsw, 'r+');
    await fh.write(Buffer.from('garbage!'), 0, 8, 64); // same size, different bytes
    await fh.close();
    await editAbstract(ws);
    const before = await fingerprint(ws.data, notReport);
    const out = await runReindexProcess(ws);
    expect(out.code).toBe(ExitCode.Error);
    expect(out.stderr).toContain(`index file ${hnsw}: content does not match the sha256`);
    expect(out.stderr).toContain('--full');
    expect(await fingerprint(ws.data, notReport)).toEqual(before);
  });
});
