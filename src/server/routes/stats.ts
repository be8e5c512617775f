// GET /api/stats: what is being served (counts, embedder, index generation and its age).
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, RouteContext } from '../context.js';
import { snapshotOf } from '../context.js';
import { errorResponses } from './common.js';

export function registerStats(app: OpenAPIHono<AppEnv>, ctx: RouteContext): void {
  const route = createRoute({
    method: 'get',
    path: '/api/stats',
    tags: ['service'],
    summary: 'Counts, embedder, index generation and its age',
    responses: {
      200: { description: 'Statistics of the served generation', content: { 'application/json': { schema: ctx.schemas.StatsResponse } } },
      ...errorResponses(503),
    },
  });
  app.openapi(route, (c) => {
    const snap = snapshotOf(c, ctx);
    const builtMs = snap.builtAt ? Date.parse(snap.builtAt) : NaN;
    return c.json(
      {
        papers: snap.papers.size,
        documents: snap.documents,
        vectors: snap.vectors,
        embedder: { id: snap.embedder.id, dimensions: snap.embedder.dimensions },
        generation: {
          name: snap.generation,
          ...(snap.builtAt ? { builtAt: snap.builtAt } : {}),
          ...(Number.isFinite(builtMs) ? { ageSeconds: Math.max(0, Math.round((Date.now() - builtMs) / 1000)) } : {}),
        },
        ...(snap.degraded ? { degraded: snap.degraded } : {}),
        loadedAt: snap.loadedAt.toISOString(),
        categories: snap.papers.categoryCounts(),
      },
      200,
    );
  });
}
