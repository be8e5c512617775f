#!/usr/bin/env node
// papersift command line. Each command lives in its own module under src/commands/ and registers itself here.
import { Command } from 'commander';
import { ConfigError } from './config.js';
import { ingestCommand } from './commands/ingest.js';
import { indexCommand } from './commands/index.js';
import { serveCommand } from './commands/serve.js';
import { reindexCommand } from './commands/reindex.js';
import { modelsCommand } from './commands/models.js';
import { followNpmParent } from './util/process.js';

followNpmParent();

const program = new Command()
  .name('papersift')
  .description('Semantic search and recommendations over Chinese/English ML paper newsletters')
  .option('--data <dir>', 'data directory (env PAPERSIFT_DATA, default ./index-data)')
  .option('--log-level <level>', 'log level: fatal|error|warn|info|debug|trace|silent (env PAPERSIFT_LOG_LEVEL, default warn)')
  .showHelpAfterError();

// Commands are registered by their modules (src/commands/*.ts).
program.addCommand(ingestCommand());
program.addCommand(indexCommand());
program.addCommand(serveCommand());
program.addCommand(reindexCommand());
program.addCommand(modelsCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`papersift: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? err.exitCode : 1); // 2 = bad configuration, as for bad flags
});
