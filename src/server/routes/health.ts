// GET /health: ready (a generation is served) or not ready yet (503 + Retry-After), for load balancers and scripts.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, RouteContext } from '../context.js';

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
    if (s.ready) return c.json({ status: 'ready' as const, generation: s.generation, ...(s.degraded ? { degraded: s.degraded } : {}) }, 200);
    c.header('Retry-After', String(ctx.retryAfterSeconds));
    return c.json({ status: 'not ready' as const, reason: s.reason }, 503);
  });
}
