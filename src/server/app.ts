// The HTTP service: createApp(deps) wires middleware and routes around injected dependencies (no globals),
// so tests drive it through app.request() and the serve command through a real listener.
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { Context, MiddlewareHandler } from 'hono';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { AppEnv, RouteContext } from './context.js';
import type { DocumentWriter } from './documents.js';
import type { ServiceState } from './state.js';
import { SearchInputError } from '../search/errors.js';
import { ApiError, errorBody, respondError, type ErrorCode } from './errors.js';
import { apiSchemas, describeIssues } from './schemas.js';
import { registerSearch } from './routes/search.js';
import { registerPapers, registerUnencodedDoiPaths } from './routes/papers.js';
import { registerRelated } from './routes/related.js';
import { registerRecommend } from './routes/recommend.js';
import { registerDocuments } from './routes/documents.js';
import { registerHealth } from './routes/health.js';
import { registerStats } from './routes/stats.js';
import { registerOpenApi } from './routes/openapi.js';
import { registerWeb } from './web/routes.js';
import { allowedMethods, conditionalReads, methodNotAllowed, securityHeaders } from './conventions.js';
import { rateLimit } from './rate-limit.js';
import { expensiveRequests } from './limit.js';
import { compression } from './compression.js';
import { createMetrics, type SearchPhases } from './metrics.js';

export type ServerConfig = Pick<Config, 'apiKey' | 'corsOrigin' | 'maxQueryChars' | 'maxLimit' | 'maxBodyBytes' | 'rateLimit'> & Partial<Pick<Config, 'maxConcurrentExpensive'>>;

export interface AppDeps {
  config: ServerConfig;
  state: ServiceState;
  logger: Logger;
  /** Handles POST /api/documents; without it the endpoint answers 403. */
  documents?: DocumentWriter;
  /** Retry-After for 503 answers while not ready. Default 5 s. */
  retryAfterSeconds?: number;
  /** The reindex report file whose last outcome and duration GET /metrics exports. */
  reindexReport?: string;
  /** Search phase timings reported by the engines (GET /metrics). */
  phases?: SearchPhases;
}

