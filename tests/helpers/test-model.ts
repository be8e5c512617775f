// How tests reach the generated tiny BERT model (built once per run by tests/global-setup.ts).
import { inject } from 'vitest';
import { openTransformersEmbedder, type TransformersEmbedderOptions } from '../../src/embed/transformers.js';
import type { ModelSettings } from '../../src/embed/models.js';
import type { Embedder } from '../../src/embed/types.js';

/** `modelsDir` + `model` of the generated test model, for openTransformersEmbedder or a Config. */
export function testModel(): { modelsDir: string; model: string } {
  return { modelsDir: inject('testModelsDir'), model: inject('testModelId') };
}

/** e5-style settings (query/passage prefixes, mean pooling), so tests exercise the default model's code path. */
export const E5_STYLE: Partial<ModelSettings> = { pooling: 'mean', queryPrefix: 'query: ', passagePrefix: 'passage: ' };

/** Opens the test model through the production code path (offline, q8 by default). */
export function openTestEmbedder(over: Partial<Omit<TransformersEmbedderOptions, 'settings'>> & { settings?: Partial<ModelSettings> } = {}): Promise<Embedder> {
  const { settings, ...rest } = over;
  return openTransformersEmbedder({ ...testModel(), dtype: 'q8', offline: true, ...rest, settings: { ...E5_STYLE, ...settings } });
}
