import { readFileSync } from 'node:fs';

/**
 * Whether a process with this pid may exist on this host. Only ESRCH proves it is gone; anything else (EPERM: it
 * belongs to another user) counts as alive, so a lock or a half-written directory is never taken from a live owner.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * When the process with this pid started, in clock ticks since boot (field 22 of /proc/<pid>/stat), as a string;
 * undefined where there is no /proc (not Linux) or no such process. A pid names one process only together with
 * its start time: after the holder died, the same pid can belong to another process (a container restarted in
 * place runs its server as pid 1 again).
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may contain spaces and parentheses: count fields after its closing ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22 overall: fields[0] is field 3
  } catch {
    return undefined;
  }
}

let cachedBootId: string | undefined | null = null;

/** This boot's random id (Linux), so a pid recorded before a reboot is never taken for a live process after it. */
export function bootId(): string | undefined {
  if (cachedBootId === null) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      cachedBootId = undefined;
    }
  }
  return cachedBootId;
}

/** A process as recorded by something it owns (a lock, a partial directory): pid plus, where known, start and boot. */
export interface ProcessIdentity {
  pid: number;
  processStart?: string;
  bootId?: string;
}

export function ownIdentity(): ProcessIdentity {
  const start = processStartTime(process.pid);
  const boot = bootId();
  return { pid: process.pid, ...(start ? { processStart: start } : {}), ...(boot ? { bootId: boot } : {}) };
}

/**
 * Why the recorded process is certainly gone (on this host), or undefined when it may still run. Records without a
 * start time or boot id (older files, other systems) are judged by the pid alone.
 */
export function goneReason(who: ProcessIdentity): string | undefined {
  const boot = bootId();
  if (who.bootId && boot && who.bootId !== boot) return `holder pid ${who.pid} ran before the host rebooted`;
  if (!processAlive(who.pid)) return `holder pid ${who.pid} is not running`;
  if (who.processStart) {
    const now = processStartTime(who.pid);
    if (now !== undefined && now !== who.processStart) return `holder pid ${who.pid} is not running (the pid now belongs to a process started later)`;
  }
  return undefined;
}

/**
 * Under `npm start` / `npm run reindex` npm is this process's parent (the scripts `exec` node, so no shell sits in
 * between): npm forwards SIGTERM/SIGINT, but a `kill -9` of npm cannot be forwarded and would leave this process
 * running, holding the port or the data lock. So when npm started us and we are orphaned, act as on SIGTERM.
 * Outside npm (a supervisor, nohup) outliving the parent is intended, so nothing is watched.
 */
export function followNpmParent(intervalMs = 500): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.stderr.write(`papersift: npm (pid ${parent}) is gone; stopping as on SIGTERM\n`);
    process.kill(process.pid, 'SIGTERM');
  }, intervalMs);
  timer.unref();
}
