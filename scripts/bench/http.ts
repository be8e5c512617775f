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
import { percentile } from './lib/stats.js';

const require = createRequire(import.meta.url);
const ROLE_ENV = 'PAPERSIFT_BENCH_HTTP_ROLE';
const CONCURRENCY = [1, 10, 50];
// a realistic mix: Chinese, English, mixed, an id lookup; autocannon cycles through them per connection
const QUERIES = ['少样本学习', 'contrastive learning', '蛋白质结构预测', 'transformer 时序', '图神经网络', 'prompt tuning', '2209.11055', '自监督 预训练'];

interface Ports {
  hono: number;
  bare: number;
}

interface Histogram {
  average: number;
  p50: number;
  p99: number;
}
interface AutocannonResult {
  requests: Histogram;
  latency: Histogram;
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

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

interface AutocannonInstance {
  on(event: 'response', fn: (client: unknown, status: number, bytes: number, responseTime: number) => void): void;
}

/**
 * One autocannon run on `connections` connections: a warm-up (JIT, lexical caches), then `seconds` measured on the
 * same, already-open connections. Opening the connections is reported apart (`rampMs`: until every connection had
 * its first answer) because it is slow on a busy server: libuv accepts one connection per event-loop turn (since
 * libuv 1.45, libuv/libuv#3696) and each turn serves every open connection first, so the c-th connection's first
 * request waits ~c^2/2 requests' service time. A fresh autocannon run per measurement used to put that ramp (0.9 s
 * at c=50 with 2 s runs) into the p99.
 */
async function measure(autocannon: Autocannon, url: string, paths: string[], connections: number, seconds: number) {
  const warmupMs = 1000;
  const requests = paths.map((path) => ({ method: 'GET', path }));
  const done: [at: number, latency: number][] = [];
  const answered = new Set<unknown>();
  let rampMs = NaN;
  const started = performance.now();
  const run = autocannon({ url, connections, duration: warmupMs / 1000 + seconds, requests });
  (run as unknown as AutocannonInstance).on('response', (client, _status, _bytes, latency) => {
    const at = performance.now() - started;
    done.push([at, latency]);
    if (!answered.has(client) && answered.add(client).size === connections) rampMs = at;
  });
  const r = await run;
  if (r.non2xx || r.errors || r.timeouts) throw new Error(`${url}${paths[0]}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  if (Number.isNaN(rampMs)) throw new Error(`${url}${paths[0]}: only ${answered.size} of ${connections} connections were ever answered`);
  // steady state: answers after the warm-up and after every connection is open
  const from = Math.max(warmupMs, rampMs);
  const steady = done.filter(([at]) => at >= from);
  const end = steady.length ? steady[steady.length - 1]![0] : from;
  const latencies = steady.map(([, latency]) => latency);
  return { rps: steady.length / ((end - from) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100), rampMs };
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
