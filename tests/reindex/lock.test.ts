import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import pino from 'pino';
import { acquireLock, withDataLock, LockHeldError, type LockInfo } from '../../src/reindex/lock.js';
import { loadConfig, dataPaths } from '../../src/config.js';
import { bootId, processStartTime } from '../../src/util/process.js';

const ROOT = join(import.meta.dirname, '../..');

let dir: string;
let lockPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-lock-'));
  lockPath = join(dir, 'reindex.lock');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pino logger whose lines land in an array, to assert on what the lock logs. */
function capturingLogger() {
  const lines: { msg: string; reason?: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(String(r.stdout));
}

function lockFile(over: Partial<LockInfo>): string {
  const info: LockInfo = { pid: process.ppid, hostname: hostname(), owner: 'other run', startedAt: new Date().toISOString(), token: 'feedface', ...over };
  return JSON.stringify(info);
}

describe('acquireLock', () => {
  it('creates the lock file with pid, hostname, owner and start time, and removes it on release', async () => {
    const lock = await acquireLock(lockPath, { owner: 'reindex' });
    const onDisk = JSON.parse(await readFile(lockPath, 'utf8')) as LockInfo;
    expect(onDisk).toMatchObject({ pid: process.pid, hostname: hostname(), owner: 'reindex' });
    expect(Date.now() - Date.parse(onDisk.startedAt)).toBeLessThan(10_000);
    expect(await lock.isHeld()).toBe(true);
    await lock.release();
    await expect(readFile(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
    await lock.release(); // idempotent
    expect(await readdir(dir)).toEqual([]); // no temp files left behind
  });

  it('refuses a second holder while the first is alive, naming who holds it', async () => {
    const first = await acquireLock(lockPath, { owner: 'reindex' });
    const err = await acquireLock(lockPath, { owner: 'POST /api/documents' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as LockHeldError).holder?.owner).toBe('reindex');
    expect((err as LockHeldError).message).toContain(`pid ${process.pid}`);
    expect((err as LockHeldError).message).toContain(lockPath);
    await first.release();
    const second = await acquireLock(lockPath, { owner: 'POST /api/documents' });
    await second.release();
  });

  it('lets exactly one of many simultaneous callers win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => acquireLock(lockPath, { owner: `caller ${i}` })));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof LockHeldError)).toHaveLength(11);
  });

  it('waits for a live holder when asked to, and gets the lock once it is released', async () => {
    const first = await acquireLock(lockPath, { owner: 'reindex' });
    setTimeout(() => void first.release(), 300);
    const t0 = Date.now();
    const second = await acquireLock(lockPath, { owner: 'POST /api/documents', waitMs: 5000, retryMs: 50 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(second.info.owner).toBe('POST /api/documents');
    await second.release();
  });

  it('gives up after waitMs when the holder keeps the lock', async () => {
    const first = await acquireLock(lockPath, { owner: 'reindex' });
    await expect(acquireLock(lockPath, { owner: 'x', waitMs: 150, retryMs: 30 })).rejects.toBeInstanceOf(LockHeldError);
    await first.release();
  });

  it('recovers a lock left by a dead process and logs that it did', async () => {
    const pid = deadPid();
    await writeFile(lockPath, lockFile({ pid }));
    const { logger, lines } = capturingLogger();
    const lock = await acquireLock(lockPath, { owner: 'reindex', logger });
    expect(lock.info.pid).toBe(process.pid);
    const line = lines.find((l) => l.msg.startsWith('recovered stale lock'));
    expect(line?.reason).toBe(`holder pid ${pid} is not running`);
    await lock.release();
  });

  it('recovers a lock older than maxAgeMs even when its pid is alive', async () => {
    await writeFile(lockPath, lockFile({ pid: process.ppid, startedAt: new Date(Date.now() - 3_600_000).toISOString() }));
    await expect(acquireLock(lockPath, { owner: 'reindex', maxAgeMs: 7_200_000 })).rejects.toBeInstanceOf(LockHeldError);
    const { logger, lines } = capturingLogger();
    const lock = await acquireLock(lockPath, { owner: 'reindex', maxAgeMs: 60_000, logger });
    expect(lines.some((l) => /lock is 3600 s old/.test(l.reason ?? ''))).toBe(true);
    await lock.release();
  });

  it('does not judge a live pid on another host as dead (it cannot see it), only by age', async () => {
    await writeFile(lockPath, lockFile({ pid: deadPid(), hostname: 'some-other-host' }));
    await expect(acquireLock(lockPath, { owner: 'reindex' })).rejects.toBeInstanceOf(LockHeldError);
  });

  it('recovers an unreadable lock file', async () => {
    await writeFile(lockPath, 'not json at all');
    const lock = await acquireLock(lockPath, { owner: 'reindex' });
    expect(await lock.isHeld()).toBe(true);
    await lock.release();
  });

  it('lets only one of many simultaneous callers take over a stale lock', async () => {
    await writeFile(lockPath, lockFile({ pid: deadPid() }));
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => acquireLock(lockPath, { owner: `caller ${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await readdir(dir)).toEqual(['reindex.lock']); // the breaker file is gone again
  });

  it('never releases a lock that another process has taken over', async () => {
    const mine = await acquireLock(lockPath, { owner: 'reindex' });
    const theirs = lockFile({ pid: process.ppid, token: 'c0ffee' });
    await writeFile(lockPath, theirs); // as if ours had been judged stale and taken over
    expect(await mine.isHeld()).toBe(false);
    await mine.release();
    expect(await readFile(lockPath, 'utf8')).toBe(theirs);
  });
});

describe('lock ownership when pids are reused (issue 12, item 4)', () => {
  it('records the holder\'s start time and boot id next to its pid', async () => {
    const lock = await acquireLock(lockPath, { owner: 'reindex' });
    const onDisk = JSON.parse(await readFile(lockPath, 'utf8')) as LockInfo;
    expect(onDisk.processStart).toBe(processStartTime(process.pid));
    expect(onDisk.bootId).toBe(bootId());
    await lock.release();
  });

  it('recovers at once a lock whose pid now belongs to another live process (pid 1, or our own pid)', async () => {
    for (const pid of [1, process.pid]) {
      // a previous incarnation's lock: same pid, same boot, but a process that started at another time
      await writeFile(lockPath, lockFile({ pid, processStart: '1', bootId: bootId() }));
      const { logger, lines } = capturingLogger();
      const lock = await acquireLock(lockPath, { owner: 'reindex', logger });
      expect(lines.find((l) => l.msg.startsWith('recovered stale lock'))?.reason).toBe(`holder pid ${pid} is not running (the pid now belongs to a process started later)`);
      await lock.release();
    }
  });

  it('recovers a lock taken before the host rebooted, even if its pid is alive now', async () => {
    await writeFile(lockPath, lockFile({ pid: 1, processStart: processStartTime(1)!, bootId: 'a-previous-boot' }));
    const lock = await acquireLock(lockPath, { owner: 'reindex' });
    expect(lock.info.pid).toBe(process.pid);
    await lock.release();
  });

  it('still refuses a lock held by another live process (a real one, recording its own start time)', async () => {
    const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { acquireLock } = await import(${JSON.stringify(join(ROOT, 'src/reindex/lock.ts'))});
      await acquireLock(${JSON.stringify(lockPath)}, { owner: 'holder process' });
      console.log('held');
      setInterval(() => {}, 1000);`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: holder.stdout! }).on('line', (l) => l === 'held' && resolve());
        holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      const err = (await acquireLock(lockPath, { owner: 'reindex' }).catch((e: unknown) => e)) as LockHeldError;
      expect(err).toBeInstanceOf(LockHeldError);
      expect(err.holder).toMatchObject({ pid: holder.pid, owner: 'holder process', processStart: processStartTime(holder.pid!) });
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
      const lock = await acquireLock(lockPath, { owner: 'reindex' }); // its holder is dead now
      await lock.release();
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

describe('withDataLock', () => {
  it('holds the data directory lock while fn runs and releases it afterwards, also on error', async () => {
    const config = loadConfig({ dataDir: dir }, {});
    const path = dataPaths(dir).lock;
    const seen = await withDataLock(config, async (lock) => {
      expect(lock.path).toBe(path);
      await expect(acquireLock(path, { owner: 'other' })).rejects.toBeInstanceOf(LockHeldError);
      return 42;
    });
    expect(seen).toBe(42);
    await expect(withDataLock(config, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    const again = await acquireLock(path, { owner: 'other' });
    await again.release();
  });
});
