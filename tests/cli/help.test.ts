// Every command in the README's command table answers --help with exit 0, printing usage and doing nothing else:
// no data written (PAPERSIFT_DATA is an empty directory that must stay empty), no benchmark or evaluation started.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/dist.js';

const ROOT = join(import.meta.dirname, '../..');

/** The commands of the README's "## Commands" table: each code span of the first column, up to its arguments. */
function readmeCommands(): string[][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Commands\n/m)[1]!.split(/^## /m)[0]!;
  const firstCells = section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split(/(?<!\\)\|/)[1]!);
  return firstCells.flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => takeWhile(m[1]!.split(/\s+/), (w) => /^[\w:.-]+$/.test(w) && !w.startsWith('-'))));
}

function takeWhile<T>(xs: T[], ok: (x: T) => boolean): T[] {
  const i = xs.findIndex((x) => !ok(x));
  return i < 0 ? xs : xs.slice(0, i);
}

/** `npm …` runs through npm (as a user would), `papersift …` through the CLI entry point. */
function invocation(words: string[]): [string, string[]] {
  if (words[0] === 'npm') return ['npm', [...words.slice(1), '--', '--help']];
  if (words[0] === 'papersift') return [process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...words.slice(1), '--help']];
  throw new Error(`README command table: "${words.join(' ')}" is neither an npm script nor a papersift command`);
}

const commands = readmeCommands();
let data: string;
beforeAll(async () => {
  ensureBuilt(); // `npm start` runs dist/
  data = await mkdtemp(join(tmpdir(), 'papersift-help-'));
}, 300_000);
afterAll(() => rm(data, { recursive: true, force: true }));

describe('--help for every command in the README', () => {
  it('finds the table', () => {
    expect(commands.map((c) => c.join(' '))).toEqual(expect.arrayContaining(['npm start', 'papersift serve', 'npm run bench', 'npm run eval', 'papersift models check']));
  });

  it.each(commands.map((c) => [c.join(' '), c] as const))('%s --help', (_, words) => {
    const [cmd, args] = invocation(words);
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, PAPERSIFT_DATA: data } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/usage|options/i);
    expect(r.stdout).not.toMatch(/^## /m); // bench prints "## <section>" before running one
    expect(readdirSync(data)).toEqual([]);
  });
});
