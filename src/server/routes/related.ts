// GET /api/papers/:id/related: papers similar to one paper.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv, RouteContext } from '../context.js';
import { filtersFromQuery, snapshotOf } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { describeIssues } from '../schemas.js';
import { errorResponses } from './common.js';
import { paperOr404 } from './papers.js';

export function registerRelated(app: OpenAPIHono<AppEnv>, ctx: RouteContext): (c: Context<AppEnv>, ref: string) => Promise<Response> {
  const route = createRoute({
    method: 'get',
    path: '/api/papers/{id}/related',
    tags: ['papers'],
    summary: 'Papers related to one paper',
    request: { params: ctx.schemas.PaperParams, query: ctx.schemas.RelatedQuery },
    responses: {
      200: { description: 'The paper and its nearest neighbours', content: { 'application/json': { schema: ctx.schemas.RelatedResponse } } },
      ...errorResponses(400, 404, 429, 503),
    },
  });

  const respond = async (c: Context<AppEnv>, ref: string, q: { limit: number; category?: string | string[]; source?: string | string[]; from?: string; to?: string }) => {
    const paper = paperOr404(c, ctx, ref);
    const res = await snapshotOf(c, ctx).engine.related(paper.id, { limit: q.limit, filters: filtersFromQuery(q) });
    if (!res) throw notFound(`paper "${ref}" is in the catalogue but not in the served index`, { id: ref });
    return c.json(res, 200);
  };

  app.openapi(route, (c) => respond(c, c.req.valid('param').id, c.req.valid('query')));

  // For the unencoded-DOI path form, which bypasses the documented route's validator.
  return (c, ref) => {
    const parsed = ctx.schemas.RelatedQuery.safeParse(c.req.query());
    if (!parsed.success) throw badRequest(describeIssues('query parameter', parsed.error.issues), parsed.error.issues);
    return respond(c, ref, parsed.data);
  };
}
