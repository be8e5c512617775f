// `papersift models check [--embedder <id>]`: verifies that the files of a transformers.js model are where papersift
// looks (PAPERSIFT_LOCAL_MODELS, then <data>/models) and that they load, without downloading anything.
import { join } from 'node:path';
import { Command } from 'commander';
import { dataPaths, type Config } from '../config.js';
import { checkModel, type ModelCheck } from '../embed/check.js';
import { DEFAULT_MODEL, requiredModelFiles, type Dtype } from '../embed/models.js';
import { openGenerationStore } from '../index/generations.js';
import { readManifest } from '../index/manifest.js';
import { commandConfig } from './context.js';

export function modelsCommand(): Command {
  const models = new Command('models').description('Check the embedding model files (for machines without access to the Hugging Face Hub)');
  models
    .command('check')
    .description('Verify that a model\'s files are present, parse and load (exit 1 naming missing or corrupt files); downloads nothing')
    .option('--embedder <id>', 'model to check: a transformers.js model id, or auto (env PAPERSIFT_EMBEDDER; auto = the one the index was built with, else the default model)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `\nA model directory is <root>/<model id>/ with these files (root = PAPERSIFT_LOCAL_MODELS, then <data>/models):\n` +
        `  ${requiredModelFiles('q8').slice(0, 3).join(', ')}, and the ONNX file for PAPERSIFT_DTYPE:\n` +
        `  q8: ${requiredModelFiles('q8').at(-1)}, fp32: ${requiredModelFiles('fp32').at(-1)}, fp16: ${requiredModelFiles('fp16').at(-1)}, q4: ${requiredModelFiles('q4').at(-1)}\n`,
    )
    .action(async (flags: { embedder?: string; json?: boolean }, cmd: Command) => {
      const config = commandConfig(cmd, flags.embedder ? { embedder: flags.embedder } : {});
      const target = await modelToCheck(config);
      if (target === 'static') {
        process.stdout.write('the static embedder needs no model download: it is built from npm packages on first use\n');
        return;
      }
      const check = await checkModel(target.model, target.dtype, { modelsDir: dataPaths(config.dataDir).models, ...(config.localModels ? { localModels: config.localModels } : {}) });
      process.stdout.write(flags.json ? `${JSON.stringify(check, null, 2)}\n` : formatCheck(check));
      if (check.problems.length) process.exitCode = 1;
    });
  return models;
}

/** The configured model; for auto, the one the live index was built with, else the default model. */
async function modelToCheck(config: Config): Promise<{ model: string; dtype: Dtype } | 'static'> {
  if (config.embedder === 'static') return 'static';
  if (config.embedder !== 'auto') return { model: config.embedder, dtype: config.dtype };
  const store = openGenerationStore(config.dataDir);
  const name = store.current();
  const built = name ? (await readManifest(join(store.dir, name))).embedder : undefined;
  if (!built) return { model: DEFAULT_MODEL, dtype: config.dtype };
  if (built.id.startsWith('static:')) return 'static';
  const s = built.settings as { model: string; dtype: Dtype };
  return { model: s.model, dtype: s.dtype };
}

function formatCheck(c: ModelCheck): string {
  const lines = [`model ${c.model} (dtype ${c.dtype})`];
  for (const s of c.searched) lines.push(`  ${s.dir}: ${s.missing.length ? `missing ${s.missing.join(', ')}` : 'complete'}`);
  for (const f of c.files) lines.push(`    ${f.file} ${f.bytes} bytes`);
  if (c.problems.length) lines.push('problems:', ...c.problems.map((p) => `  ${p}`));
  else lines.push(`ok: loads from ${c.dir} as ${c.embedder!.id} (${c.embedder!.dimensions}-d)`);
  return `${lines.join('\n')}\n`;
}
