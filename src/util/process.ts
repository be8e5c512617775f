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
