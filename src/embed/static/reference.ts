// The reference corpus the sentence statistics are fitted on: the titles and summaries of the repository's
// seed newsletters (seeds/), read with the ingest parser. It belongs to the build (versioned with the code),
// not to the catalogue being indexed, so the embedder stays fixed while papers come and go.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { parseDocument } from '../../ingest/document.ts';

export const SEEDS_DIR = fileURLToPath(new URL('../../../seeds/', import.meta.url));

export interface ReferenceCorpus {
  texts: string[];
  sha256: string; // of the seed files, recorded in model.json so changed seeds trigger a rebuild
}

async function seedFiles(dir: string): Promise<{ name: string; text: string }[]> {
  const names = await readdir(dir).catch((e: Error) => {
    throw new Error(`static embedder reference corpus: cannot read ${dir} (${e.message})`);
  });
  const files = [];
  for (const name of names.filter((n) => n.endsWith('.txt')).sort()) files.push({ name, text: await readFile(join(dir, name), 'utf8') });
  if (files.length === 0) throw new Error(`static embedder reference corpus: no .txt newsletters in ${dir}`);
  return files;
}

/** Hash of the seed files' names and contents: cheap enough to check on every open. */
export async function referenceFingerprint(dir = SEEDS_DIR): Promise<string> {
  const h = createHash('sha256');
  for (const f of await seedFiles(dir)) h.update(`${f.name}\u0000${f.text}\u0000`);
  return h.digest('hex');
}

export async function readReferenceCorpus(dir = SEEDS_DIR): Promise<ReferenceCorpus> {
  const texts: string[] = [];
  for (const { name, text } of await seedFiles(dir)) {
    for (const p of parseDocument(name, text).record.items) {
      for (const t of [p.title.en, p.title.zh, p.summary.en, p.summary.zh]) if (t) texts.push(t);
    }
  }
  if (texts.length === 0) throw new Error(`static embedder reference corpus: no papers parsed from ${dir}`);
  return { texts, sha256: await referenceFingerprint(dir) };
}
