// The static embedder's model for tests: built once into a cache shared by test files and runs (the build
// reads 300 MB of word vectors, seconds of work), then loaded per test file in well under a second.
import { join } from 'node:path';
import { ensureStaticModel } from '../../src/embed/static/index.ts';
import type { LoadedModel } from '../../src/embed/static/model.ts';

export const SHARED_MODELS_DIR = join(process.cwd(), 'node_modules', '.cache', 'papersift', 'models');

export function sharedStaticModel(): Promise<LoadedModel> {
  return ensureStaticModel({ modelsDir: SHARED_MODELS_DIR });
}
