// Loads the seed newsletters the way the ingest pipeline does.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, readDocumentFile } from '../../src/ingest/document.js';

export const SEEDS_DIR = fileURLToPath(new URL('../../seeds/', import.meta.url));

export async function parseSeed(file: string) {
  const { name, text } = await readDocumentFile(join(SEEDS_DIR, file));
  return parseDocument(name, text);
}
