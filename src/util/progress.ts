import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number, label: string): void;
  tick(n?: number): void;
  stop(): void;
}

/** A no-op progress sink for tests and quiet runs. */
export const noProgress: Progress = { start() {}, tick() {}, stop() {} };

/**
 * Count, rate and ETA on stderr, redrawn in place, only when stderr is a terminal: in cron mail, CI and log files
 * bars are noise (each command prints its summary anyway), so elsewhere this is `noProgress`.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return noProgress;
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  let done = 0;
  return {
    start(total, label) {
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label} [{bar}] {value}/{total} {percentage}% | {rate}/s | ETA {eta_formatted}`,
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
