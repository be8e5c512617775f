// GET /api/search: hybrid / semantic / lexical search over the served generation.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, RouteContext } from '../context.js';
import { filtersFromQuery, snapshotOf } from '../context.js';
import { errorResponses } from './common.js';

export function registerSearch(app: OpenAPIHono<AppEnv>, ctx: RouteContext): void {
  const route = createRoute({
    method: 'get',
    path: '/api/search',
    tags: ['search'],
    summary: 'Search papers (Chinese, English or mixed queries; arXiv ids and DOIs too)',
    request: { query: ctx.schemas.SearchQuery },
    responses: {
      200: { description: 'Ranked hits with explanations', content: { 'application/json': { schema: ctx.schemas.SearchResponse } } },
      ...errorResponses(400, 503),
    },
  });
  app.openapi(route, async (c) => {
    const q = c.req.valid('query');
    const snap = snapshotOf(c, ctx);
    const res = await snap.engine.search({ q: q.q, mode: q.mode, limit: q.limit, offset: q.offset, filters: filtersFromQuery(q) });
    return c.json(res, 200);
  });
}
