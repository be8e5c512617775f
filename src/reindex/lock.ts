// The data-directory write lock. Everything that changes the catalogue or the generations (the nightly
// reindex, POST /api/documents) takes it, so two writers never interleave.
//
// The lock is a small JSON file created exclusively. It is written to a private temp file first and then
// hard-linked into place: link(2) fails with EEXIST exactly like open(O_CREAT|O_EXCL) ("wx"), but the lock
// appears with its full content at once, so no reader ever sees an empty, half-written lock.
// A lock whose holder died or that is older than maxAgeMs is stale and is recovered. The holder is named by pid
// plus its start time and the boot id (util/process.ts): a pid alone is reused (a container restarted in place runs
// its server as the same pid again), so a live process with the recorded pid but another start time is not the
// holder; a short-lived "<lock>.break" file (also exclusive) makes sure only one process
// breaks a given stale lock, so two recovering processes cannot both end up "holding" it.
// Its file operations are synchronous: each takes microseconds on these tiny files, while each asynchronous one
// would wait a whole event-loop turn on a server busy answering searches (an upload's lock took ~1 s under load).
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { dirname, basename, join } from 'node:path';
import type { Config } from '../config.js';
import { dataPaths } from '../config.js';
import { silentLogger, type Logger } from '../log.js';
import { goneReason, ownIdentity } from '../util/process.js';
import { naming } from '../util/atomic.js';

export interface LockInfo {
  pid: number;
  hostname: string;
  owner: string; // what holds it, e.g. "reindex" or "POST /api/documents"
  startedAt: string; // ISO time the lock was taken
  token: string; // random, so a holder only ever releases its own lock
  processStart?: string; // the holder's start time (clock ticks since boot, Linux), so a reused pid is told apart
  bootId?: string; // the host's boot id (Linux): a lock from before a reboot is stale
}

export interface Lock {
  readonly path: string;
  readonly info: LockInfo;
  /** True while the lock file on disk is still this holder's (it can be lost if another process judged it stale). */
  isHeld(): Promise<boolean>;
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
}

export interface AcquireOptions {
  owner: string;
  /** A lock older than this is stale even if its pid is alive (pid reuse, a hung run). Default 6 hours. */
  maxAgeMs?: number;
  /** Keep retrying this long while the lock is held by a live holder. Default 0: fail at once. */
  waitMs?: number;
  /** Delay between retries while waiting. Default 200 ms. */
  retryMs?: number;
  logger?: Logger;
}

export const DEFAULT_LOCK_MAX_AGE_MS = 6 * 60 * 60 * 1000;
/** A breaker file older than this belongs to a process that died while breaking; breaking takes milliseconds. */
const BREAKER_MAX_AGE_MS = 30_000;

/** Thrown when a live holder has the lock; carries who holds it so callers can say so. */
export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly holder: LockInfo | undefined,
  ) {
    super(
      holder
        ? `lock ${path} is held by pid ${holder.pid} on ${holder.hostname} (${holder.owner}) since ${holder.startedAt}`
        : `lock ${path} is held`,
    );
    this.name = 'LockHeldError';
  }
}

/** Takes the lock at `path` or throws LockHeldError (after waiting up to opts.waitMs). */
export async function acquireLock(path: string, opts: AcquireOptions): Promise<Lock> {
  const logger = opts.logger ?? silentLogger;
  const maxAgeMs = opts.maxAgeMs ?? DEFAULT_LOCK_MAX_AGE_MS;
  const deadline = Date.now() + (opts.waitMs ?? 0);
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    const info = lockInfo(opts.owner);
    if (tryCreate(path, info)) return heldLock(path, info);
    const existing = readHolder(path);
    if (existing === 'gone') continue; // released between our attempt and the read: try again at once
    const reason = staleReason(existing, maxAgeMs);
    if (reason) {
      await breakStale(path, existing, reason, logger);
      continue;
    }
    if (Date.now() >= deadline) throw new LockHeldError(path, existing.info);
    await sleep(opts.retryMs ?? 200);
  }
}

/** Runs fn while holding the data directory's lock (dataPaths(dataDir).lock); always releases it. */
export async function withDataLock<T>(
  config: Config,
  fn: (lock: Lock) => Promise<T>,
  opts: Partial<AcquireOptions> = {},
): Promise<T> {
  const lock = await acquireLock(dataPaths(config.dataDir).lock, { owner: 'papersift', ...opts });
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}

