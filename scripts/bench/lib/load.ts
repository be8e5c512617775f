// Measuring an HTTP server under load with autocannon (a dev dependency), shared by the http and scale benchmarks.
import { percentile } from './stats.js';

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
export type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

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
export async function measure(autocannon: Autocannon, url: string, paths: string[], connections: number, seconds: number) {
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

