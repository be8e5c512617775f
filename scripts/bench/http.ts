// HTTP benchmark (autocannon, loopback only): GET /api/search requests/s and p50/p99 latency at concurrency 1, 10
// and 50 against the real service over a data dir built from the seeds (static embedder, HNSW, hybrid search),
// next to two yardsticks measured in the same run: a bare node:http endpoint (what Node itself can do) and Hono's
// /health (framework + middleware cost without search). The servers run in a child process so autocannon's own
// event loop does not compete with them; the ratio column is req/s relative to node:http at the same concurrency.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './options.js';
import { measure, type Autocannon } from './lib/load.js';

const require = createRequire(import.meta.url);
const ROLE_ENV = 'PAPERSIFT_BENCH_HTTP_ROLE';
const CONCURRENCY = [1, 10, 50];
// a realistic mix: Chinese, English, mixed, an id lookup; autocannon cycles through them per connection
const QUERIES = ['少样本学习', 'contrastive learning', '蛋白质结构预测', 'transformer 时序', '图神经网络', 'prompt tuning', '2209.11055', '自监督 预训练'];

interface Ports {
  hono: number;
  bare: number;
}


/** Child role: the service over a seeded data dir plus a bare node:http server; reports both ports. */
async function serveRole(): Promise<void> {
  const { serve } = await import('@hono/node-server');
  // the test fixture builds a seeded data dir exactly as a first `npm start` would (shared static model tables)
  const { seededService } = await import('../../tests/server/fixture.js');
  const service = await seededService();
  const body = JSON.stringify({ status: 'ok' });
  const bare: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const hono = await new Promise<Server>((resolve) => {
    const srv = serve({ fetch: service.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv as Server));
  });
  const ports: Ports = { hono: (hono.address() as AddressInfo).port, bare: (bare.address() as AddressInfo).port };
  process.send!(ports);
  process.once('disconnect', () => {
    bare.close();
    hono.close();
    void service.close().finally(() => process.exit(0));
  });
}

function startServers(): Promise<{ child: ChildProcess; ports: Ports }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [ROLE_ENV]: 'server' },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (ports) => resolve({ child, ports: ports as Ports }));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code} before listening`)));
  });
}

export default async function httpBench(opts: BenchOptions): Promise<void> {
  const autocannon = require('autocannon') as Autocannon;
  const seconds = opts.quick ? 2 : 8;
  const { child, ports } = await startServers();
  try {
    const hono = `http://127.0.0.1:${ports.hono}`;
    const bare = `http://127.0.0.1:${ports.bare}`;
    const search = QUERIES.map((q) => `/api/search?q=${encodeURIComponent(q)}&limit=10`);
    console.log(`loopback, ${seconds} s per run after a 1 s warm-up on the same connections; /api/search cycles ${QUERIES.length} queries (zh, en, mixed, id), hybrid mode, limit 10`);
    console.log('req/s and latencies are steady state; "connect ms": until every connection had its first answer (excluded, see measure())');
    console.log('| endpoint | concurrency | req/s | p50 ms | p99 ms | max ms | connect ms | req/s vs node:http |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of CONCURRENCY) {
      const base = await measure(autocannon, bare, ['/'], c, seconds);
      const health = await measure(autocannon, hono, ['/health'], c, seconds);
      const s = await measure(autocannon, hono, search, c, seconds);
      for (const [name, r] of [['node:http (bare)', base], ['hono GET /health', health], ['hono GET /api/search', s]] as const) {
        const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
        console.log(`| ${name} | ${c} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${ms(r.rampMs)} | ${(r.rps / base.rps).toFixed(3)} |`);
      }
    }
  } finally {
    child.disconnect();
    await new Promise((r) => child.once('exit', r));
  }
}

if (process.env[ROLE_ENV] === 'server') await serveRole();