function lockInfo(owner: string): LockInfo {
  return { ...ownIdentity(), hostname: hostname(), owner, startedAt: new Date().toISOString(), token: randomBytes(8).toString('hex') };
}

interface Holder {
  raw: string;
  info?: LockInfo; // undefined when the file is not a lock we can read (garbage, foreign format)
}

function tryCreate(path: string, info: LockInfo): boolean {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${info.token}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(info) + '\n', { flag: 'wx' });
  } catch (err) {
    // e.g. ENOSPC: the file may exist, empty; leave nothing behind and say which file could not be written
    unlinkQuietly(tmp);
    throw naming(err, `cannot create lock ${path}: writing ${tmp} failed`);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (errCode(err) === 'EEXIST') return false;
    throw new Error(`cannot create lock ${path}: ${(err as Error).message}`);
  } finally {
    unlinkQuietly(tmp);
  }
}

function readHolder(path: string): Holder | 'gone' {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return 'gone';
    throw err;
  }
  return { raw, info: parseInfo(raw) };
}

function parseInfo(raw: string): LockInfo | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.hostname === 'string' && typeof v.startedAt === 'string' && typeof v.token === 'string') {
      const identity = {
        ...(typeof v.processStart === 'string' ? { processStart: v.processStart } : {}),
        ...(typeof v.bootId === 'string' ? { bootId: v.bootId } : {}),
      };
      return { pid: v.pid, hostname: v.hostname, owner: String(v.owner ?? 'unknown'), startedAt: v.startedAt, token: v.token, ...identity };
    }
  } catch {
    // fall through: not a lock file we wrote
  }
  return undefined;
}

/** Why the lock is stale, or undefined when its holder may still be working. */
function staleReason(holder: Holder, maxAgeMs: number, now = Date.now()): string | undefined {
  const info = holder.info;
  // We create locks atomically with their content, so an unreadable one was not written by a live papersift.
  if (!info) return 'unreadable lock file';
  const age = now - Date.parse(info.startedAt);
  if (!Number.isFinite(age)) return `invalid start time "${info.startedAt}"`;
  const gone = info.hostname === hostname() ? goneReason(info) : undefined;
  if (gone) return gone;
  if (age > maxAgeMs) return `lock is ${Math.round(age / 1000)} s old (max age ${Math.round(maxAgeMs / 1000)} s)`;
  return undefined;
}

/** Removes a stale lock, but only the exact lock we judged stale, and only one process at a time. */
async function breakStale(path: string, stale: Holder, reason: string, logger: Logger): Promise<void> {
  const breaker = `${path}.break`;
  const me = lockInfo('lock recovery');
  if (!(tryCreate(breaker, me))) {
    clearDeadBreaker(breaker, logger);
    await sleep(20);
    return; // someone else is breaking it; the caller re-examines the lock
  }
  try {
    const now = readHolder(path);
    if (now !== 'gone' && now.raw === stale.raw) {
      unlinkSync(path);
      const who = stale.info ? `pid ${stale.info.pid} on ${stale.info.hostname} (${stale.info.owner}), taken ${stale.info.startedAt}` : 'unknown holder';
      logger.warn({ lock: path, holder: stale.info, reason }, `recovered stale lock ${path}: ${reason}; was held by ${who}`);
    }
  } finally {
    unlinkQuietly(breaker);
  }
}

function clearDeadBreaker(breaker: string, logger: Logger): void {
  const holder = readHolder(breaker);
  if (holder === 'gone') return;
  const st = statOrUndefined(breaker);
  const old = st ? Date.now() - st.mtimeMs > BREAKER_MAX_AGE_MS : false;
  const dead = holder.info ? holder.info.hostname === hostname() && goneReason(holder.info) !== undefined : false;
  if (!old && !dead) return;
  const now = readHolder(breaker);
  if (now !== 'gone' && now.raw === holder.raw) {
    unlinkQuietly(breaker);
    logger.warn({ lock: breaker }, `removed abandoned lock-recovery file ${breaker}`);
  }
}

function heldLock(path: string, info: LockInfo): Lock {
  const isHeld = async () => {
    const h = readHolder(path);
    return h !== 'gone' && h.info?.token === info.token;
  };
  return {
    path,
    info,
    isHeld,
    async release() {
      if (!(await isHeld())) return;
      try {
        unlinkSync(path);
      } catch (err) {
        if (errCode(err) !== 'ENOENT') throw err;
      }
    },
  };
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone, or it never was written
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
