// GET /api/search: hybrid / semantic / lexical search over the served generation.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, RouteContext } from '../context.js';
import { filtersFromQuery, snapshotOf } from '../context.js';
import { errorResponses } from './common.js';
import { badRequest } from '../errors.js';
import type { FacetName } from '../../search/types.js';

export function registerSearch(app: OpenAPIHono<AppEnv>, ctx: RouteContext): void {
  const route = createRoute({
    method: 'get',
    path: '/api/search',
    tags: ['search'],
    summary: 'Search papers (Chinese, English or mixed queries; arXiv ids and DOIs too)',
    description:
      'Ranks once per query (pages are disjoint slices of one ranking, `total` does not depend on offset or limit). ' +
      'Query syntax inside `q`: `au:Reimers`, `au:"Hangbo Bao"` (abbreviated and full first names match), `ti:transformer`, ' +
      '`cat:CV`, `year:2023` or `year:2021-2023`, `"exact phrase"`, `-exclude` / `-"exclude phrase"`; unknown `xx:` prefixes are ' +
      'plain text. A query of filters only lists the matching papers newest first.',
    request: { query: ctx.schemas.SearchQuery },
    responses: {
      200: { description: 'Ranked hits with explanations', content: { 'application/json': { schema: ctx.schemas.SearchResponse } } },
      ...errorResponses(400, 429, 503),
    },
  });
  app.openapi(route, async (c) => {
    const q = c.req.valid('query');
    const snap = snapshotOf(c, ctx);
    const since = q.since && (await sinceInstant(q.since, ctx));
    const filters = { ...filtersFromQuery(q), ...(since ? { since } : {}) };
    const facets = q.facets?.split(',') as FacetName[] | undefined;
    const res = await snap.engine.search({ q: q.q, mode: q.mode, limit: q.limit, offset: q.offset, sort: q.sort, filters, ...(facets ? { facets } : {}) });
    return c.json(res, 200);
  });
}

/**
 * `since` as the engine takes it: a date or instant as given; a generation number N as the instant generation N was
 * built, since a paper first added in a later generation was first seen (ingested) after that.
 */
async function sinceInstant(since: string, ctx: RouteContext): Promise<string> {
  if (!/^\d+$/.test(since)) return since;
  const builtAt = await ctx.state.generationBuiltAt(since);
  if (!builtAt) throw badRequest(`invalid query parameter "since": generation ${since} is not kept any more (or never existed); give a date or timestamp`);
  return builtAt;
}
