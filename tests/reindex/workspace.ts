// A reindex workspace for tests: writable copies of the seed newsletters as the source directory, a data
// directory whose models/ links the generated test model, and helpers to run `scripts/reindex.ts` as a real
// process and to fingerprint the data directory.
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile, chmod, lstat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { testModel } from '../helpers/test-model.js';
import { loadConfig, type Config } from '../../src/config.js';
import { DICTIONARY_DIR, openDictionary } from '../../src/lang/dictionary.js';
import { MODELS_CACHE } from '../../src/eval/seed-engine.js';

export const ROOT = join(import.meta.dirname, '../..');
export const SEEDS = join(ROOT, 'seeds');

export interface Workspace {
  root: string;
  sources: string;
  data: string;
  env: NodeJS.ProcessEnv;
  config(over?: Partial<Config>): Config;
}

/** Fresh sources (copies of the seeds) and an empty data directory set up for the generated test model. */
export async function createWorkspace(): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'papersift-reindex-'));
  const sources = join(root, 'sources');
  const data = join(root, 'data');
  await mkdir(sources, { recursive: true });
  for (const f of await readdir(SEEDS)) {
    await cp(join(SEEDS, f), join(sources, f));
    await chmod(join(sources, f), 0o644); // the seeds are read-only; tests edit their copies
  }
  const { dir, model } = testModel();
  await mkdir(dirname(join(data, 'models', model)), { recursive: true });
  await symlink(dir, join(data, 'models', model));
  // the quality gate opens the project dictionary: link the converted one instead of converting it per workspace
  await openDictionary({ modelsDir: MODELS_CACHE });
  await symlink(join(MODELS_CACHE, DICTIONARY_DIR), join(data, 'models', DICTIONARY_DIR));
  return workspaceAt(root);
}

/** A copy of a workspace (sources and data; the model link stays a link), to start tests from one built state. */
export async function cloneWorkspace(ws: Workspace): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'papersift-reindex-'));
  await cp(ws.root, root, { recursive: true, verbatimSymlinks: true });
  return workspaceAt(root);
}

function workspaceAt(root: string): Workspace {
  const sources = join(root, 'sources');
  const data = join(root, 'data');
  const env = {
    PAPERSIFT_EMBEDDER: testModel().model,
    PAPERSIFT_OFFLINE: 'true',
    PAPERSIFT_DTYPE: 'q8',
    PAPERSIFT_SOURCES: sources,
    PAPERSIFT_DATA: data,
    PAPERSIFT_LOG_LEVEL: 'warn',
  };
  return { root, sources, data, env, config: (over = {}) => loadConfig(over, env) };
}

/** The workspaces one test file makes, removed together by removeAll() (in afterAll). */
export function workspaces() {
  const made: Workspace[] = [];
  const keep = (ws: Workspace) => (made.push(ws), ws);
  return {
    fresh: async () => keep(await createWorkspace()),
    clone: async (ws: Workspace) => keep(await cloneWorkspace(ws)),
    /** A fresh workspace with the seeds ingested and generation 1 live, built by one real reindex run. */
    async built(): Promise<Workspace> {
      const ws = keep(await createWorkspace());
      const out = await runReindexProcess(ws);
      if (out.code !== 0) throw new Error(`initial reindex exited ${out.code}:\n${out.stderr}`);
      return ws;
    },
    async removeAll() {
      for (const ws of made.splice(0)) await rm(ws.root, { recursive: true, force: true });
    },
  };
}

export interface RunOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx scripts/reindex.ts` (one process, so its pid is the reindex's own). */
export function startReindex(ws: Workspace, args: string[] = [], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<RunOutput>; paused: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/reindex.ts'), '--no-progress', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...ws.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  let onPause: (pid: number) => void = () => {};
  const paused = new Promise<number>((resolve) => (onPause = resolve));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    const m = /PAPERSIFT_TEST_PAUSED \w+ pid=(\d+)/.exec(stderr);
    if (m) onPause(Number(m[1]));
  });
  const done = new Promise<RunOutput>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  // a run that ends without pausing must not leave a test waiting forever for the pause
  void done.then((out) => onPause(-1 * (out.code ?? 1)));
  return { child, done, paused };
}

export function runReindexProcess(ws: Workspace, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunOutput> {
  return startReindex(ws, args, env).done;
}

/** Starts a run that stops at a test pause point; resolves once it is there, with its pid. */
export async function runUntilPaused(ws: Workspace, point: 'embedding' | 'writing' | 'switching') {
  const run = startReindex(ws, [], { PAPERSIFT_TEST_PAUSE_AT: point });
  const pid = await run.paused;
  if (pid <= 0) throw new Error(`the run ended (exit ${-pid}) before pausing at ${point}:\n${(await run.done).stderr}`);
  return { ...run, pid };
}

/** sha256 of every file under dir (relative path -> hash), symlinks recorded by target, some paths left out. */
export async function fingerprint(dir: string, skip: (rel: string) => boolean = () => false): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      const rel = relative(dir, full);
      if (skip(rel)) continue;
      if (e.isDirectory()) await walk(full);
      else if ((await lstat(full)).isSymbolicLink()) out[rel] = 'symlink';
      else out[rel] = createHash('sha256').update(await readFile(full)).digest('hex');
    }
  };
  await walk(dir);
  return out;
}

export async function readCurrent(ws: Workspace): Promise<string> {
  return (await readFile(join(ws.data, 'CURRENT'), 'utf8')).trim();
}

/** Rewrites one English abstract sentence in a source copy, so exactly one paper's text changes. */
export async function editAbstract(ws: Workspace, from = 'We introduce a self-supervised vision representation model BEIT', to = 'We present BEIT, a self-supervised vision representation model'): Promise<void> {
  const file = join(ws.sources, 'daily-arxiv-2021-06.txt');
  const text = await readFile(file, 'utf8');
  if (!text.includes(from)) throw new Error(`editAbstract: "${from}" is not in ${file}`);
  await writeFile(file, text.replace(from, to));
}