export function createApp(deps: AppDeps) {
  const { config, state, logger } = deps;
  const expensive = expensiveRequests(config.maxConcurrentExpensive ?? 2);
  const ctx: RouteContext = {
    schemas: apiSchemas(config),
    state,
    ...(deps.documents ? { documents: deps.documents } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    maxBodyBytes: config.maxBodyBytes,
    retryAfterSeconds: deps.retryAfterSeconds ?? 5,
    expensive,
  };

  const app = new OpenAPIHono<AppEnv>({
    // validation failures: 400 naming each parameter, e.g. invalid query parameter "limit": Too big ...
    defaultHook: (result) => {
      if (!result.success) {
        const where = result.target === 'json' ? 'body field' : result.target === 'param' ? 'path parameter' : `${result.target} parameter`;
        const issues = result.error.issues.map((i) => ({ path: i.path as PropertyKey[], message: i.message, code: i.code }));
        throw new ApiError(400, 'bad_request', describeIssues(where, issues), issues);
      }
    },
  });

  const metrics = createMetrics({ state, ...(deps.reindexReport ? { reindexReport: deps.reindexReport } : {}), ...(deps.phases ? { phases: deps.phases } : {}) });
  app.use(metrics.middleware);
  app.use(compression());
  app.use(requestId());
  app.use(requestLog(logger));
  app.use(securityHeaders());
  const corsMw = corsMiddleware(config.corsOrigin);
  if (corsMw) {
    app.use('/api/*', corsMw);
    app.use('/openapi.json', corsMw);
  }
  if (config.rateLimit) app.use(rateLimit(config.rateLimit)); // after CORS: browsers can read a 429
  // before the routes (and their body parsing): requests arriving together are counted together
  app.use('/api/recommend', expensive.guard('a recommendation'));
  app.use('/api/papers/*', expensive.guard('a related-papers request', (c) => c.req.path.endsWith('/related')));
  app.use('/api/search', expensive.guard(`a search past result ${DEEP_SEARCH_RESULTS}`, deepSearch));
  app.use('/api/*', pin(state));
  app.use('/paper/*', pin(state));
  app.use('/', pin(state));
  app.use('/feed', pin(state));
  const conditional = conditionalReads(['/api/stats']);
  for (const path of ['/api/*', '/paper/*', '/', '/feed']) app.use(path, conditional);

  registerHealth(app, ctx);
  registerStats(app, ctx);
  registerSearch(app, ctx);
  registerPapers(app, ctx);
  const related = registerRelated(app, ctx);
  registerUnencodedDoiPaths(app, ctx, related);
  registerRecommend(app, ctx);
  registerDocuments(app, ctx);
  registerOpenApi(app);
  registerWeb(app, ctx);

  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }));
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'Cache-Control': 'public, max-age=86400' })); // no icon, and no 404 per page view

  const allow = allowedMethods(app.routes);
  app.notFound((c) => {
    const methods = allow(c.req.path);
    if (methods.length) return respondError(c, methodNotAllowed(c, methods));
    return c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}; see /docs`), 404);
  });
  app.onError((err, c) => {
    // the client went away mid-request (a cancelled upload): nothing failed on our side and nobody reads the answer
    if (isClientAbort(err, c.req.raw)) {
      logger.info({ reqId: c.get('requestId'), method: c.req.method, path: c.req.path, reason: (err as Error).message }, 'client closed the connection before the request was read');
      return new Response(null, { status: CLIENT_CLOSED });
    }
    if (err instanceof HTTPException && !(err instanceof ApiError)) return respondError(c, fromHttpException(err));
    if (err instanceof SearchInputError) return respondError(c, new ApiError(400, 'bad_request', `invalid parameter "${err.parameter}": ${err.detail}`));
    // expected failures (bad input, not ready) are answers, not faults: only unexpected ones are logged with a stack
    if (!(err instanceof ApiError) || (err.status >= 500 && err.status !== 503)) logger.error({ err, reqId: c.get('requestId') }, 'request failed');
    return respondError(c, err);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;

/** nginx's "client closed request": logged, never sent (the connection is gone). */
const CLIENT_CLOSED = 499;

/** Node's http server fails a body read with "aborted" / ECONNRESET when the client disconnects mid-body. */
function isClientAbort(err: unknown, req: Request): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return req.signal.aborted || (e?.code === 'ECONNRESET' && e.message === 'aborted');
}

/**
 * Pins the served snapshot for the whole request, so a generation swap mid-request cannot pull the engine
 * away; requests that arrive before anything is served proceed without one and answer 503.
 */
function pin(state: ServiceState): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('lease')) return next();
    const lease = state.acquire();
    if (!lease) return next();
    c.set('lease', lease);
    try {
      await next();
    } finally {
      lease.release();
    }
  };
}

/**
 * One structured line per request with its id, at info level, so quiet by default (warn). No per-request child
 * logger: at the default level the line costs one level check.
 */
function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const level = status >= 500 && status !== 503 ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const ms = Math.round((performance.now() - started) * 10) / 10;
    logger[level]({ reqId: c.get('requestId'), method: c.req.method, path: c.req.path, status, ms }, 'request');
  };
}

/**
 * PAPERSIFT_CORS_ORIGIN: "*" (any), a comma-separated origin list, or "" / "none" to send no CORS headers.
 *
 * Preflights (OPTIONS) go to Hono's cors(). Other requests get the same headers from here, written with c.header()
 * before the handler runs: Hono's cors() writes them onto c.res before calling next(), which creates a placeholder
 * response, and replacing that placeholder with the handler's response makes Hono re-wrap it through its body
 * stream (the node adapter then pumps every JSON answer through a web ReadableStream): ~15% of a search request's
 * CPU under load. Headers set before next() land in the handler's response directly.
 */
function corsMiddleware(origin: string): MiddlewareHandler | undefined {
  const o = origin.trim();
  if (!o || o === 'none') return undefined;
  const any = o === '*';
  const allowed = any ? [] : o.split(',').map((s) => s.trim());
  const exposeHeaders = ['X-Request-Id', 'Retry-After'];
  const preflight = cors({
    origin: any ? '*' : allowed,
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders,
    maxAge: 600,
  });
  const expose = exposeHeaders.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const requested = c.req.header('origin') ?? '';
    const allowOrigin = any ? '*' : allowed.includes(requested) ? requested : undefined;
    if (allowOrigin) c.header('Access-Control-Allow-Origin', allowOrigin);
    c.header('Access-Control-Expose-Headers', expose);
    if (!any) c.header('Vary', 'Origin', { append: true });
    await next();
  };
}

function fromHttpException(err: HTTPException): ApiError {
  const codes: Record<number, ErrorCode> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large', 415: 'unsupported_media_type' };
  const status = err.status as ApiError['status'];
  const message =
    status === 415
      ? 'unsupported Content-Type: send application/json (or text/plain where the endpoint says so)'
      : /json/i.test(err.message)
        ? `invalid body: malformed JSON (${err.message})`
        : err.message || 'bad request';
  return new ApiError(status, codes[status] ?? (status >= 500 ? 'internal' : 'bad_request'), message);
}

/** Searches whose page ends past this many results retrieve 2x that deep in both channels: expensive. */
export const DEEP_SEARCH_RESULTS = 100;

function deepSearch(c: Context): boolean {
  const n = (name: string, fallback: number) => Number(c.req.query(name) ?? fallback) || 0;
  return n('offset', 0) + n('limit', 10) > DEEP_SEARCH_RESULTS;
}
