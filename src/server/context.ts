// What every route sees: the Hono env (per-request variables) and the shared route context.
import type { Context } from 'hono';
import type { SearchFilters } from '../search/types.js';
import type { ApiSchemas } from './schemas.js';
import type { Lease, ServiceState, Snapshot } from './state.js';
import type { DocumentWriter } from './documents.js';
import type { ExpensiveRequests } from './limit.js';
import { badRequest, notReady } from './errors.js';
import { listParam } from './schemas.js';

export type AppEnv = {
  Variables: {
    requestId: string;
    lease?: Lease;
  };
};

export interface RouteContext {
  schemas: ApiSchemas;
  state: ServiceState;
  documents?: DocumentWriter;
  apiKey?: string;
  maxBodyBytes: number;
  retryAfterSeconds: number;
  /** The cap on concurrent expensive requests, which pages doing expensive work count against too. */
  expensive: ExpensiveRequests;
}

/** The snapshot this request pinned (see the `pin` middleware in app.ts), or a 503 when none is served yet. */
export function snapshotOf(c: Context<AppEnv>, ctx: RouteContext): Snapshot {
  const lease = c.get('lease');
  if (lease) return lease.snapshot;
  const status = ctx.state.status();
  throw notReady(`the index is not ready: ${status.ready ? 'unknown' : status.reason}`, ctx.retryAfterSeconds);
}

/** Query-string filters (category/source may repeat or be comma-separated) as engine filters. */
export function filtersFromQuery(q: { category?: string | string[]; source?: string | string[]; from?: string; to?: string }): SearchFilters {
  const filters: SearchFilters = {};
  const category = listParam(q.category);
  const source = listParam(q.source);
  if (category) filters.category = category;
  if (source) filters.source = source;
  if (q.from) filters.from = q.from;
  if (q.to) filters.to = q.to;
  checkDateRange(filters);
  return filters;
}

export function checkDateRange(f: SearchFilters): void {
  if (f.from && f.to && f.from > f.to) throw badRequest(`invalid query parameter "from": ${f.from} is after "to" (${f.to})`);
}
