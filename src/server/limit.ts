// A cap on concurrent expensive requests (recommendations): past it, answer 429 at once instead of queueing CPU
// work that would stall every other request behind it. Placed before the body is read, so requests arriving
// together are counted together even though the work itself runs one at a time on the event loop.
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

export function concurrencyLimit(max: number, what: string): MiddlewareHandler {
  let running = 0;
  return async (_c, next) => {
    if (running >= max) {
      throw new ApiError(429, 'too_many_requests', `too many ${what} requests in progress (at most ${max} at a time); retry in a moment`, undefined, { 'Retry-After': '1' });
    }
    running++;
    try {
      await next();
    } finally {
      running--;
    }
  };
}
