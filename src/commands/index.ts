// `papersift index [--full]`: builds or incrementally updates the HNSW index from the catalogue and prints a summary.
import { Command } from 'commander';
import { dataPaths } from '../config.js';
import { openCatalogue } from '../catalogue/lowdb.js';
import { openEmbedder } from '../embed/select.js';
import { buildIndex, type BuildResult } from '../index/build.js';
import { openGenerationStore } from '../index/generations.js';
import { withDataLock } from '../reindex/lock.js';
import { settleStagedCatalogue } from '../reindex/staging.js';
import { createProgress } from '../util/progress.js';
import { commandConfig, commandLogger } from './context.js';

export function indexCommand(): Command {
  return new Command('index')
    .description('Embed the catalogue\'s papers and build (or incrementally update) the HNSW search index')
    .option('--full', 'rebuild the index from scratch instead of updating the current generation (vectors still come from the embedding cache)')
    .option('--no-switch', 'write the new generation but leave CURRENT (the served one) unchanged')
    .option('--embedder <id>', 'auto | static | a transformers.js model id (env PAPERSIFT_EMBEDDER); a change re-embeds everything')
    .option('--json', 'print the build result as JSON')
    .addHelpText(
      'after',
      '\nEach build writes a new generation under <data>/generations/<n>/ and then switches <data>/CURRENT to it,\n' +
        'so a failed or interrupted build leaves the previous index in service. The embedder is chosen by\n' +
        '--embedder / PAPERSIFT_EMBEDDER, PAPERSIFT_DTYPE and PAPERSIFT_OFFLINE. With auto (the default) an existing\n' +
        'index keeps the embedder it was built with; naming another one rebuilds the index in full.\n' +
        'Run `papersift ingest <paths>` first to fill the catalogue.\n',
    )
    .action(async (opts: { full?: boolean; switch: boolean; json?: boolean; embedder?: string }, cmd: Command) => {
      const config = commandConfig(cmd, opts.embedder ? { embedder: opts.embedder } : {});
      const logger = commandLogger(config);
      // the data lock serialises this with ingest, uploads and the nightly reindex
      const { result, reason, embedderId } = await withDataLock(
        config,
        async () => {
          await settleStagedCatalogue(config, openGenerationStore(config.dataDir), logger); // a killed upload's leftovers first
          const cataloguePath = dataPaths(config.dataDir).catalogue;
          const catalogue = await openCatalogue(cataloguePath);
          if (catalogue.papers().length === 0) {
            throw new Error(`the catalogue (${cataloguePath}) has no papers: run \`papersift ingest <newsletter files or directories>\` first`);
          }
          const built = await openGenerationStore(config.dataDir).recordedEmbedder();
          const { embedder, reason } = await openEmbedder(config, { logger, progress: createProgress(), ...(built ? { built } : {}) });
          try {
            const result = await buildIndex({ config, catalogue, embedder, full: opts.full ?? false, switchTo: opts.switch, progress: createProgress(), logger });
            return { result, reason, embedderId: embedder.info.id };
          } finally {
            await embedder.close();
          }
        },
        { owner: 'papersift index', waitMs: 30_000 },
      );
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatBuild(result, embedderId, reason));
    });
}

export function formatBuild(r: BuildResult, embedderId: string, reason: string): string {
  const how = r.full ? `full build (${r.fullReason})` : `incremental update of generation ${r.previous}`;
  const live = r.switched ? 'now live' : 'written, not switched to (CURRENT unchanged)';
  const lines = [
    `embedder:   ${embedderId} — ${reason}`,
    `generation: ${r.generation}, ${how}; ${live}`,
    `catalogue:  ${r.papers} papers, ${r.views} language views`,
    `vectors:    ${r.embedded} embedded by the model, ${r.reused} from the cache; ${r.added} added, ${r.updated} updated, ${r.removed} removed, ${r.unchanged} unchanged`,
    `index:      ${r.vectors} vectors, ${r.deleted} deleted entries${r.compacted ? ' (compacted)' : ''}`,
    `time:       ${Object.entries(r.ms)
      .map(([k, v]) => `${k} ${v} ms`)
      .join(', ')}`,
  ];
  if (r.pruned.length) lines.push(`pruned:     generations ${r.pruned.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
