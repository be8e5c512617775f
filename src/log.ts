import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stderr, quiet (warn) by default so stdout stays for command output. */
export function createLogger(level = 'warn'): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}

/** A logger that drops everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
