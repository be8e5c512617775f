// How tests reach the generated tiny BERT model (built once per run by tests/global-setup.ts).
import { join } from 'node:path';
import { inject } from 'vitest';
import { openTransformersEmbedder, type TransformersEmbedderOptions } from '../../src/embed/transformers.js';
import type { ModelSettings } from '../../src/embed/models.js';
import type { Embedder } from '../../src/embed/types.js';

/**
 * The generated test model: `modelsDir` + `model` for openTransformersEmbedder (or link `dir` into a data
 * directory's models/ as `<model id>` for openEmbedder), `dir` = the model's own files.
 */
export function testModel(): { modelsDir: string; model: string; dir: string } {
  const modelsDir = inject('testModelsDir');
  const model = inject('testModelId');
  return { modelsDir, model, dir: join(modelsDir, model) };
}

/** e5-style settings (query/passage prefixes, mean pooling), so tests exercise the default model's code path. */
export const E5_STYLE: Partial<ModelSettings> = { pooling: 'mean', queryPrefix: 'query: ', passagePrefix: 'passage: ' };

/** Opens the test model through the production code path (offline, q8 by default). */
export function openTestEmbedder(over: Partial<Omit<TransformersEmbedderOptions, 'settings'>> & { settings?: Partial<ModelSettings> } = {}): Promise<Embedder> {
  const { settings, ...rest } = over;
  const { modelsDir, model } = testModel();
  return openTransformersEmbedder({ modelsDir, model, dtype: 'q8', offline: true, ...rest, settings: { ...E5_STYLE, ...settings } });
}
