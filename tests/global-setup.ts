// Builds shared, expensive fixtures once per test run: the generated tiny BERT test model. It is cached under
// node_modules/.cache/papersift/test-model-<hash of parameters + corpus + generator code>/, so reruns are instant
// and any change to the generator produces a fresh model.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureTestModel, seedCorpus } from '../scripts/testmodel/generate.js';
import { TINY } from '../scripts/testmodel/params.js';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

declare module 'vitest' {
  export interface ProvidedContext {
    /** transformers.js model root holding the generated test model (pass as `modelsDir`). */
    testModelsDir: string;
    /** The generated test model's id under testModelsDir (pass as `model`). */
    testModelId: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const model = await ensureTestModel(join(REPO_ROOT, 'node_modules', '.cache', 'papersift'), TINY, await seedCorpus(join(REPO_ROOT, 'seeds')));
  project.provide('testModelsDir', model.modelsDir);
  project.provide('testModelId', model.model);
}
