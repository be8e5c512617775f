// `papersift ingest <file|dir>...`: parse newsletters into the catalogue and print what changed.
import { Command } from 'commander';
import { dataPaths } from '../config.js';
import { ingestPaths } from '../ingest/into-catalogue.js';
import { openCatalogue } from '../catalogue/lowdb.js';
import { withDataLock } from '../reindex/lock.js';
import { settleStagedCatalogue } from '../reindex/staging.js';
import { openGenerationStore } from '../index/generations.js';
import type { IngestReport } from '../catalogue/types.js';
import { commandConfig, commandLogger } from './context.js';

export function ingestCommand(): Command {
  return new Command('ingest')
    .description('Parse newsletter files (weekly 《预训练周刊》 or daily arXiv digests) into the paper catalogue')
    .argument('<paths...>', 'newsletter files, or directories read recursively for *.txt and *.md')
    .option('--remove-missing', 'also remove catalogue documents whose files under these paths are gone')
    .option('--json', 'print the full report as JSON')
    .addHelpText(
      'after',
      '\nEach file is one document, named by its base name. Re-ingesting an unchanged file changes nothing;\n' +
        'an edited file updates the papers it produced. Exit code 0 when anything was ingested (or was already\n' +
        'up to date), 1 when nothing could be ingested or the catalogue could not be opened.\n',
    )
    .action(async (paths: string[], opts: { removeMissing?: boolean; json?: boolean }, cmd: Command) => {
      const config = commandConfig(cmd);
      // the same data lock as the nightly reindex and uploads, so the three never interleave catalogue writes
      const { report, total } = await withDataLock(
        config,
        async () => {
          await settleStagedCatalogue(config, openGenerationStore(config.dataDir), commandLogger(config)); // a killed upload's leftovers first
          const catalogue = await openCatalogue(dataPaths(config.dataDir).catalogue);
          const report = await ingestPaths(catalogue, paths, { removeMissing: opts.removeMissing ?? false });
          return { report, total: catalogue.papers().length };
        },
        { owner: 'papersift ingest', waitMs: 30_000 },
      );
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, total));
      if (!report.documents.some((d) => d.status !== 'failed')) process.exitCode = 1;
    });
}

export function formatReport(report: IngestReport, total: number): string {
  const count = (s: string) => report.documents.filter((d) => d.status === s).length;
  const lines = [
    `documents: ${count('new')} new, ${count('changed')} updated, ${count('unchanged')} unchanged, ${count('removed')} removed, ${count('failed')} failed`,
    `papers:    ${report.added.length} new, ${report.updated.length} updated, ${report.unchanged.length} unchanged, ${report.removed.length} removed` +
      ` (${total} in catalogue, ${report.merged.length} combining several documents)`,
  ];
  if (report.warnings.length) lines.push(`warnings (${report.warnings.length}):`, ...report.warnings.map((w) => `  ${w.file}:${w.line}: ${w.message}`));
  const failed = report.documents.filter((d) => d.status === 'failed');
  if (failed.length) lines.push(`failed (${failed.length}):`, ...failed.map((d) => `  ${d.error}`));
  if (report.documents.length === 0) lines.push('no .txt or .md documents found');
  return `${lines.join('\n')}\n`;
}
