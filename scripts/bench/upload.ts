// Upload under load (issue 12, item 5): POST /api/documents while autocannon keeps 50 connections busy with
// GET /api/search, against the real service over a seeded data dir (static embedder) in a child process. Reports
// each upload's time, one idle upload, and search p50/p99 idle vs during the uploads. On a 2-vCPU machine autocannon
// itself takes a core: compare runs side by side, never one absolute number. BENCH_UPLOAD_BASELINE=<another checkout>
// (e.g. a `git worktree` of main, with node_modules) measures that checkout's service too, alternating with this
// one's in the same run, so a change is compared with its baseline under the same machine load.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './options.js';

const require = createRequire(import.meta.url);
const ROLE_ENV = 'PAPERSIFT_BENCH_UPLOAD_ROLE';
const UPLOADS = 4;
/** Rounds per checkout when comparing with a baseline (alternating, so drifting machine load hits both). */
const ROUNDS = 2;

interface Result {
  latency: { p50: number; p99: number };
  requests: { average: number };
  non2xx: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<Result>;

/** Child role: the service (documents enabled, builder warmed up) on a free loopback port. */
async function serveRole(): Promise<void> {
  const { serve } = await import('@hono/node-server');
  const { seededService } = await import('../../tests/server/fixture.js');
  const service = await seededService();
  const srv = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: service.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  process.send!((srv.address() as AddressInfo).port);
  process.once('disconnect', () => void service.close().finally(() => process.exit(0)));
}

const doc = (i: number) =>
  `LG - 机器学习\n\n转自爱可可爱生活\n\n摘要:负载下的上传${i}\n\n \n\n1、[LG] Uploads Under Load Number ${i}\n\nA Author\n[Example University]\n` +
  `负载下的上传研究${i}。本文研究了方法。\n\nWe study uploads under load number ${i} and evaluate them.\n\nhttps://arxiv.org/abs/2402.${String(10000 + i)}\n\n \n`;

async function upload(base: string, key: string, i: number): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${base}/api/documents?name=load-${i}.txt`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain' }, body: doc(i) });
  if (res.status !== 200) throw new Error(`upload ${i}: HTTP ${res.status} ${await res.text()}`);
  return performance.now() - t;
}

/** Starts the service of the checkout holding `script` (this file, or its copy in a baseline checkout). */
async function startService(script: string): Promise<{ port: number; stop: () => void }> {
  const child = fork(script, [], { env: { ...process.env, [ROLE_ENV]: 'server' }, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (p) => resolve(p as number));
    child.once('exit', (code) => reject(new Error(`bench server ${script} exited with ${code} before listening`)));
  });
  return { port, stop: () => child.disconnect() };
}

/** One round against one checkout's service: a table row. */
async function measure(autocannon: Autocannon, script: string, label: string): Promise<string> {
  const { API_KEY } = await import('../../tests/server/fixture.js');
  const { port, stop } = await startService(script);
  try {
    const base = `http://127.0.0.1:${port}`;
    const url = `${base}/api/search?q=${encodeURIComponent('pre-training language model')}&limit=10`;
    await upload(base, API_KEY, 0); // the builder's first job opens the embedder: not what this measures
    const idle = await autocannon({ url, connections: 50, duration: 8 });
    const loaded = autocannon({ url, connections: 50, duration: 20 });
    await new Promise((r) => setTimeout(r, 2000));
    const times: number[] = [];
    for (let i = 1; i <= UPLOADS; i++) times.push(await upload(base, API_KEY, i));
    const during = await loaded;
    const quiet = await upload(base, API_KEY, UPLOADS + 1);
    const ms = (x: number) => x.toFixed(0);
    return `| ${label} | ${times.map(ms).join(', ')} | ${ms(Math.max(...times))} | ${ms(quiet)} | ${idle.latency.p50} / ${idle.latency.p99} | ${during.latency.p50} / ${during.latency.p99} | ${(during.latency.p99 / idle.latency.p99).toFixed(2)} |`;
  } finally {
    stop();
  }
}

export default async function bench(_opts: BenchOptions): Promise<void> {
  const autocannon = require('autocannon') as Autocannon;
  const self = fileURLToPath(import.meta.url);
  const baseline = process.env.BENCH_UPLOAD_BASELINE;
  const checkouts: [script: string, label: string][] = [[self, 'this checkout']];
  if (baseline) checkouts.unshift([join(resolve(baseline), 'scripts', 'bench', 'upload.ts'), `baseline ${baseline}`]);
  const rows: string[] = [];
  for (let round = 0; round < (baseline ? ROUNDS : 1); round++) for (const [script, label] of checkouts) rows.push(await measure(autocannon, script, label));
  console.log(`${UPLOADS} sequential uploads (one paper each) while autocannon keeps 50 connections busy with GET /api/search; then one idle upload`);
  console.log('| service | uploads under c=50 search load, ms | worst ms | idle upload ms | search p50 / p99 idle ms | search p50 / p99 during uploads ms | p99 during / idle |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(rows.join('\n'));
}

if (process.env[ROLE_ENV] === 'server') await serveRole();
