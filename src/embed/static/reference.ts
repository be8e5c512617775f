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
  sha256: string; // of the texts, recorded in model.json so a changed corpus triggers a rebuild
}

export async function readReferenceCorpus(dir = SEEDS_DIR): Promise<ReferenceCorpus> {
  const names = (await readdir(dir).catch((e: Error) => {
    throw new Error(`static embedder reference corpus: cannot read ${dir} (${e.message})`);
  })).filter((n) => n.endsWith('.txt')).sort();
  const texts: string[] = [];
  for (const name of names) {
    const { record } = parseDocument(name, await readFile(join(dir, name), 'utf8'));
    for (const p of record.items) {
      for (const t of [p.title.en, p.title.zh, p.summary.en, p.summary.zh]) if (t) texts.push(t);
    }
  }
  if (texts.length === 0) throw new Error(`static embedder reference corpus: no papers parsed from ${dir}`);
  return { texts, sha256: createHash('sha256').update(texts.join('\u0000')).digest('hex') };
}
