// `npm run reindex [-- flags]`: the nightly reindex, the same command as `papersift reindex` (src/commands/reindex.ts).
// Run it from cron or a systemd timer; see docs/reindex.md for flags and exit codes.
import { reindexCommand } from '../src/commands/reindex.js';
import { ExitCode } from '../src/reindex/exit-codes.js';
import { followNpmParent } from '../src/util/process.js';

followNpmParent();

const cmd = reindexCommand()
  .option('--data <dir>', 'data directory (env PAPERSIFT_DATA, default ./index-data)')
  .option('--log-level <level>', 'log level: fatal|error|warn|info|debug (env PAPERSIFT_LOG_LEVEL, default warn)');

try {
  await cmd.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`reindex: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = ExitCode.Error;
}
// The embedder's native runtime may keep handles open; the run is finished and its output flushed.
process.exit(process.exitCode ?? 0);
