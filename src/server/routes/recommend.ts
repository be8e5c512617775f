// POST /api/recommend: "more like these" from liked papers (optionally away from disliked ones, plus free text).
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, RouteContext } from '../context.js';
import { checkDateRange, snapshotOf } from '../context.js';
import type { PaperDirectory } from '../papers.js';
import { errorResponses } from './common.js';
import { limitBody } from './body.js';

/** Maps references to canonical ids; references that resolve to nothing are collected as unknown. */
function canonicalise(papers: PaperDirectory, refs: string[] | undefined, unknown: Set<string>): string[] {
  const ids: string[] = [];
  for (const ref of refs ?? []) {
    const p = papers.resolve(ref);
    if (p) ids.push(p.id);
    else unknown.add(ref);
  }
  return [...new Set(ids)];
}

export function registerRecommend(app: OpenAPIHono<AppEnv>, ctx: RouteContext): void {
  const route = createRoute({
    method: 'post',
    path: '/api/recommend',
    tags: ['search'],
    summary: 'Recommend papers like the positive examples (and unlike the negative ones)',
    middleware: [limitBody(ctx.maxBodyBytes)] as const, // behind the cap on expensive requests (app.ts)
    request: { body: { required: true, content: { 'application/json': { schema: ctx.schemas.RecommendBody } } } },
    responses: {
      200: { description: 'Recommendations; ids that resolve to no paper are listed in unknownIds', content: { 'application/json': { schema: ctx.schemas.RecommendResponse } } },
      ...errorResponses(400, 413, 415, 429, 503),
    },
  });
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    if (body.filters) checkDateRange(body.filters);
    const snap = snapshotOf(c, ctx);
    const unknown = new Set<string>();
    const positive = canonicalise(snap.papers, body.positive, unknown);
    const negative = canonicalise(snap.papers, body.negative, unknown);
    const exclude = canonicalise(snap.papers, body.exclude, new Set());
    // nothing known to recommend from: say which ids were not found instead of guessing
    if (positive.length === 0 && !body.text) return c.json({ results: [], unknownIds: [...unknown] }, 200);
    const res = await snap.engine.recommend({ ...body, positive, negative, exclude });
    for (const id of res.unknownIds) unknown.add(id);
    return c.json({ results: res.results, unknownIds: [...unknown] }, 200);
  });
}
