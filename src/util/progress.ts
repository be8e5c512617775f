import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, label: string): void;
  tick(n?: number): void;
  stop(): void;
}

/** A no-op progress sink for tests and quiet runs. */
export const noProgress: Progress = { start() {}, tick() {}, stop() {} };

/**
 * Count, rate and ETA on stderr. On a TTY it redraws one line; elsewhere (cron, CI) it prints a line at most
 * every five seconds so logs stay readable.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  let done = 0;
  return {
    start(total, label) {
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label} [{bar}] {value}/{total} {percentage}% | {rate}/s | ETA {eta_formatted}`,
          noTTYOutput: !stream.isTTY,
          notTTYSchedule: 5000,
          etaBuffer: 50,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      started = Date.now();
      done = 0;
      bar.start(total, 0, { rate: '0.0' });
    },
    tick(n = 1) {
      if (!bar) return;
      done += n;
      const secs = Math.max((Date.now() - started) / 1000, 1e-3);
      bar.increment(n, { rate: (done / secs).toFixed(1) });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
