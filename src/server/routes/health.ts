// GET /health: ready (a generation is served) or not ready yet (503 + Retry-After), for load balancers and scripts.
// GET /health/live: the process is up and answering (liveness), whatever the index is doing; for restart policies.
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
  const live = createRoute({
    method: 'get',
    path: '/health/live',
    tags: ['service'],
    summary: 'Liveness: 200 while the process answers, also before an index is ready',
    responses: { 200: { description: 'The process is up', content: { 'application/json': { schema: ctx.schemas.LiveResponse } } } },
  });
  app.openapi(live, (c) => c.json({ status: 'live' as const, uptimeSeconds: Math.round(process.uptime()) }, 200));
  app.openapi(route, (c) => {
    const s = ctx.state.status();
    if (s.ready) return c.json({ status: 'ready' as const, generation: s.generation, ...(s.degraded ? { degraded: s.degraded } : {}) }, 200);
    c.header('Retry-After', String(ctx.retryAfterSeconds));
    return c.json({ status: 'not ready' as const, reason: s.reason }, 503);
  });
}
