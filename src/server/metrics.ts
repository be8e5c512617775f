// GET /metrics in the Prometheus text format (prom-client): requests per route and status with latency
// histograms, what is being served (generation, its age, papers, vectors, readiness), the last reindex's outcome
// and duration (from its JSON report), and the process's own metrics. One registry per app: no global state.
import { readFile } from 'node:fs/promises';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppEnv } from './context.js';
import type { ServiceState } from './state.js';
import type { PhaseListener } from '../search/engine.js';

export interface ServiceMetrics {
  registry: Registry;
  /** Counts and times every request under its route pattern (/api/papers/:id), not its URL. */
  middleware: MiddlewareHandler<AppEnv>;
}

export interface MetricsOptions {
  state: ServiceState;
  /** Search phase timings the engines report (see SearchPhases); exported once registered here. */
  phases?: SearchPhases;
  /** The reindex report (<data>/reindex-report.json) whose outcome and duration are exported, if any. */
  reindexReport?: string;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const OUTCOMES = ['switched', 'nothing-to-do', 'gate-refused', 'lock-held', 'error'];

/**
 * Time per retrieval phase (query embedding, HNSW, BM25, fusion) of every search. Engines are built by the data dir
 * source before the app exists, so they report into `listener`; the app's registry exports the histogram.
 */
export class SearchPhases {
  private histogram?: Histogram<'phase'>;
  readonly listener: PhaseListener = (phase, ms) => this.histogram?.observe({ phase }, ms / 1000);
  register(registry: Registry): void {
    this.histogram = new Histogram({
      name: 'papersift_search_phase_duration_seconds',
      help: 'time per retrieval phase of a search: embed (query embedding), hnsw, bm25, fusion (and confidence)',
      labelNames: ['phase'] as const,
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers: [registry],
    });
  }
}

export function createMetrics(o: MetricsOptions): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'papersift_http_requests_total', help: 'HTTP requests by route pattern and status', labelNames, registers: [registry] });
  const latency = new Histogram({
    name: 'papersift_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern and status (until the response headers are ready)',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  registerServingGauges(registry, o.state);
  o.phases?.register(registry);
  if (o.reindexReport) registerReindexGauges(registry, o.reindexReport);

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now();
    await next();
    // the handler's pattern, also when a middleware answered for it (a 304); unknown URLs must not mint a label each
    const handler = matchedRoutes(c).filter((r) => r.method !== 'ALL').at(-1);
    const route = handler?.path ?? 'unmatched';
    const labels = { method: c.req.method, route, status: String(c.res.status) };
    requests.inc(labels);
    latency.observe(labels, (performance.now() - started) / 1000);
  };
  return { registry, middleware };
}

/**
 * Read at scrape time from the snapshot being served (a lease, so a swap cannot dispose it meanwhile); 0 while
 * nothing is served (prom-client always shows a gauge without labels), which papersift_ready tells apart.
 */
function registerServingGauges(registry: Registry, state: ServiceState): void {
  const gauge = (name: string, help: string, read: (s: NonNullable<ReturnType<ServiceState['acquire']>>['snapshot']) => number | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        const lease = state.acquire();
        if (!lease) return;
        try {
          const v = read(lease.snapshot);
          if (v !== undefined && Number.isFinite(v)) this.set(v);
        } finally {
          lease.release();
        }
      },
    });
  new Gauge({
    name: 'papersift_ready',
    help: '1 when an index generation is served, 0 while not ready',
    registers: [registry],
    collect() {
      this.set(state.status().ready ? 1 : 0);
    },
  });
  gauge('papersift_generation', 'Number of the index generation being served', (s) => Number(s.generation));
  gauge('papersift_generation_age_seconds', 'Seconds since the served generation was built', (s) => (s.builtAt ? (Date.now() - Date.parse(s.builtAt)) / 1000 : undefined));
  gauge('papersift_papers', 'Papers in the served generation', (s) => s.papers.size);
  gauge('papersift_vectors', 'Vectors (language views) in the served index', (s) => s.vectors);
}

interface ReportFields {
  outcome?: string;
  totalMs?: number;
  finishedAt?: string;
}

/** The last reindex as its report file says (before the first run: no outcome series, zeros). Each gauge reads the tiny file. */
function registerReindexGauges(registry: Registry, path: string): void {
  const read = () => readFile(path, 'utf8').then((t) => JSON.parse(t) as ReportFields, () => undefined);
  new Gauge({
    name: 'papersift_reindex_last_outcome',
    help: 'Outcome of the last reindex run: 1 for its outcome label, 0 for the others',
    labelNames: ['outcome'],
    registers: [registry],
    async collect() {
      const report = await read();
      this.reset();
      if (report?.outcome) for (const outcome of OUTCOMES) this.set({ outcome }, report.outcome === outcome ? 1 : 0);
    },
  });
  new Gauge({
    name: 'papersift_reindex_last_duration_seconds',
    help: 'Duration of the last reindex run',
    registers: [registry],
    async collect() {
      const report = await read();
      this.reset();
      if (typeof report?.totalMs === 'number') this.set(report.totalMs / 1000);
    },
  });
  new Gauge({
    name: 'papersift_reindex_last_finished_timestamp_seconds',
    help: 'When the last reindex run finished (Unix time)',
    registers: [registry],
    async collect() {
      const report = await read();
      this.reset();
      const t = report?.finishedAt ? Date.parse(report.finishedAt) / 1000 : NaN;
      if (Number.isFinite(t)) this.set(t);
    },
  });
}
