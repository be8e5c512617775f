// GET /api/papers (browse) and GET /api/papers/:id (one paper by canonical id, arXiv id or DOI).
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Paper } from '../../catalogue/types.js';
import type { AppEnv, RouteContext } from '../context.js';
import { filtersFromQuery, snapshotOf } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { MAX_ID_CHARS, PaperSchema } from '../schemas.js';
import { errorResponses } from './common.js';

/** Resolves a paper reference against the pinned snapshot or throws 404 naming the reference. */
export function paperOr404(c: Context<AppEnv>, ctx: RouteContext, ref: string): Paper {
  if (ref.length > MAX_ID_CHARS) throw badRequest(`invalid path parameter "id": longer than ${MAX_ID_CHARS} characters`);
  const paper = snapshotOf(c, ctx).papers.resolve(ref);
  if (!paper) {
    throw notFound(`no paper "${ref}" in the catalogue (use a canonical id like arxiv:2209.11055, a bare arXiv id, or a DOI)`, { id: ref });
  }
  return paper;
}

export function registerPapers(app: OpenAPIHono<AppEnv>, ctx: RouteContext): void {
  const browse = createRoute({
    method: 'get',
    path: '/api/papers',
    tags: ['papers'],
    summary: 'Browse the catalogue (newest first)',
    request: { query: ctx.schemas.BrowseQuery },
    responses: {
      200: { description: 'A page of papers', content: { 'application/json': { schema: ctx.schemas.BrowseResponse } } },
      ...errorResponses(400, 503),
    },
  });
  app.openapi(browse, (c) => {
    const q = c.req.valid('query');
    const all = snapshotOf(c, ctx).papers.browse(filtersFromQuery(q));
    return c.json({ total: all.length, limit: q.limit, offset: q.offset, results: all.slice(q.offset, q.offset + q.limit) }, 200);
  });

  const one = createRoute({
    method: 'get',
    path: '/api/papers/{id}',
    tags: ['papers'],
    summary: 'One paper by canonical id (arxiv:2209.11055), bare arXiv id, or DOI (URL-encode the slash: 10.1101%2F...)',
    request: { params: ctx.schemas.PaperParams },
    responses: {
      200: { description: 'The paper', content: { 'application/json': { schema: PaperSchema } } },
      ...errorResponses(400, 404, 503),
    },
  });
  app.openapi(one, (c) => c.json(paperOr404(c, ctx, c.req.valid('param').id), 200));
}

/**
 * DOIs contain slashes; clients that do not URL-encode them send /api/papers/10.1101/2022.01.01. These raw
 * routes (registered after the documented ones, so single-segment ids never reach them) accept that form.
 */
export function registerUnencodedDoiPaths(app: OpenAPIHono<AppEnv>, ctx: RouteContext, related: (c: Context<AppEnv>, ref: string) => Promise<Response>): void {
  app.get('/api/papers/:prefix/:rest{.+}/related', (c) => related(c, `${c.req.param('prefix')}/${c.req.param('rest')}`));
  app.get('/api/papers/:prefix/:rest{.+}', (c) => c.json(paperOr404(c, ctx, `${c.req.param('prefix')}/${c.req.param('rest')}`), 200));
}
