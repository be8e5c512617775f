// `papersift ingest` as a user runs it: output, warnings, exit codes.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ingestCommand } from '../../src/commands/ingest.js';
import { SEEDS_DIR } from './seeds.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The real binary, for what only a process shows (top-level error handling, exit status). */
function papersift(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The ingest command in this process, with the program's global --data flag (fast: no other commands loaded). */
async function ingest(args: string[]): Promise<{ exitCode: number; stdout: string }> {
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  process.exitCode = undefined;
  try {
    const program = new Command().option('--data <dir>').exitOverride().addCommand(ingestCommand());
    await program.parseAsync(['node', 'papersift', ...args]);
    return { exitCode: Number(process.exitCode ?? 0), stdout: out.join('') };
  } finally {
    write.mockRestore();
    process.exitCode = undefined;
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papersift-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('papersift ingest', () => {
  it('ingests the seeds, printing counts and file:line warnings, then reports them unchanged', async () => {
    const data = join(dir, 'data1');
    const first = await ingest(['--data', data, 'ingest', SEEDS_DIR]);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('documents: 5 new, 0 updated, 0 unchanged, 0 removed, 0 failed');
    expect(first.stdout).toContain('papers:    51 new, 0 updated, 0 unchanged, 0 removed (51 in catalogue, 0 combining several documents)');
    expect(first.stdout).toContain('  weekly-pretraining-no52.txt:137: item 9 "有监督预训练!文本生成又一探索!" has no link');
    const second = await ingest(['--data', data, 'ingest', SEEDS_DIR]);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('documents: 0 new, 0 updated, 5 unchanged, 0 removed, 0 failed');
  });

  it('prints the report as JSON with --json', async () => {
    const run = await ingest(['--data', join(dir, 'data4'), 'ingest', '--json', join(SEEDS_DIR, 'daily-arxiv-2022-09.txt')]);
    const report = JSON.parse(run.stdout) as { documents: unknown[]; added: string[] };
    expect(report.documents).toEqual([{ name: 'daily-arxiv-2022-09.txt', status: 'new', papers: 9 }]);
    expect(report.added).toContain('arxiv:2209.11055');
  });

  it('exits 1 naming each file when nothing could be ingested', async () => {
    const empty = join(dir, 'empty.txt');
    const gbk = join(dir, 'gbk.txt');
    await writeFile(empty, '');
    await writeFile(gbk, Buffer.from([0xb1, 0xea, 0xcc, 0xe2]));
    const run = await ingest(['--data', join(dir, 'data2'), 'ingest', empty, gbk]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`  ${empty}: empty file`);
    expect(run.stdout).toContain(`  ${gbk}: not valid UTF-8 (byte 0xb1 at offset 0)`);
  });

  it('exits 1 on a corrupt catalogue, naming it and leaving it untouched (real binary)', async () => {
    const data = join(dir, 'data3');
    const path = join(data, 'catalogue.json');
    await mkdir(data);
    await writeFile(path, '{"version":1,"documents":['); // as a disk-full copy would leave it
    const run = await papersift(['--data', data, 'ingest', SEEDS_DIR]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${path}: corrupt catalogue, not valid JSON`);
    expect(await readFile(path, 'utf8')).toBe('{"version":1,"documents":[');
  });

  it('documents itself in --help', () => {
    const help = ingestCommand().helpInformation();
    expect(help).toMatch(/Usage: ingest \[options\] <paths\.\.\.>/);
    expect(help).toContain('--remove-missing');
    expect(help).toContain('--json');
  });
});
