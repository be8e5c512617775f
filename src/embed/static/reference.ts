// The reference corpus the sentence statistics are fitted on: the titles and summaries of the repository's
// five seed newsletters (seeds/), read with the ingest parser. It belongs to the build (versioned with the code),
// not to the catalogue being indexed, so the embedder stays fixed while papers come and go.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { parseDocument } from '../../ingest/document.ts';

export const SEEDS_DIR = fileURLToPath(new URL('../../../seeds/', import.meta.url));

// The five newsletters shipped with the repository, by name: seeds/ is also the default ingest source, and a
// newsletter a user drops there must not change the embedder (that would force a full re-embed).
export const REFERENCE_FILES = [
  'daily-arxiv-2021-06.txt',
  'daily-arxiv-2022-09.txt',
  'weekly-pretraining-no28.txt',
  'weekly-pretraining-no36.txt',
  'weekly-pretraining-no52.txt',
];

export interface ReferenceCorpus {
  texts: string[];
  sha256: string; // of the seed files, recorded in model.json so changed seeds trigger a rebuild
}

async function seedFiles(dir: string): Promise<{ name: string; text: string }[]> {
  const files = [];
  for (const name of REFERENCE_FILES) {
    const path = join(dir, name);
    const text = await readFile(path, 'utf8').catch((e: Error) => {
      throw new Error(`static embedder reference corpus: cannot read ${path} (${e.message}); it ships with papersift`);
    });
    files.push({ name, text });
  }
  return files;
}

function fingerprint(files: { name: string; text: string }[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.name}\u0000${f.text}\u0000`);
  return h.digest('hex');
}

/** Hash of the seed files' names and contents: cheap enough to check on every open. */
export async function referenceFingerprint(dir = SEEDS_DIR): Promise<string> {
  return fingerprint(await seedFiles(dir));
}

export async function readReferenceCorpus(dir = SEEDS_DIR): Promise<ReferenceCorpus> {
  const files = await seedFiles(dir);
  const texts: string[] = [];
  for (const { name, text } of files) {
    for (const p of parseDocument(name, text).record.items) {
      for (const t of [p.title.en, p.title.zh, p.summary.en, p.summary.zh]) if (t) texts.push(t);
    }
  }
  if (texts.length === 0) throw new Error(`static embedder reference corpus: no papers parsed from ${dir}`);
  return { texts, sha256: fingerprint(files) };
}
