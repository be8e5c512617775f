// Per-client rate limiting (PAPERSIFT_RATE_LIMIT, default 300 requests per 60 s per remote address): a fixed
// window per address, 429 + Retry-After (seconds until the window ends) above it. Loopback clients are exempt
// unless PAPERSIFT_RATE_LIMIT_LOOPBACK: local scripts, and a reverse proxy on the same host (which should limit
// by the real client itself). Health and metrics are never limited: monitoring must not be locked out.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { RateLimit } from '../config.js';
import type { AppEnv } from './context.js';
import { ApiError } from './errors.js';

const EXEMPT = new Set(['/health', '/health/live', '/metrics']);

interface Window {
  started: number;
  count: number;
}

export function rateLimit(limit: RateLimit, now: () => number = Date.now): MiddlewareHandler<AppEnv> {
  const windowMs = limit.windowSeconds * 1000;
  const windows = new Map<string, Window>();
  let swept = now();
  return async (c, next) => {
    const address = remoteAddress(c);
    if (!address || EXEMPT.has(c.req.path) || (!limit.loopback && isLoopback(address))) return next();
    const t = now();
    if (t - swept > windowMs) {
      // forget finished windows once per window, so the map holds only recent clients
      for (const [k, w] of windows) if (t - w.started >= windowMs) windows.delete(k);
      swept = t;
    }
    let w = windows.get(address);
    if (!w || t - w.started >= windowMs) windows.set(address, (w = { started: t, count: 0 }));
    if (++w.count > limit.max) {
      const retryAfter = Math.max(1, Math.ceil((w.started + windowMs - t) / 1000));
      throw new ApiError(429, 'rate_limited', `more than ${limit.max} requests in ${limit.windowSeconds} s from ${address}; retry in ${retryAfter} s`, { limit: limit.max, windowSeconds: limit.windowSeconds }, { 'Retry-After': String(retryAfter) });
    }
    return next();
  };
}

/** The peer's address on a real listener; undefined in app.request() (tests), which then is not limited. */
function remoteAddress(c: Context<AppEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
