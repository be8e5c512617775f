// Where a transformers.js model's files are on disk. Kept apart from transformers.ts so that choosing an embedder
// (select.ts) and checking model files (`papersift models check`) never load @huggingface/transformers and its
// onnxruntime: only opening a transformers embedder does.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { requiredModelFiles, type Dtype } from './models.js';

/** Describes the files a model directory would be loaded from and which are missing. */
export interface ModelLocation {
  dir?: string;
  searchedDirs: string[];
  missingFiles: string[];
}

async function fileExists(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Finds a directory holding every file feature extraction needs for this model and dtype: `<localModelPath>/<model>`
 * (a pre-downloaded model root) first, then `<modelsDir>/<model>` (where downloads go).
 */
export async function locateModel(model: string, dtype: Dtype, modelsDir: string, localModelPath?: string): Promise<ModelLocation> {
  const searchedDirs = [...new Set([join(localModelPath ?? modelsDir, model), join(modelsDir, model)])];
  let firstMissing: string[] | undefined;
  for (const dir of searchedDirs) {
    const present = await Promise.all(requiredModelFiles(dtype).map((f) => fileExists(join(dir, f))));
    const missing = requiredModelFiles(dtype).filter((_, i) => !present[i]);
    if (missing.length === 0) return { dir, searchedDirs, missingFiles: [] };
    firstMissing ??= missing;
  }
  return { searchedDirs, missingFiles: firstMissing ?? [] };
}
