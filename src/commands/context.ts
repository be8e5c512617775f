import type { Command } from 'commander';
import { loadConfig, type Config, type ConfigOverrides } from '../config.js';
import { createLogger, type Logger } from '../log.js';

/** Config for a command: environment, then global flags (--data, --log-level), then command-specific overrides. */
export function commandConfig(cmd: Command, extra: ConfigOverrides = {}): Config {
  const o = cmd.optsWithGlobals() as { data?: string; logLevel?: string };
  return loadConfig({ ...(o.data ? { dataDir: o.data } : {}), ...(o.logLevel ? { logLevel: o.logLevel } : {}), ...extra });
}

export function commandLogger(config: Config): Logger {
  return createLogger(config.logLevel);
}
