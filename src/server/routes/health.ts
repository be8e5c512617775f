// GET /health (liveness + readiness) and GET /api/stats (what is being served).
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, RouteContext } from '../context.js';
import { snapshotOf } from '../context.js';
import { errorResponses } from './common.js';

export function registerHealth(app: OpenAPIHono<AppEnv>, ctx: RouteContext): void {
  const route = createRoute({
    method: 'get',
    path: '/health',
    tags: ['service'],
    summary: 'Ready (200) or not ready yet (503 with Retry-After)',
    responses: {
      200: { description: 'Serving an index generation', content: { 'application/json': { schema: ctx.schemas.HealthResponse } } },
      503: { description: 'Not ready (building or loading the index)', content: { 'application/json': { schema: ctx.schemas.HealthResponse } } },
    },
  });
  app.openapi(route, (c) => {
    const s = ctx.state.status();
    if (s.ready) return c.json({ status: 'ready' as const, generation: s.generation }, 200);
    c.header('Retry-After', String(ctx.retryAfterSeconds));
    return c.json({ status: 'not ready' as const, reason: s.reason }, 503);
  });
}

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
        loadedAt: snap.loadedAt.toISOString(),
        categories: snap.papers.categoryCounts(),
      },
      200,
    );
  });
}
