// `papersift reindex` and `npm run reindex` (scripts/reindex.ts): the nightly, cron-safe reindex.
import { Command, InvalidArgumentError, Option } from 'commander';
import { commandConfig, commandLogger } from './context.js';
import { createProgress } from '../util/progress.js';
import { runReindex, DEFAULT_MAX_DROP } from '../reindex/run.js';
import { formatSummary } from '../reindex/report.js';
import { ExitCode } from '../reindex/exit-codes.js';
import { DEFAULT_LOCK_MAX_AGE_MS } from '../reindex/lock.js';

interface ReindexFlags {
  full?: boolean;
  force?: boolean;
  maxDrop: number;
  keep?: number;
  keepMissing?: boolean;
  json?: boolean;
  source?: string[];
  embedder?: string;
  lockMaxAge: number;
  progress: boolean;
}

export function reindexCommand(): Command {
  return new Command('reindex')
    .description('Ingest new/changed newsletters, re-embed what changed, build and switch to a new index generation (cron-safe)')
    .option('--full', 'build a fresh HNSW graph instead of updating the live one (vectors still come from the embedding cache)')
    .option('--max-drop <mrr>', `refuse to switch if hybrid MRR@10 drops by more than this`, number('--max-drop', 0, 1), DEFAULT_MAX_DROP)
    .option('--force', 'switch even if the quality gate refuses')
    .option('--keep <n>', 'generations to keep, the live one included (env PAPERSIFT_KEEP_GENERATIONS, default 3)', integer('--keep', 1))
    .option('--keep-missing', 'keep papers whose only source document disappeared (default: remove them)')
    .option('--source <path...>', 'newsletter directories/files to read (env PAPERSIFT_SOURCES, default ./seeds)')
    .option('--embedder <id>', "embedder: auto | static | a transformers.js model id (env PAPERSIFT_EMBEDDER); a change re-embeds everything")
    .addOption(new Option('--lock-max-age <minutes>', 'a lock older than this is stale even if its pid is alive').argParser(integer('--lock-max-age', 1)).default(DEFAULT_LOCK_MAX_AGE_MS / 60_000))
    .option('--json', 'print the JSON report on stdout instead of the summary')
    .option('--no-progress', 'no progress bars on stderr')
    .addHelpText('after', EXIT_CODES_HELP)
    // bad flags are usage errors (2), distinct from a failed run (1); help exits 0
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : ExitCode.Usage))
    .action(async (flags: ReindexFlags, cmd: Command) => {
      process.exitCode = await reindexAction(flags, cmd);
    });
}

const EXIT_CODES_HELP = `
Exit codes:
  0  switched to a new generation      3  nothing to do (no changes)
  1  error (nothing live was changed)  4  quality gate refused (old generation stays live)
  2  invalid flags or configuration    5  lock held by another run
`;

async function reindexAction(flags: ReindexFlags, cmd: Command): Promise<number> {
  let config;
  try {
    config = commandConfig(cmd, {
      ...(flags.keep !== undefined ? { keepGenerations: flags.keep } : {}),
      ...(flags.source ? { sources: flags.source } : {}),
      ...(flags.embedder ? { embedder: flags.embedder } : {}),
    });
  } catch (err) {
    process.stderr.write(`papersift reindex: ${(err as Error).message}\n`);
    return ExitCode.Usage;
  }
  const logger = commandLogger(config);
  const result = await runReindex(config, {
    full: flags.full ?? false,
    force: flags.force ?? false,
    maxDrop: flags.maxDrop,
    removeMissing: !flags.keepMissing,
    lockMaxAgeMs: flags.lockMaxAge * 60_000,
    logger,
    ...(flags.progress ? { progress: createProgress() } : {}),
  });
  process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : formatSummary(result));
  if (result.outcome === 'error') process.stderr.write(`papersift reindex: ${result.error}\n`);
  return result.exitCode;
}

function number(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}], got "${v}"`);
    return n;
  };
}

function integer(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${v}"`);
    return n;
  };
}
