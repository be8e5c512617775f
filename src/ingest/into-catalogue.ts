// Ingesting newsletter files and uploaded texts into the catalogue. Every document is parsed before anything is
// committed; documents that fail are reported and never touch the catalogue; unchanged documents are not re-parsed.
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, isAbsolute } from 'node:path';
import pLimit from 'p-limit';
import { parseDocument, readDocumentFile, sha256 } from './document.js';
import { IngestError } from './errors.js';
import type { Catalogue, DocumentRecord, FileStat, IngestReport, IngestWarning } from '../catalogue/types.js';

const DOCUMENT_EXTENSIONS = new Set(['.txt', '.md']);
/** Source files stat'ed or read at once: enough to keep the file system busy, few enough for any descriptor limit. */
const FILES_AT_ONCE = 16;

export interface IngestOptions {
  /**
   * Remove catalogue documents that were read from files under the given paths but are no longer there
   * (the nightly reindex). Documents uploaded as text, or read from elsewhere, are never removed.
   */
  removeMissing?: boolean;
}

type Outcome =
  | { kind: 'parsed'; record: DocumentRecord; warnings: IngestWarning[] }
  | { kind: 'unchanged'; name: string; papers: number }
  // same content, but the file was touched or moved: its record takes the new path and stat (not a change)
  | { kind: 'restat'; record: DocumentRecord }
  | { kind: 'failed'; name: string; error: string };

/** Ingests files and directories (read recursively for *.txt and *.md); each file is one document named by its base name. */
export async function ingestPaths(catalogue: Catalogue, paths: string[], opts: IngestOptions = {}): Promise<IngestReport> {
  const roots = paths.map((p) => resolve(p));
  const { files, errors } = await listDocumentFiles(roots);
  const known = new Map(catalogue.documents().map((d) => [d.name, d]));
  const claimed = new Map<string, string>();
  // files are looked at several at a time (a nightly run finds hundreds, nearly all unchanged: one stat each, which
  // one after another wait an event-loop turn each), their outcomes kept in file order: new documents enter the
  // catalogue in that order
  const limit = pLimit(FILES_AT_ONCE);
  const looked = files.map((file): Outcome | Promise<Outcome> => {
    const name = basename(file);
    const other = claimed.get(name);
    if (other) return { kind: 'failed', name: file, error: `${file}: document name "${name}" is already used by ${other}; rename one of them` };
    claimed.set(name, file);
    return limit(() => ingestFile(file, known.get(name)));
  });
  const outcomes: Outcome[] = [...errors.map((e): Outcome => ({ kind: 'failed', name: e.path, error: e.message })), ...(await Promise.all(looked))];
  // Removing is only safe when every source was readable and held documents: an unmounted or emptied
  // directory must not wipe the catalogue.
  const canRemove = errors.length === 0 && files.length > 0;
  const remove = opts.removeMissing && canRemove ? missingDocuments(catalogue.documents(), roots, new Set(claimed.keys())) : [];
  const report = await commitOutcomes(catalogue, outcomes, remove);
  if (opts.removeMissing && !canRemove)
    report.warnings.push({ file: roots.join(', '), line: 0, message: 'no documents were removed: some paths could not be read or held no .txt/.md files' });
  return report;
}

/** Ingests one uploaded document. Throws IngestError (naming the document) if it cannot be parsed. */
export async function ingestText(catalogue: Catalogue, name: string, text: string): Promise<IngestReport> {
  const docName = name.trim();
  if (!docName || docName !== basename(docName) || docName.startsWith('.'))
    throw new IngestError(name || '(unnamed)', 'document name must be a plain file name (no directories, not hidden)');
  const existing = catalogue.documents().find((d) => d.name === docName);
  if (existing && existing.sha256 === sha256(text)) return commitOutcomes(catalogue, [{ kind: 'unchanged', name: docName, papers: existing.items.length }], []);
  const { record, warnings } = parseDocument(docName, text);
  return commitOutcomes(catalogue, [{ kind: 'parsed', record, warnings }], []);
}

async function ingestFile(file: string, known: DocumentRecord | undefined): Promise<Outcome> {
  try {
    const now = await fileStat(file);
    // size and modification time as recorded: not read again (the test make and rsync use; an edit that keeps both
    // is missed, e.g. one restored with its old mtime: `touch` the file to have it read)
    if (known && now && known.path === file && sameStat(known.stat, now)) return { kind: 'unchanged', name: known.name, papers: known.items.length };
    const { name, text } = await readDocumentFile(file);
    const stat = now ? { stat: now } : {};
    if (known && known.sha256 === sha256(text)) return { kind: 'restat', record: { ...known, path: file, ...stat } };
    const { record, warnings } = parseDocument(name, text);
    return { kind: 'parsed', record: { ...record, path: file, ...stat }, warnings };
  } catch (err) {
    if (err instanceof IngestError) return { kind: 'failed', name: basename(file), error: `${file}${err.line ? `:${err.line}` : ''}: ${err.reason}` };
    throw err;
  }
}

async function fileStat(file: string): Promise<FileStat | undefined> {
  const s = await stat(file).catch(() => undefined); // unreadable: reading it says why
  return s && { size: s.size, mtimeMs: s.mtimeMs };
}

const sameStat = (a: FileStat | undefined, b: FileStat) => a !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;

async function commitOutcomes(catalogue: Catalogue, outcomes: Outcome[], remove: string[]): Promise<IngestReport> {
  const upsert = outcomes.flatMap((o) => (o.kind === 'parsed' || o.kind === 'restat' ? [o.record] : []));
  const report = await catalogue.commit({ upsert, remove });
  const unchanged = outcomes.flatMap((o) => (o.kind === 'unchanged' ? [{ name: o.name, status: 'unchanged' as const, papers: o.papers }] : []));
  const failed = outcomes.flatMap((o) => (o.kind === 'failed' ? [{ name: o.name, status: 'failed' as const, papers: 0, error: o.error }] : []));
  return {
    ...report,
    documents: [...report.documents, ...unchanged, ...failed],
    warnings: [...report.warnings, ...outcomes.flatMap((o) => (o.kind === 'parsed' ? o.warnings : []))],
  };
}

/** File-sourced documents under one of the roots whose file was not found this time. */
function missingDocuments(docs: DocumentRecord[], roots: string[], found: Set<string>): string[] {
  const under = (path: string) => roots.some((r) => path === r || isInside(r, path));
  return docs.filter((d) => d.path !== undefined && under(d.path) && !found.has(d.name)).map((d) => d.name);
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Files named directly, plus *.txt/*.md under directories (recursively, sorted, skipping hidden entries). */
async function listDocumentFiles(roots: string[]): Promise<{ files: string[]; errors: { path: string; message: string }[] }> {
  const files: string[] = [];
  const errors: { path: string; message: string }[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      // follow symlinks to files and directories (a newsletter archive may be linked in)
      const kind = e.isSymbolicLink() ? await stat(full).catch(() => undefined) : e;
      if (kind?.isDirectory()) await walk(full);
      else if (kind?.isFile() && DOCUMENT_EXTENSIONS.has(extname(e.name).toLowerCase())) files.push(full);
    }
  };
  for (const root of roots) {
    const info = await stat(root).catch((err: NodeJS.ErrnoException) => err);
    if (info instanceof Error) errors.push({ path: root, message: `${root}: ${info.code === 'ENOENT' ? 'no such file or directory' : info.message}` });
    else if (info.isDirectory()) await walk(root);
    else files.push(root);
  }
  return { files: [...new Set(files)], errors }; // a file named directly and via its directory is read once
}
